"""dumpsys appops: which app used which protected operation (SMS, camera, install...), and when.

AppOpsService.dump lists `  Uid u0a103:` then `    Package com.example:` then one line per
operation, `      READ_SMS (allow):`, followed by its last accesses and rejections:
`          Access: [fg-s] 2022-03-29 18:37:30.315 (-4h50m23s772ms) duration=+33ms` (Android
11+ nests them under attribution tags such as `null=[`). One record per package and
operation, dated by its latest access.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "dumpsys_appops"
PATHS = dumpsys.DUMPSYS_PATHS
_UID = re.compile(r"^  Uid (\S+):")
_PACKAGE = re.compile(r"^    Package (\S+):")
_OP = re.compile(r"^      ([A-Z][A-Z0-9_]+) \((\w+)(?: / switch \w+=\w+)?\):")
_EVENT = re.compile(
    r"^\s+(Access|Reject): \[([\w-]+)\]\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)"
)


def parse(file: EvidenceFile) -> Iterator[Record]:
    clock = dumpsys.device_clock(file)
    uid = ""
    package = ""
    op: dict[str, Any] | None = None
    for number, line in dumpsys.service_lines(file, "appops"):
        if match := _UID.match(line):
            uid, package = match.group(1), ""
        elif match := _PACKAGE.match(line):
            package = match.group(1)
        elif (match := _OP.match(line)) and package:
            if op is not None:
                yield _record(file, op, clock)
            op = {
                "uid": uid,
                "package": package,
                "op": match.group(1),
                "mode": match.group(2),
                "line": number,
                "access": [],
                "reject": [],
            }
            continue
        elif (match := _EVENT.match(line)) and op is not None:
            op["access" if match.group(1) == "Access" else "reject"].append(match.group(3))
            continue
        else:
            continue
        if op is not None:
            yield _record(file, op, clock)
            op = None
    if op is not None:
        yield _record(file, op, clock)


def _record(file: EvidenceFile, op: dict[str, Any], clock: dumpsys.DeviceClock) -> Record:
    last_access = max(op["access"], default=None)
    last_reject = max(op["reject"], default=None)
    access_time = clock.to_utc(last_access)
    reject_time = clock.to_utc(last_reject)
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {op['line']}",
        time=access_time or reject_time,
        message=f"{op['package']} {op['op']} ({op['mode']})",
        fields=fields_of(
            {
                "package": op["package"],
                "uid": op["uid"],
                "op": op["op"],
                "mode": op["mode"],
                "last_access": iso(access_time),
                "last_reject": iso(reject_time),
                "accesses": len(op["access"]) or None,
                "time_zone": clock.note() if (last_access or last_reject) else None,
            }
        ),
        observables=Observable.of(app_id=op["package"]),
        time_desc="Operation last used" if access_time else "Operation last refused",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
