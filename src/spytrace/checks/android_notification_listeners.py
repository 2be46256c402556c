"""Notification listeners that are not the system's: apps that read every notification.

A notification listener sees message previews, one-time codes and chat content as they
arrive; stalkerware uses it to copy WhatsApp and Signal messages without root. Read from
dumpsys notification and the `enabled_notification_listeners` secure setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.android_common import PACKAGE_ARTIFACTS, Packages, split_components
from spytrace.model import Check, Finding, Record, Severity

READS = (*PACKAGE_ARTIFACTS, "dumpsys_notification_listeners", "android_settings")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    packages = Packages()
    seen: set[tuple[str, str]] = set()
    for record in records:
        if packages.add(record):
            continue
        fields = record.fields
        components: list[str] = []
        if record.artifact == "dumpsys_notification_listeners":
            if fields.get("enabled") or fields.get("live") or fields.get("allowed"):
                components = [str(fields.get("component") or "")]
        elif (
            record.artifact == "android_settings"
            and fields.get("name") == "enabled_notification_listeners"
        ):
            components = split_components(fields.get("value"))
        for component in components:
            package = component.split("/", 1)[0]
            if not package or packages.is_system(package) or (record.source, component) in seen:
                continue
            seen.add((record.source, component))
            yield Finding.heuristic(
                record, Severity.MEDIUM,
                f"Non-system app {package} can read every notification ({component})",
                related=packages.evidence(package),
            )  # fmt: skip


CHECK = Check("android_notification_listeners", reads=READS, run=check)
