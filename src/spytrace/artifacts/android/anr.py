"""ANR traces in /data/anr, as a bugreport copies them: the stacks of apps that stopped
responding, one block per process.

Each block opens with `----- pid 1234 at 2022-03-29 18:37:30.315 -----` (newer releases add
nanoseconds and a `+0100` offset) followed by `Cmd line: com.example.app` (ART's
SignalCatalog dump), and closes with `----- end 1234 -----`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "android_anr"
PATHS = ("bugreport/FS/data/anr/*",)
MAX_BYTES = 256 << 20
_START = re.compile(
    r"^----- pid (\d+) at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d{4})? -----"
)
_CMD = re.compile(r"^Cmd line: (.+)$")
_PACKAGE = re.compile(r"[A-Za-z][\w]*(\.[\w]+)+")


def parse(file: EvidenceFile) -> Iterator[Record]:
    if file.path.stat().st_size > MAX_BYTES:
        raise EvidenceError(f"{file.logical_path}: too large for an ANR trace")
    block: tuple[int, str, datetime | None] | None = None
    local = ""
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if match := _START.match(line):
                block = (number, match.group(1), _time(*match.group(2, 3, 4)))
                local = match.group(2)
            elif block and (match := _CMD.match(line)):
                yield _record(file, block, match.group(1).strip(), local)
                block = None


def _time(local: str, fraction: str | None, offset: str | None) -> datetime | None:
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    if fraction:
        moment = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    if offset is None:
        return None  # local time of an unknown zone: kept in fields only
    sign = 1 if offset[0] == "+" else -1
    minutes = sign * (int(offset[1:3]) * 60 + int(offset[3:5]))
    return moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).astimezone(UTC)


def _record(
    file: EvidenceFile, block: tuple[int, str, datetime | None], command: str, local: str
) -> Record:
    number, pid, when = block
    process = command.split(" ", 1)[0].rsplit("/", 1)[-1]
    app = process.split(":", 1)[0]
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {number}",
        time=when,
        message=f"{process} stopped responding (pid {pid})",
        fields=fields_of(
            {
                "pid": int(pid),
                "command": command,
                "process": process,
                "local_time": None if when else local,
            }
        ),
        observables=Observable.of(process=process, app_id=app if _PACKAGE.fullmatch(app) else None),
        time_desc="App not responding",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
