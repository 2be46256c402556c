"""shutdown.log: the processes still running while iOS shut down, reboot by reboot.

At each shutdown iOS waits for its clients to exit and writes, every time it has to wait,
"After 1.06s, these clients are still here:" followed by one "remaining client pid: 42
(/path/to/binary)" line per process, then closes the shutdown with
"SIGTERM: [1700000000] ..." (Unix seconds). So the clients listed before a SIGTERM line are
the processes that delayed that reboot (format as MVT's ShutdownLog module, Kaspersky's
iShutdown and the EC-DIGIT-CSIRC sysdiagnose parser read it). It lives at
/private/var/db/diagnostics/shutdown.log and, in a sysdiagnose, at
system_logs.logarchive/Extra/shutdown.log; iOS 26 rotates it as shutdown.0.log,
shutdown.1.log, ... and appends a per-binary UUID to client paths
("/usr/sbin/filecoordinationd/<UUID>", mvt-project/mvt#830; Pegasus' staged binaries carried
one already, Kaspersky 2024). The UUID is stripped before the path becomes an observable.

Records: one per reboot (kind "reboot": its SIGTERM line, how many waits, for how long) and
one per process per reboot (kind "client": pid, path, how many waits it was in, the longest
wait). Clients after the last SIGTERM line belong to a shutdown the log did not close; their
reboot time is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "shutdown_log"
PATHS = (
    "private/var/db/diagnostics/shutdown.log",
    "private/var/db/diagnostics/shutdown.*.log",
    "system_logs.logarchive/Extra/shutdown.log",
    "system_logs.logarchive/Extra/shutdown.*.log",
)

REBOOT, CLIENT = "reboot", "client"
_WAIT = re.compile(r"After\s+([\d.]+)s,\s*these clients are still here")
_CLIENT = re.compile(r"remaining client pid:\s*(\d+)\s*\((.*)\)\s*$")
_SIGTERM = re.compile(r"SIGTERM:\s*\[(\d+)\]")
_UUID_TAIL = re.compile(
    r"/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/?$"
)
_MAX_LINE = 64 * 1024


def strip_uuid(path: str) -> str:
    """The binary's path without the trailing UUID component iOS 26 (and staging) append."""
    return _UUID_TAIL.sub("", path)


@dataclass(slots=True)
class _Client:
    pid: int
    raw_path: str
    first_line: int
    waits: int = 0
    longest_wait: float | None = None


@dataclass(slots=True)
class _Shutdown:
    """The lines between two SIGTERM lines: one shutdown's waits and who it waited for."""

    first_line: int | None = None
    waits: list[tuple[int, float | None]] = field(default_factory=list)
    clients: dict[tuple[int, str], _Client] = field(default_factory=dict)

    def wait(self, number: int, seconds: float | None) -> None:
        self.first_line = self.first_line or number
        self.waits.append((number, seconds))

    def client(self, number: int, pid: int, path: str) -> None:
        self.first_line = self.first_line or number
        found = self.clients.get((pid, path))
        if found is None:
            found = self.clients[(pid, path)] = _Client(pid, path, number)
        found.waits += 1
        seconds = self.waits[-1][1] if self.waits else None
        if seconds is not None and (found.longest_wait is None or seconds > found.longest_wait):
            found.longest_wait = seconds


def parse(file: EvidenceFile) -> Iterator[Record]:
    current = _Shutdown()
    reboots = 0
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw[:_MAX_LINE].decode("utf-8", "replace").rstrip("\r\n")
            if match := _SIGTERM.search(line):
                reboots += 1
                yield from _close(file, current, number, unix_time(int(match.group(1))), reboots)
                current = _Shutdown()
            elif match := _WAIT.search(line):
                current.wait(number, _seconds(match.group(1)))
            elif match := _CLIENT.search(line):
                current.client(number, int(match.group(1)), match.group(2).strip())
    if current.clients or current.waits:
        yield from _close(file, current, None, None, None)


def _close(
    file: EvidenceFile,
    shutdown: _Shutdown,
    sigterm_line: int | None,
    when: datetime | None,
    reboot: int | None,
) -> Iterator[Record]:
    reboot_key = f"line {sigterm_line}" if sigterm_line else "end of log"
    names = []
    for client in shutdown.clients.values():
        path = strip_uuid(client.raw_path)
        process = path.rstrip("/").rpartition("/")[2] or path
        names.append(f"{process} ({client.pid})")
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {client.first_line}",
            time=when,
            message=(
                f"{path} (pid {client.pid}) still running at the "
                + (f"reboot of {iso(when)}" if when else "last, unfinished shutdown of the log")
            ),
            fields=fields_of(
                {
                    "kind": CLIENT,
                    "pid": client.pid,
                    "client_path": path,
                    "raw_path": client.raw_path if client.raw_path != path else None,
                    "process_name": process,
                    "waits": client.waits,
                    "longest_wait_seconds": client.longest_wait,
                    "reboot": reboot_key,
                    "reboot_time": iso(when),
                }
            ),
            observables=Observable.of(
                process=process, file_path=path if path.startswith("/") else None
            ),
            time_desc="Reboot (SIGTERM sent)",
        )
    if sigterm_line is None:
        return
    seconds = [s for _, s in shutdown.waits if s is not None]
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator=reboot_key,
        time=when,
        message=(
            f"Reboot {reboot}: shutdown waited {len(shutdown.waits)} time(s) for "
            f"{len(shutdown.clients)} process(es)"
            if shutdown.waits
            else f"Reboot {reboot}: no process delayed the shutdown"
        ),
        fields=fields_of(
            {
                "kind": REBOOT,
                "reboot": reboot_key,
                "number": reboot,
                "waits": len(shutdown.waits),
                "wait_seconds": seconds or None,
                "wait_lines": [n for n, _ in shutdown.waits] or None,
                "clients": sorted(names) or None,
            }
        ),
        time_desc="Reboot (SIGTERM sent)",
    )


def _seconds(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


ARTIFACT = Artifact(NAME, PATHS, parse)
