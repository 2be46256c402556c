"""A compiled-index cache, so a million indicators load in well under a second the second time.

Keyed by spytrace's version and each feed file's name and SHA-256: a changed or added feed
file is a different key. Entries are written 0600 in the user's cache folder; the oldest are
removed beyond a few.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from spytrace import __version__
from spytrace.iocs.index import IndicatorIndex
from spytrace.iocs.raw import Unsupported

_KEEP = 6
_FORMAT = "spytrace-feeds-1"

# (file, feed, format, sha256, count, duplicates, unsupported, kinds, modified, error)
FileRow = tuple[
    str, str, str, str, int, int, list[tuple[str, str]], dict[str, int], float | None, str | None
]


def cache_key(files: Sequence[tuple[str, str, str]]) -> str:
    """From (path, feed name, sha256) of every feed file, in load order."""
    digest = hashlib.sha256(f"{_FORMAT}\0{__version__}".encode())
    for path, feed, sha256 in files:
        digest.update(f"\0{path}\0{feed}\0{sha256}".encode())
    return digest.hexdigest()


def read(
    cache_dir: Path, key: str
) -> tuple[list[FileRow], list[tuple[str, str]], IndicatorIndex] | None:
    path = cache_dir / f"index-{key}.bin"
    try:
        data = path.read_bytes()
        fmt, rows, skipped, index_bytes = marshal.loads(data)  # noqa: S302 - our own 0600 file
        if fmt != _FORMAT:
            return None
        index = IndicatorIndex.from_bytes(index_bytes)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    path.touch()
    return rows, skipped, index


def write(
    cache_dir: Path,
    key: str,
    rows: list[FileRow],
    skipped: list[tuple[str, str]],
    index: IndicatorIndex,
) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = cache_dir / f"index-{key}.bin"
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps((_FORMAT, rows, skipped, index.to_bytes())))
        temp.replace(path)
        entries = sorted(
            cache_dir.glob("index-*.bin"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in entries[_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs speed next time


def unsupported_rows(items: Sequence[Unsupported]) -> list[tuple[str, str]]:
    return [(u.pattern, u.reason) for u in items]


def timestamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment else None


def moment(stamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
