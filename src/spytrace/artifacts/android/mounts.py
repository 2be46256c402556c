"""Mounted filesystems: androidqf mounts.json and a bugreport's /proc/<pid>/mountinfo.

androidqf (modules/mounts.go) saves the `/system` lines of `mount` (`/dev/block/dm-0 on
/system type ext4 (ro,seclabel,relatime)`) and of /proc/mounts (`/dev/block/dm-0 /system
ext4 ro,seclabel,relatime 0 0`) as a JSON list of strings; mounts.txt holds the same lines
as text. mountinfo lines (proc(5)): `36 35 98:0 / /system ro,relatime shared:1 - ext4
/dev/block/dm-0 ro,seclabel`. A system partition mounted read-write means the phone was
modified (root).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "android_mounts"
PATHS = ("mounts.json", "mounts.txt", "bugreport/FS/proc/*/mountinfo")
_MOUNT = re.compile(r"^(\S+) on (\S+) type (\S+) \(([^)]*)\)")
_PROC = re.compile(r"^(\S+) (/\S*) (\S+) (\S+) \d+ \d+\s*$")
_INFO = re.compile(r"^\d+ \d+ \S+ \S+ (/\S*) (\S+)(?: \S+)* - (\S+) (\S+) (\S+)\s*$")


def parse(file: EvidenceFile) -> Iterator[Record]:
    for locator, line in _lines(file):
        parsed = _parse_line(line)
        if parsed is None:
            continue
        device, mount_point, fs_type, options = parsed
        flags = options.split(",")
        mode = "rw" if "rw" in flags else "ro" if "ro" in flags else ""
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=locator,
            time=None,
            message=f"{mount_point} mounted {mode or options} from {device} ({fs_type})",
            fields={
                "device": device,
                "mount_point": mount_point,
                "fs_type": fs_type,
                "options": flags,
                "read_write": mode == "rw",
            },
            observables=Observable.of(
                file_path=[p for p in (mount_point, device) if p.startswith("/")]
            ),
        )


def _lines(file: EvidenceFile) -> Iterator[tuple[str, str]]:
    if file.logical_path.endswith(".json"):
        try:
            lines = msgspec.json.decode(file.path.read_bytes())
        except msgspec.DecodeError as exc:
            raise EvidenceError(f"{file.logical_path}: not valid JSON ({exc})") from exc
        if not isinstance(lines, list):
            raise EvidenceError(f"{file.logical_path}: not a JSON list")
        for index, line in enumerate(lines):
            if isinstance(line, str):
                yield f"[{index}]", line.strip()
        return
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield f"line {number}", raw.decode("utf-8", "replace").strip()


def _parse_line(line: str) -> tuple[str, str, str, str] | None:
    if match := _MOUNT.match(line):
        device, mount_point, fs_type, options = match.groups()
        return device, mount_point, fs_type, options
    if match := _INFO.match(line):
        mount_point, mount_options, fs_type, device, super_options = match.groups()
        return device, mount_point, fs_type, f"{mount_options},{super_options}"
    if match := _PROC.match(line):
        device, mount_point, fs_type, options = match.groups()
        return device, mount_point, fs_type, options
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
