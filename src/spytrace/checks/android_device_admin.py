"""Device administrators and owners that are not the system's.

A device administrator can lock and wipe the phone and resists being uninstalled; a device
or profile owner manages the whole device or a profile. Stalkerware asks for administrator
rights so the victim cannot remove it; employers' MDM apps hold them legitimately, so the
owner of the phone has to say which it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.android_common import PACKAGE_ARTIFACTS, Packages
from spytrace.model import Check, Finding, Record, Severity

READS = (*PACKAGE_ARTIFACTS, "dumpsys_device_policy")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    packages = Packages()
    for record in records:
        if packages.add(record) or record.artifact != "dumpsys_device_policy":
            continue
        package = str(record.fields.get("package") or "")
        if not package or packages.is_system(package):
            continue
        role = str(record.fields.get("role") or "device_admin")
        policies = record.fields.get("policies") or []
        severity = Severity.HIGH if role == "device_owner" else Severity.MEDIUM
        label = {"device_owner": "device owner", "profile_owner": "profile owner"}.get(
            role, "device administrator"
        )
        message = f"Non-system app {package} is {label} ({record.fields.get('component')})"
        if policies:
            message += f" with policies {', '.join(map(str, policies))}"
        yield Finding.heuristic(record, severity, message, related=packages.evidence(package))


CHECK = Check("android_device_admin", reads=READS, run=check)
