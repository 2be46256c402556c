"""ps.txt and ps_thread.txt of a sysdiagnose: every process running when it was taken.

ps.txt is `ps` output: a header line (USER UID PRSNA PID PPID F %CPU %MEM PRI NI VSZ RSS
WCHAN TT STAT STARTED TIME COMMAND since iOS 16, fewer columns before) then one line per
process, COMMAND last and free to hold spaces. ps_thread.txt (`ps -M`: USER PID TT %CPU STAT
PRI STIME UTIME COMMAND) gives one such line per process, its threads on the lines that follow
without a terminal column (formats as the EC-DIGIT-CSIRC sysdiagnose ps and psthread parsers
read them). The executable is COMMAND up to its first " -" argument; STARTED is a local
clock time without a date, kept as text, so records carry no time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios.shutdown_log import strip_uuid
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "ps"
PATHS = ("ps.txt", "ps_thread.txt")
_INTEGERS = ("PID", "PPID", "UID")
_MAX_LINE = 64 * 1024


def parse(file: EvidenceFile) -> Iterator[Record]:
    threads = file.logical_path.rpartition("/")[2] == "ps_thread.txt"
    with file.path.open("rb") as handle:
        header: list[str] = []
        pending: tuple[int, dict[str, str]] | None = None
        thread_count = 0
        for number, raw in enumerate(handle, 1):
            line = raw[:_MAX_LINE].decode("utf-8", "replace").rstrip("\r\n")
            if not line.strip():
                continue
            if not header:
                header = line.split()
                if "COMMAND" not in header:
                    file.notes.append("no ps header line (COMMAND column) found")
                    return
                continue
            columns = _columns(line, header)
            if threads and (columns is None or columns.get("TT") != "??"):
                thread_count += 1  # another thread of the process above (its line is the first)
                continue
            if columns is None:
                file.notes.append(f"line {number} does not have the header's columns")
                continue
            if pending is not None:
                yield _record(file, *pending, thread_count + 1 if threads else None)
            pending, thread_count = (number, columns), 0
        if pending is not None:
            yield _record(file, *pending, thread_count + 1 if threads else None)


def _columns(line: str, header: list[str]) -> dict[str, str] | None:
    values = line.split(None, len(header) - 1)
    if len(values) < len(header):
        return None
    return dict(zip(header, values, strict=True))


def _record(file: EvidenceFile, number: int, row: dict[str, str], threads: int | None) -> Record:
    command = row.get("COMMAND", "")
    executable = strip_uuid(command.split(" -", 1)[0].strip()) if command.startswith("/") else ""
    process = (executable or command.split(" ", 1)[0]).rstrip("/").rpartition("/")[2]
    values: dict[str, Any] = {
        "process_name": process,
        "process_path": executable or None,
        "command": command,
        "user": row.get("USER"),
        "started": row.get("STARTED"),
        "threads": threads,
    }
    for column in _INTEGERS:
        text = row.get(column)
        values[column.lower()] = int(text) if text and text.isdigit() else None
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {number}",
        time=None,
        message=f"{executable or command} (pid {values['pid']}) running as {row.get('USER')}",
        fields=fields_of(values),
        observables=Observable.of(
            process=process, file_path=executable if executable.startswith("/") else None
        ),
        time_desc="Running when the sysdiagnose was taken",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
