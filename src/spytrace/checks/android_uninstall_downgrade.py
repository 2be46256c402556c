"""Apps uninstalled or downgraded, weighed by what happened around them.

Battery statistics keep about ten days of package changes (daily stats: `Update ... vers=`,
`Uninstall`) and the battery history logs installs and removals (`pkginst`, `pkgunin`). A
downgrade can bring back a vulnerable version; an app removed shortly after a sideloaded
install or an adb connection — or just before the phone was examined — may be spyware
cleaning up. Alone an uninstall is a low lead; near those events, a medium one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import pairwise

from spytrace.checks.android_common import OFFICIAL_STORES
from spytrace.model import Check, Finding, Record, Severity

NEAR = timedelta(hours=48)
READS = ("dumpsys_package", "dumpsys_adb", "androidqf_acquisition", "getprop",
         "dumpsys_battery_daily", "dumpsys_battery_history")  # fmt: skip


def check(records: Iterable[Record]) -> Iterator[Finding]:
    events: list[tuple[datetime, str]] = []
    changes: list[Record] = []
    for record in records:
        fields = record.fields
        if record.artifact == "dumpsys_package" and record.time:
            installer = fields.get("installer")
            if not fields.get("system") and installer not in OFFICIAL_STORES:
                events.append((record.time, f"the sideloaded install of {fields.get('package')}"))
        elif record.artifact == "dumpsys_adb" and record.time:
            events.append(
                (record.time, f"an adb connection from {fields.get('comment') or 'a computer'}")
            )
        elif record.artifact in ("androidqf_acquisition", "getprop") and record.time:
            events.append((record.time, "the acquisition"))
        elif record.artifact in ("dumpsys_battery_daily", "dumpsys_battery_history"):
            changes.append(record)
    versions: dict[str, list[tuple[str, int, Record]]] = {}
    for record in changes:
        fields = record.fields
        package = str(fields.get("package") or "")
        action = fields.get("action") or fields.get("event")
        if action in ("uninstall", "pkgunin"):
            near = _near(record.time, events)
            severity = Severity.MEDIUM if near else Severity.LOW
            message = f"{package} was uninstalled"
            if near:
                message += f", within {int(NEAR.total_seconds() // 3600)} hours of {near}"
            yield Finding.heuristic(record, severity, message)
        elif action == "update" and isinstance(fields.get("version_code"), int):
            start = str(fields.get("period_start") or "")
            versions.setdefault(package, []).append((start, fields["version_code"], record))
    for package, updates in versions.items():
        updates.sort(key=lambda u: u[0])
        for (_, before, _), (_, after, record) in pairwise(updates):
            if after < before:
                yield Finding.heuristic(
                    record, Severity.MEDIUM,
                    f"{package} was downgraded from version {before} to {after}",
                )  # fmt: skip


def _near(moment: datetime | None, events: list[tuple[datetime, str]]) -> str | None:
    if moment is None:
        return None
    close = [(abs(when - moment), what) for when, what in events if abs(when - moment) <= NEAR]
    return min(close)[1] if close else None


CHECK = Check("android_uninstall_downgrade", reads=READS, run=check)
