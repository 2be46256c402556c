"""dumpsys dbinfo: the SQLite databases apps had open and their most recent operations.

SQLiteDebug dumps, per process, `** Database info for pid 8817 [com.wssyncmldm] **`, then per
connection pool `Connection pool for /data/user/0/com.wssyncmldm/databases/idmsdk.db:` and
its recent operations: `0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForLong took 4ms -
succeeded, sql="PRAGMA page_count;", path=/data/user/0/...`. One record per operation; the
SQL text stays in fields (it may quote message content).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "dumpsys_dbinfo"
PATHS = dumpsys.DUMPSYS_PATHS
_PROCESS = re.compile(r"^\*\* Database info for pid (\d+) \[([^\]]*)\] \*\*")
_POOL = re.compile(r"^Connection pool for (.+):\s*$")
_OPERATION = re.compile(
    r"^\s+\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\] (?:\[Pid:\((\d+)\)\])?\s*"
    r"(\w+) took (\d+)ms - (\w+)(?:, sql=\"(.*?)\")?(?:, path=(\S+))?"
)
_DATA_DIR = re.compile(r"^/data/(?:user(?:_de)?/\d+|data)/([^/]+)/")


def parse(file: EvidenceFile) -> Iterator[Record]:
    clock = dumpsys.device_clock(file)
    process = ""
    pid = ""
    pool = ""
    for number, line in dumpsys.service_lines(file, "dbinfo"):
        if match := _PROCESS.match(line):
            pid, process = match.group(1), match.group(2)
            continue
        if match := _POOL.match(line):
            pool = match.group(1).strip()
            continue
        match = _OPERATION.match(line)
        if not match:
            continue
        local, op_pid, operation, took, status, sql, path = match.groups()
        path = path or pool
        owner = _DATA_DIR.match(path)
        when = clock.to_utc(local)
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {number}",
            time=when,
            message=f"{process or 'unknown process'} {operation} on {path.rsplit('/', 1)[-1]}",
            fields=fields_of(
                {
                    "process": process,
                    "pid": int(pid) if pid else None,
                    "operation_pid": int(op_pid) if op_pid else None,
                    "operation": operation,
                    "duration_ms": int(took),
                    "status": status,
                    "sql": sql,
                    "path": path,
                    "time_zone": clock.note(),
                }
            ),
            observables=Observable.of(
                app_id=[owner.group(1) if owner else None, _app(process)],
                file_path=path if path.startswith("/") else None,
            ),
            time_desc="Database operation",
        )


def _app(process: str) -> str | None:
    name = process.split(":", 1)[0]
    return name if re.fullmatch(r"[A-Za-z][\w]*(\.[\w]+)+", name) else None


ARTIFACT = Artifact(NAME, PATHS, parse)
