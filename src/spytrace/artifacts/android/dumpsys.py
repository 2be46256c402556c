"""Sections of a bugreport's dumpstate text or of androidqf's `dumpsys.txt`, and the device clock.

Both are plain text cut into sections by header lines (frameworks/native dumpstate and
cmds/dumpsys, as seen in real bugreports):

    -------------------------------------------------------------------------------
    DUMP OF SERVICE package:                     (also "DUMP OF SERVICE CRITICAL x:")
    ...the service's own dump...
    --------- 0.053s was the duration of dumpsys package, ending at: 2022-03-29 23:14:27

    ------ SYSTEM PROPERTIES (getprop) ------     (a command dumpstate ran)
    [ro.build.version.sdk]: [29]
    ------ 0.050s was the duration of 'SYSTEM PROPERTIES' ------

A section runs from its header to the next header, separator or duration line. Files are
indexed once (by `mmap` and byte search, so a 300 MB bugreport costs well under a second)
and the index is cached, so each section parser only reads its own section.

Times in dumpsys text are the phone's local time without a zone. `device_clock` finds the
zone in the same file: `persist.sys.timezone` in the SYSTEM PROPERTIES section, else the
offset between `nowRTC=<ms>=<local time>` in dumpsys alarm. Without either, times are read
as UTC and `DeviceClock.assumed` says so (records carry it in their fields).
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spytrace.errors import EvidenceError
from spytrace.model import EvidenceFile

DUMPSYS = "dumpsys.txt"
DUMPSTATE = "bugreport/dumpstate.txt"
# Every file that holds dumpsys sections, in both Android layouts.
DUMPSYS_PATHS = (DUMPSYS, DUMPSTATE)

_SERVICE = re.compile(rb"DUMP OF SERVICE (?:CRITICAL |HIGH |NORMAL )?(\S+?):?\s*$")
_COMMAND = re.compile(rb"------ (.+?)(?: \((.*)\))? ------\s*$")
_PROPERTY = re.compile(r"^\[([^\]]+)\]: \[(.*)\]\s*$")
_NOW_RTC = re.compile(r"nowRTC=(\d{12,14})=(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")
_COUNT_CHUNK = 8 << 20
_LOCAL_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d-%H-%M-%S")


@dataclass(frozen=True, slots=True)
class Section:
    kind: str  # "service" (DUMP OF SERVICE) or "command" (------ TITLE ------)
    name: str  # the service name, or the command's title without its command line
    start: int  # byte offset of the first content line
    end: int  # byte offset just past the content
    line: int  # number (from 1) of the first content line in the file


def sections(file: EvidenceFile) -> tuple[Section, ...]:
    try:
        stat = file.path.stat()
    except OSError as exc:
        raise EvidenceError(f"{file.logical_path}: cannot be read ({exc.strerror})") from exc
    return _index(str(file.path), stat.st_size, stat.st_mtime_ns)


def service(file: EvidenceFile, name: str) -> list[Section]:
    """Every `DUMP OF SERVICE name:` section (a bugreport may dump one at two priorities)."""
    return [s for s in sections(file) if s.kind == "service" and s.name == name]


def command(file: EvidenceFile, title: str) -> list[Section]:
    """Every dumpstate command section whose title starts with `title`."""
    return [s for s in sections(file) if s.kind == "command" and s.name.startswith(title)]


def lines(file: EvidenceFile, section: Section) -> Iterator[tuple[int, str]]:
    """The section's lines with their numbers in the file, without line ends."""
    text = raw(file, section).decode("utf-8", "replace")
    for number, line in enumerate(text.split("\n"), start=section.line):
        yield number, line.rstrip("\r")


def raw(file: EvidenceFile, section: Section) -> bytes:
    with file.path.open("rb") as handle:
        handle.seek(section.start)
        return handle.read(max(section.end - section.start, 0))


def service_lines(file: EvidenceFile, name: str) -> Iterator[tuple[int, str]]:
    for section in service(file, name):
        yield from lines(file, section)


