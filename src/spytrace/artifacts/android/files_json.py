"""androidqf files.json: the files androidqf listed on the phone, with modes, owners, times,
SELinux labels and, when it hashed them, MD5/SHA-1/SHA-256/SHA-512.

androidqf writes either a JSON array or, from its collector, one JSON object per line
(adb/collector.go FileInfo: `path`, `size`, `mode` — `-rwxr-xr-x` from the collector, octal
from `find -printf %m` —, `user_id`, `user_name`, `group_id`, `group_name`, `changed_time`,
`modified_time`, `access_time` (Unix seconds; the modification time dates the record, the
other two stay raw in fields), `error`, `context`, `sha1`, `sha256`,
`sha512`, `md5`, and `mime_type` in newer collectors). Folders listed: /sdcard, /system,
/vendor, /product, /apex, /data/local/tmp, /data/media/0, /data/misc/radio, /tmp, /data/data...
The list can hold hundreds of thousands of entries: it is read in chunks, one flat object at
a time, never whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO

import msgspec

from spytrace.model import Artifact, EvidenceFile, Observable, Record, in_part

NAME = "android_files"
PATHS = ("files.json",)
CHUNK = 4 << 20
# A flat object bigger than this is not a FileInfo: the file is damaged.
MAX_OBJECT = 1 << 20


class FileInfo(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    path: str = ""
    size: int | None = None
    mode: str | int | None = None
    user_id: int | None = None
    user_name: str = ""
    group_id: int | None = None
    group_name: str = ""
    changed_time: int | float | None = None
    modified_time: int | float | None = None
    access_time: int | float | None = None
    error: str = ""
    context: str = ""
    md5: str = ""
    sha1: str = ""
    sha256: str = ""
    sha512: str = ""
    mime_type: str = ""


_decoder = msgspec.json.Decoder(FileInfo)
_list_decoder = msgspec.json.Decoder(list[FileInfo])
_FILE_PATH = "file_path"
_FILE_HASH = "file_hash"


def parse(file: EvidenceFile) -> Iterator[Record]:
    return parse_part(file, 0, 1)


def parse_part(file: EvidenceFile, part: int, parts: int) -> Iterator[Record]:
    """The records of one part of the listing (see Artifact.parse_part); parts=1: all."""
    source = file.logical_path
    # A listing of 200,000 files makes this the hottest loop of an androidqf scan.
    for index, entry in enumerate(entries(file)):
        if parts > 1 and not in_part(index, part, parts):
            continue
        path = entry.path
        # omit_defaults: the empty strings and nulls androidqf writes are left out, in C.
        fields = msgspec.to_builtins(entry)
        observables = [Observable(_FILE_PATH, path)] if path else []
        if entry.sha256:
            observables.append(Observable(_FILE_HASH, entry.sha256))
        if entry.sha1:
            observables.append(Observable(_FILE_HASH, entry.sha1))
        if entry.md5:
            observables.append(Observable(_FILE_HASH, entry.md5))
        if entry.sha512:
            observables.append(Observable(_FILE_HASH, entry.sha512))
        modified = entry.modified_time
        yield Record(
            artifact=NAME,
            source=source,
            locator=f"[{index}]",
            time=_time(modified) if modified else None,
            message=path,
            fields=fields,
            observables=tuple(observables),
            time_desc="File modified",
        )


def entries(file: EvidenceFile) -> Iterator[FileInfo]:
    """Every object of the array or of the JSON lines, in order; damaged ones skipped and noted.

    Whole chunks are decoded at once (the objects up to the last complete one); a chunk that
    does not decode falls back to reading one object at a time from there on.
    """
    skipped = [0]
    with file.path.open("rb") as handle:
        buffer = handle.read(CHUNK)
        lines = buffer.lstrip()[:1] != b"["
        ended = not buffer
        while True:
            cut = buffer.rfind(b"\n" if lines else b"}")
            if ended and lines:
                cut = len(buffer)
            if cut < 0 and ended:
                break
            done = 0
            if cut >= 0:
                batch = _batch(buffer, cut + (0 if lines else 1), lines)
                if batch is None:
                    yield from _one_by_one(handle, buffer, ended, skipped)
                    break
                yield from batch
                done = cut + 1
            if ended:
                break
            more = handle.read(CHUNK)
            ended = not more
            # One copy per chunk: what is left of this one, and the next.
            buffer = buffer[done:] + more
    if skipped[0]:
        count = skipped[0]
        file.notes.append(f"{count} damaged or unexpected entr{'y' if count == 1 else 'ies'}")


def _batch(buffer: bytes, end: int, lines: bool) -> list[FileInfo] | None:
    """The objects in buffer[:end], decoded in one call; None where they do not decode."""
    if lines:
        body = b",".join(line for line in buffer[:end].split(b"\n") if line.strip())
        if not body.strip():
            return []
        framed = b"[" + body + b"]"
    else:
        start = buffer.find(b"{", 0, end)
        if start < 0:
            return []
        # Framed as an array straight from the buffer: one copy of the region.
        framed = b"".join((b"[", memoryview(buffer)[start:end], b"]"))
    try:
        return _list_decoder.decode(framed)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _one_by_one(
    handle: IO[bytes], buffer: bytes, ended: bool, skipped: list[int]
) -> Iterator[FileInfo]:
    """Object by object: a flat object ends at the first `}` after which it decodes."""
    position = 0
    while True:
        start = buffer.find(b"{", position)
        if start < 0:
            if ended:
                return
            buffer, position, ended = _more(handle, b"", 0)
            continue
        end = buffer.find(b"}", start)
        while True:
            if end < 0:
                if ended or len(buffer) - start > MAX_OBJECT:
                    skipped[0] += 1
                    return
                buffer, start, ended = _more(handle, buffer, start)
                end = buffer.find(b"}", start)
                continue
            try:
                yield _decoder.decode(buffer[start : end + 1])
                break
            except msgspec.ValidationError:
                skipped[0] += 1
                break
            except msgspec.DecodeError:
                # A `}` inside a string (paths may hold one): try the next one.
                end = buffer.find(b"}", end + 1)
                if end - start > MAX_OBJECT:
                    skipped[0] += 1
                    return
        position = end + 1


def _more(handle: IO[bytes], buffer: bytes, start: int) -> tuple[bytes, int, bool]:
    read = handle.read(CHUNK)
    return buffer[start:] + read, 0, not read


def _time(value: float) -> datetime | None:
    if value < 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


ARTIFACT = Artifact(NAME, PATHS, parse, parse_part)
