"""Every path of a filesystem dump: names, kinds, sizes, permissions and modification times.

The ios_fs source writes the listing as JSON lines (path, kind, size, mode, mtime, link) under
the logical path below, which no device file can have. Each entry becomes a record whose path
and name are observables, so indicators of files and folders (Pegasus' staging folders under
/private/var/db/, dropped binaries) match anywhere in the dump, as MVT's Filesystem module
checks every path. A regular file with an execute bit is flagged `executable` and named as a
process too: indicators often give the binary's name, and on iOS a launched binary's process
is its file name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "filesystem"
# Produced by spytrace.sources.ios_fs; the colon keeps it apart from any device path.
LISTING_PATH = "spytrace:filesystem-listing.jsonl"
PATHS = (LISTING_PATH,)
_EXECUTE_BITS = 0o111


def parse(file: EvidenceFile) -> Iterator[Record]:
    with file.path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                entry = json.loads(line)
            except ValueError:
                file.notes.append(f"line {number} is not a listing entry")
                continue
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield _record(file, entry)


def _record(file: EvidenceFile, entry: dict[str, Any]) -> Record:
    path = entry["path"]
    kind = str(entry.get("kind") or "file")
    mode = entry.get("mode") if isinstance(entry.get("mode"), int) else None
    executable = kind == "file" and mode is not None and bool(mode & _EXECUTE_BITS)
    name = path.rpartition("/")[2]
    device_path = "/" + path
    link = entry.get("link") if isinstance(entry.get("link"), str) else None
    what = {"dir": "Folder", "link": "Link", "special": "Special file"}.get(kind, "File")
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"entry {path}",
        time=unix_time(entry.get("mtime")),
        message=f"{what} {device_path} modified",
        fields=fields_of(
            {
                "path": device_path,
                "kind": kind,
                "size": entry.get("size") if kind == "file" else None,
                "mode": f"{mode:04o}" if mode is not None else None,
                "executable": executable or None,
                "link": link,
            }
        ),
        observables=Observable.of(
            file_path=device_path,
            file_name=name,
            process=name if executable else None,
        ),
        time_desc="Modified",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
