"""dumpsys batterystats `Daily stats:`: package updates and uninstalls, day by day.

BatteryStats.dumpDailyLocked prints `  Daily from 2022-03-29-00-51-41 to 2022-03-30-00-00-00:`
(and `  Current daily steps:` for today) then, under `    Package changes:`, one line per
change: `      Update com.example vers=12` or `      Uninstall com.example`
(dumpDailyPackageChanges). Android keeps about ten days. A version lower than an earlier
update of the same package is a downgrade; `vers=0` is how some builds log a removal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "dumpsys_battery_daily"
PATHS = dumpsys.DUMPSYS_PATHS
_DAY = re.compile(r"^  Daily from (\S+) to (\S+?):?$")
_CURRENT = re.compile(r"^  Current start time: (\S+)")
_UPDATE = re.compile(r"^\s+Update (\S+) vers=(-?\d+)")
_UNINSTALL = re.compile(r"^\s+Uninstall (\S+)")


def parse(file: EvidenceFile) -> Iterator[Record]:
    clock = dumpsys.device_clock(file)
    in_daily = False
    period: tuple[str | None, str | None] = (None, None)
    for number, line in dumpsys.service_lines(file, "batterystats"):
        if line.startswith("Daily stats:"):
            in_daily = True
            continue
        if not in_daily:
            continue
        if line and not line.startswith(" "):
            in_daily = False
            continue
        if match := _CURRENT.match(line):
            period = (match.group(1), None)
        elif match := _DAY.match(line):
            period = (match.group(1), match.group(2))
        elif match := _UPDATE.match(line):
            version = int(match.group(2))
            action = "update" if version else "update to version 0"
            yield _record(file, number, match.group(1), action, version, period, clock)
        elif match := _UNINSTALL.match(line):
            yield _record(file, number, match.group(1), "uninstall", None, period, clock)


def _record(
    file: EvidenceFile,
    number: int,
    package: str,
    action: str,
    version: int | None,
    period: tuple[str | None, str | None],
    clock: dumpsys.DeviceClock,
) -> Record:
    start, end = clock.to_utc(period[0]), clock.to_utc(period[1])
    shown = f" to version {version}" if version else ""
    verb = {"update": "updated", "uninstall": "uninstalled"}.get(action, "logged at version 0")
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {number}",
        time=start,
        message=f"{package} {verb}{shown} (day starting {iso(start) or 'unknown'})",
        fields=fields_of(
            {
                "package": package,
                "action": "uninstall" if action != "update" else "update",
                "version_code": version,
                "period_start": iso(start),
                "period_end": iso(end),
                "time_zone": clock.note(),
            }
        ),
        observables=Observable.of(app_id=package),
        time_desc="Start of the day the change was logged",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
