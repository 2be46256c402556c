"""Reading Android system properties as `getprop` prints them, in a file or a dumpstate section.

`getprop` prints one `[name]: [value]` line per property (a value may run over several lines
until its closing `]`). androidqf saves it as getprop.txt; a bugreport's dumpstate holds the
same text in its `------ SYSTEM PROPERTIES (getprop) ------` section.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import EvidenceFile

PATHS = ("getprop.txt", dumpsys.DUMPSTATE)
_START = re.compile(r"^\[([^\]]+)\]: \[(.*)$")


def properties(file: EvidenceFile) -> Iterator[tuple[int, str, str]]:
    """(line number, name, value) for every property, in file order."""
    if file.logical_path.endswith("getprop.txt"):
        yield from _read(_numbered(file))
        return
    for section in dumpsys.command(file, "SYSTEM PROPERTIES"):
        yield from _read(dumpsys.lines(file, section))


def _numbered(file: EvidenceFile) -> Iterator[tuple[int, str]]:
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.decode("utf-8", "replace").rstrip("\r\n")


def _read(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    pending: tuple[int, str, list[str]] | None = None
    for number, line in lines:
        if pending is not None:
            start, name, parts = pending
            if line.endswith("]"):
                parts.append(line[:-1])
                yield start, name, "\n".join(parts)
                pending = None
            else:
                parts.append(line)
            continue
        match = _START.match(line)
        if not match:
            continue
        rest = match.group(2).rstrip()
        if rest.endswith("]"):
            yield number, match.group(1), rest[:-1]
        else:
            pending = (number, match.group(1), [rest])
