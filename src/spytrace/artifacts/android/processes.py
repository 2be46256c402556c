"""The processes running when the evidence was taken.

Three shapes: `ps -A` text (androidqf ps.txt or processes.txt without its collector:
`USER PID PPID VSZ RSS WCHAN ADDR S NAME`), the androidqf collector's JSON list
(`pid`, `uid`, `ppid`, `path`, `context`, `command_line`... in processes.txt or
processes.json), and a bugreport's `------ PROCESSES AND THREADS (ps -A -T -Z ...) ------`
section, where one line per thread is printed and only the main thread (TID = PID) is kept.
The kernel keeps 15 characters of a process name; the matcher allows for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import msgspec

from spytrace.artifacts.android import dumpsys
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "android_processes"
PATHS = ("ps.txt", "processes.txt", "processes.json", dumpsys.DUMPSTATE)
_PACKAGE = re.compile(r"[A-Za-z][\w]*(\.[\w]+)+")


def parse(file: EvidenceFile) -> Iterator[Record]:
    if file.logical_path == dumpsys.DUMPSTATE:
        for section in dumpsys.command(file, "PROCESSES AND THREADS"):
            yield from _table(file, dumpsys.lines(file, section))
        return
    with file.path.open("rb") as handle:
        head = handle.read(64).lstrip()
    if head.startswith((b"[", b"{")):
        yield from _json(file)
    else:
        yield from _table(file, _numbered(file))


def _numbered(file: EvidenceFile) -> Iterator[tuple[int, str]]:
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.decode("utf-8", "replace").rstrip("\r\n")


def _table(file: EvidenceFile, lines: Iterator[tuple[int, str]]) -> Iterator[Record]:
    header: list[str] | None = None
    for number, line in lines:
        if not line.strip():
            continue
        if header is None:
            words = line.split()
            if "PID" in words and ("NAME" in words or "CMD" in words):
                header = words
            continue
        values = line.split(None, len(header) - 1)
        if len(values) < len(header):
            continue
        row = dict(zip(header, values, strict=True))
        if "TID" in row and row["TID"] != row.get("PID"):
            continue
        name = row.get("NAME") or row.get("CMD") or ""
        yield _record(
            file,
            f"line {number}",
            name,
            {
                "pid": _int(row.get("PID")),
                "ppid": _int(row.get("PPID")),
                "user": row.get("USER"),
                "label": row.get("LABEL"),
                "state": row.get("S"),
            },
        )


def _json(file: EvidenceFile) -> Iterator[Record]:
    try:
        data = msgspec.json.decode(file.path.read_bytes())
    except msgspec.DecodeError as exc:
        raise EvidenceError(f"{file.logical_path}: not valid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise EvidenceError(f"{file.logical_path}: not a JSON list of processes")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            continue
        command = item.get("command_line") or []
        first = command[0] if isinstance(command, list) and command else ""
        name = str(first or item.get("path") or item.get("filename") or "")
        yield _record(
            file,
            f"[{index}]",
            name,
            {
                "pid": item.get("pid"),
                "ppid": item.get("ppid"),
                "uid": item.get("uid"),
                "path": item.get("path"),
                "label": item.get("context"),
                "state": item.get("state"),
                "command_line": " ".join(str(c) for c in command) if command else None,
            },
        )


def _record(file: EvidenceFile, locator: str, name: str, values: dict[str, Any]) -> Record:
    process = name.strip("[]").rsplit("/", 1)[-1]
    app = process.split(":", 1)[0]
    path = values.get("path")
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=locator,
        time=None,
        message=f"Process {process} (pid {values.get('pid')})",
        fields=fields_of({"name": name, **values}),
        observables=Observable.of(
            process=process,
            app_id=app if _PACKAGE.fullmatch(app) else None,
            file_path=path if isinstance(path, str) and path.startswith("/") else None,
        ),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


ARTIFACT = Artifact(NAME, PATHS, parse)