@lru_cache(maxsize=16)
def _index(path: str, size: int, mtime_ns: int) -> tuple[Section, ...]:
    if size == 0:
        return ()
    with (
        Path(path).open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm,
    ):
        starts = sorted(set(_line_starts(mm, b"DUMP OF SERVICE ")) | set(_line_starts(mm, b"---")))
        found: list[Section] = []
        newlines = 0
        counted_to = 0
        open_section: tuple[str, str, int, int] | None = None
        for start in starts:
            newlines += _newlines(mm, counted_to, start)
            counted_to = start
            end_of_line = mm.find(b"\n", start)
            end_of_line = size if end_of_line < 0 else end_of_line
            header = mm[start:end_of_line].rstrip(b"\r")
            service_match = _SERVICE.match(header)
            command_match = _COMMAND.match(header)
            ends = (
                service_match is not None
                or command_match is not None
                or (len(header) >= 20 and not header.strip(b"-"))
                or (header.startswith(b"--------- ") and b"was the duration of" in header)
            )
            if not ends:
                continue  # a line of a dump that happens to start with dashes
            if open_section is not None:
                kind, name, content, line = open_section
                found.append(Section(kind, name, content, max(start - 1, content), line))
                open_section = None
            content = min(end_of_line + 1, size)
            if service_match:
                name = service_match.group(1).decode("utf-8", "replace")
                open_section = ("service", name, content, newlines + 2)
            elif command_match and b"was the duration of" not in header:
                title = command_match.group(1).decode("utf-8", "replace").strip()
                open_section = ("command", title, content, newlines + 2)
        if open_section is not None:
            kind, name, content, line = open_section
            found.append(Section(kind, name, content, size, line))
    return tuple(found)


def _newlines(mm: mmap.mmap, start: int, end: int) -> int:
    count = 0
    for offset in range(start, end, _COUNT_CHUNK):
        count += mm[offset : min(offset + _COUNT_CHUNK, end)].count(b"\n")
    return count


def _line_starts(mm: mmap.mmap, marker: bytes) -> Iterator[int]:
    if mm[: len(marker)] == marker:
        yield 0
    needle = b"\n" + marker
    position = mm.find(needle)
    while position >= 0:
        yield position + 1
        position = mm.find(needle, position + 1)


# -- the device's clock ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceClock:
    """How to read the phone's local times: its zone, or UTC as a stated assumption."""

    zone: tzinfo
    name: str
    assumed: bool = False

    def to_utc(self, text: str | None) -> datetime | None:
        """A local time as dumpsys prints it ("2022-03-29 18:37:30.315"), in UTC."""
        moment = parse_local(text)
        if moment is None:
            return None
        return moment.replace(tzinfo=self.zone).astimezone(UTC)

    def note(self) -> str | None:
        """What to keep beside a converted time when the zone is a guess."""
        return "device time zone unknown: local times read as UTC" if self.assumed else None


UTC_ASSUMED = DeviceClock(UTC, "UTC", assumed=True)


def parse_local(text: str | None) -> datetime | None:
    if not text:
        return None
    value = text.strip()
    for form in _LOCAL_FORMATS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    return None


def device_clock(file: EvidenceFile) -> DeviceClock:
    """The zone of the phone that wrote this dumpsys/dumpstate file, found in the file itself."""
    try:
        return _clock(str(file.path), *_stat_key(file.path))
    except OSError:
        return UTC_ASSUMED


def _stat_key(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=16)
def _clock(path: str, size: int, mtime_ns: int) -> DeviceClock:
    file = EvidenceFile(path, Path(path))
    for section in command(file, "SYSTEM PROPERTIES"):
        for _, line in lines(file, section):
            match = _PROPERTY.match(line)
            if match and match.group(1) == "persist.sys.timezone":
                zone = zone_named(match.group(2))
                if zone is not None:
                    return DeviceClock(zone, match.group(2))
    for _, line in service_lines(file, "alarm"):
        match = _NOW_RTC.search(line)
        if match:
            # AlarmManagerService prints the wall clock both as epoch ms and as local time.
            utc = datetime.fromtimestamp(int(match.group(1)) / 1000, UTC).replace(tzinfo=None)
            local = datetime.strptime(match.group(2), "%Y-%m-%d %H:%M:%S")
            minutes = round((local - utc.replace(microsecond=0)).total_seconds() / 900) * 15
            offset = timedelta(minutes=minutes)
            return DeviceClock(timezone(offset), f"UTC{_offset_text(offset)} (from dumpsys alarm)")
    return UTC_ASSUMED


def zone_named(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def package_of(component: str) -> str:
    """`com.example/.Service` or `ComponentInfo{com.example/x.Y}` -> `com.example`."""
    text = component.strip()
    if text.startswith("ComponentInfo{"):
        text = text[len("ComponentInfo{") :].rstrip("}")
    return text.split("/", 1)[0].strip()
