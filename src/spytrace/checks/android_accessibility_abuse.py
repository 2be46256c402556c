"""Accessibility services that are not the system's: they read the screen and act for the user.

Stalkerware and banking trojans use an accessibility service to read messages as they are
displayed, log keys and grant themselves permissions. An enabled one from an app outside
the system image is a strong lead; one merely installed, a weak one. Read from dumpsys
accessibility and from the `enabled_accessibility_services` secure setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.android_common import PACKAGE_ARTIFACTS, Packages, split_components
from spytrace.model import Check, Finding, Record, Severity

READS = (*PACKAGE_ARTIFACTS, "dumpsys_accessibility", "android_settings")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    packages = Packages()
    flagged: set[tuple[str, str]] = set()
    for record in records:
        if packages.add(record):
            continue
        fields = record.fields
        if record.artifact == "dumpsys_accessibility" and fields.get("component"):
            component = str(fields["component"])
            enabled = bool(fields.get("enabled") or fields.get("bound") or fields.get("binding"))
            yield from _finding(packages, record, component, enabled, flagged)
        elif (
            record.artifact == "android_settings"
            and fields.get("name") == "enabled_accessibility_services"
        ):
            for component in split_components(fields.get("value")):
                yield from _finding(packages, record, component, True, flagged)


def _finding(
    packages: Packages,
    record: Record,
    component: str,
    enabled: bool,
    flagged: set[tuple[str, str]],
) -> Iterator[Finding]:
    package = component.split("/", 1)[0]
    if packages.is_system(package) or (record.source, component) in flagged:
        return
    flagged.add((record.source, component))
    where = "" if packages.known(package) else " (not in the package lists read)"
    if enabled:
        yield Finding.heuristic(
            record, Severity.HIGH,
            f"Accessibility service {component} of the non-system app {package}{where} is "
            "enabled: it can read the screen and act for the user",
            related=packages.evidence(package),
        )  # fmt: skip
    else:
        yield Finding.heuristic(
            record, Severity.LOW,
            f"Non-system app {package}{where} offers an accessibility service ({component}), "
            "not enabled",
            related=packages.evidence(package),
        )  # fmt: skip


CHECK = Check("android_accessibility_abuse", reads=READS, run=check)
