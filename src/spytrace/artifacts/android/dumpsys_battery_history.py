"""dumpsys batterystats `Battery History`: which app came to the foreground, ran jobs or syncs,
and which packages were installed or removed, with the time.

Each history line starts with an offset from the start of the history (`+1h26m18s315ms`);
`RESET:TIME: 2022-01-04-17-30-01` and `TIME: ...` lines tie offsets to the wall clock
(local time). Events read `+top=u0a280:"com.whatsapp"`, `+job=u0a94:"pkg/.Service"`,
`pkginst=u0a301:"com.example"` (BatteryStats HISTORY_EVENT_NAMES; `+` starts, `-` ends).
One record per start of top, fg, job, sync, and per package install or uninstall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "dumpsys_battery_history"
PATHS = dumpsys.DUMPSYS_PATHS
EVENTS = {
    "top": "came to the foreground",
    "fg": "ran in the foreground",
    "job": "ran a job",
    "sync": "synced",
    "pkginst": "installed",
    "pkgunin": "uninstalled",
}
_OFFSET = re.compile(r"^\s+(\+?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?|0) \(")
_PART = re.compile(r"(\d+)(ms|d|h|m|s)")
_TIME = re.compile(r"\bTIME: (\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)")
_EVENT = re.compile(r'(?<!\S)([+-]?)([a-z_]+)=([\w]+):"([^"]*)"')
_UNITS = {"d": 86400_000, "h": 3600_000, "m": 60_000, "s": 1000, "ms": 1}


def parse(file: EvidenceFile) -> Iterator[Record]:
    clock = dumpsys.device_clock(file)
    in_history = False
    anchor: tuple[datetime, int] | None = None
    for number, line in dumpsys.service_lines(file, "batterystats"):
        if line.startswith("Battery History"):
            in_history = True
            continue
        if not in_history:
            continue
        if line and not line.startswith(" "):
            break
        offset_match = _OFFSET.match(line)
        if offset_match is None:
            continue
        offset = _milliseconds(offset_match.group(1))
        if time_match := _TIME.search(line):
            wall = clock.to_utc(time_match.group(1))
            if wall is not None:
                anchor = (wall, offset)
        for sign, event, uid, name in _EVENT.findall(line):
            if event not in EVENTS or sign == "-":
                continue
            when = anchor[0] + timedelta(milliseconds=offset - anchor[1]) if anchor else None
            package = dumpsys.package_of(name) if event != "sync" else name.split("/")[-1]
            yield Record(
                artifact=NAME,
                source=file.logical_path,
                locator=f"line {number}",
                time=when,
                message=f"{package} {EVENTS[event]}",
                fields=fields_of(
                    {
                        "event": event,
                        "uid": uid,
                        "name": name,
                        "package": package,
                        "offset_ms": offset,
                        "time_zone": clock.note() if when else None,
                        "clock": None if when else "no TIME line before this event",
                    }
                ),
                observables=Observable.of(app_id=_package_like(package)),
                time_desc=f"Battery history: {event}",
            )


def _milliseconds(text: str) -> int:
    return sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))


def _package_like(name: str) -> str | None:
    return name if re.fullmatch(r"[A-Za-z][\w]*(\.[\w]+)+", name) else None


ARTIFACT = Artifact(NAME, PATHS, parse)
