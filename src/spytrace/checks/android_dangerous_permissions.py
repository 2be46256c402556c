"""One non-system app combining access to messages or calls with a way to control the phone.

Reading SMS or the call log is what stalkerware sells; an accessibility service, device
administrator rights or a notification listener is how it stays hidden, resists removal
or reads chats. Either alone has innocent uses; together in one app outside the system they
are the signature of monitoring software. Permissions granted come from dumpsys package;
an app allowed to install other apps (REQUEST_INSTALL_PACKAGES in appops) is a low lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.android_common import (
    OFFICIAL_STORES,
    PACKAGE_ARTIFACTS,
    THIRD_PARTY_STORES,
    Packages,
)
from spytrace.model import Check, Finding, Record, Severity

SMS = ("android.permission.READ_SMS", "android.permission.RECEIVE_SMS",
       "android.permission.SEND_SMS", "android.permission.RECEIVE_MMS")  # fmt: skip
CALLS = ("android.permission.READ_CALL_LOG", "android.permission.PROCESS_OUTGOING_CALLS",
         "android.permission.RECORD_AUDIO", "android.permission.READ_PHONE_STATE")  # fmt: skip
READS = (*PACKAGE_ARTIFACTS, "dumpsys_accessibility", "dumpsys_device_policy",
         "dumpsys_notification_listeners", "dumpsys_appops")  # fmt: skip


def check(records: Iterable[Record]) -> Iterator[Finding]:
    packages = Packages()
    powers: dict[str, list[tuple[str, Record]]] = {}
    for record in records:
        if packages.add(record):
            continue
        fields = record.fields
        package = str(fields.get("package") or "")
        if not package:
            continue
        if record.artifact == "dumpsys_accessibility" and (
            fields.get("enabled") or fields.get("bound")
        ):
            powers.setdefault(package, []).append(("an enabled accessibility service", record))
        elif record.artifact == "dumpsys_device_policy":
            powers.setdefault(package, []).append(("device administrator rights", record))
        elif record.artifact == "dumpsys_notification_listeners" and (
            fields.get("enabled") or fields.get("live")
        ):
            powers.setdefault(package, []).append(("notification access", record))
        elif (
            record.artifact == "dumpsys_appops"
            and fields.get("op") == "REQUEST_INSTALL_PACKAGES"
            and fields.get("mode") == "allow"
            and not packages.is_system(package)
            and package not in OFFICIAL_STORES | THIRD_PARTY_STORES
        ):
            yield Finding.heuristic(
                record, Severity.LOW, f"Non-system app {package} may install other apps"
            )
    for package, held in powers.items():
        facts = packages.by_name.get(package)
        if facts is None or packages.is_system(package):
            continue
        reads = sorted(p.rsplit(".", 1)[-1] for p in facts.granted if p in SMS[:3] + CALLS[:2])
        if not reads:
            continue
        what = sorted({label for label, _ in held})
        first = facts.records[0]
        yield Finding.heuristic(
            first, Severity.HIGH,
            f"Non-system app {package} holds {', '.join(reads)} together with "
            f"{' and '.join(what)}: the combination monitoring apps rely on",
            related=[r for _, r in held],
        )  # fmt: skip


CHECK = Check("android_dangerous_permissions", reads=READS, run=check)
