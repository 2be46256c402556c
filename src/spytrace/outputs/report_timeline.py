"""The report's timeline: timeline.jsonl read into the packed chunks report.html embeds, with
the counts its index and chart need and the texts of the records its findings cite.

A chunk is CHUNK_ROWS events as columns (time deltas, messages, locators, and numbers for the
artifact, description, source and indicator of each), gzip'd and base64'd. Each chunk names
its own artifacts and indicator texts ("A", "I") and numbers them itself, so chunks can be
made apart: a large timeline is read by two processes, each packing every other chunk (the
decoding and column building are Python, a third of a second for 200,000 events). The
report's script turns a chunk's numbers into the index's when it unpacks it.
"""

from __future__ import annotations

import base64
import os
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

import msgspec
from markupsafe import Markup

from spytrace.background import Background, can_fork
from spytrace.errors import UserError
from spytrace.outputs.jsonenc import dumps

CHUNK_ROWS = 20_000
# A smaller timeline is read by one process: forking a second would cost more than it saves.
SPLIT_BYTES = 4 << 20
DAY_MS = 86_400_000

# (artifact, source, locator) of a cited record -> its (time description, message).
Cited = dict[tuple[str, str, str], tuple[str, str]]


class _Row(msgspec.Struct):
    timestamp: int = 0
    timestamp_desc: str = ""
    message: str = ""
    artifact: str = ""
    source: str = ""
    locator: str = ""
    ioc: str = ""


_decode_row = msgspec.json.Decoder(_Row)
_locator_of = attrgetter("locator")


@dataclass(slots=True)
class TimelineData:
    total: int = 0
    artifacts: list[str] = field(default_factory=list)
    iocs: list[str] = field(default_factory=lambda: [""])
    chunks: list[dict[str, Any]] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (spool, offset, size)
    days: Counter[tuple[int, int]] = field(default_factory=Counter)
    by_artifact: Counter[int] = field(default_factory=Counter)
    first: int | None = None
    last: int | None = None
    cited: Cited = field(default_factory=dict)


@dataclass(slots=True)
class _Chunk:
    """One chunk as the process that read it saw it: artifacts by name, not by number."""

    number: int  # where it lies in the file, in chunks
    rows: int
    t0: int
    t1: int
    artifacts: dict[str, int]  # rows per artifact, in the order the artifacts first appear
    iocs: list[str]  # indicator texts ("" for none), in the order they first appear
    matched: int  # rows that match an indicator
    days: Counter[tuple[int, str]]
    cited: Cited
    span: tuple[int, int, int] | None = None


def read_timeline(
    path: Path, spools: Sequence[IO[bytes]], wanted: set[tuple[str, str, str]], chunk_rows: int
) -> TimelineData:
    """Counts, days, the cited records' texts and, packed into `spools` (none: not packed),
    the chunks. With two spools, a large timeline is read by two processes."""
    if not path.is_file():
        return TimelineData()
    split = (
        len(spools) > 1
        and path.stat().st_size >= SPLIT_BYTES
        and (os.cpu_count() or 1) > 1
        and can_fork()
    )
    if not split:
        return _combined(_read(path, spools[0] if spools else None, 0, wanted, chunk_rows, 0, 1))
    other = Background(_read, path, spools[1], 1, wanted, chunk_rows, 1, 2)
    mine = _read(path, spools[0], 0, wanted, chunk_rows, 0, 2)
    return _combined(mine + (other.wait("packing the timeline") or []))


def chunks(spools: Sequence[IO[bytes]], spans: Sequence[tuple[int, int, int]]) -> Iterator[Markup]:
    """The packed chunks, in order, as the report embeds them."""
    for number, start, size in spans:
        spool = spools[number]
        spool.seek(start)
        # Base64 holds nothing HTML could misread.
        yield Markup(spool.read(size).decode("ascii"))  # noqa: S704


def _read(
    path: Path,
    spool: IO[bytes] | None,
    spool_number: int,
    wanted: set[tuple[str, str, str]],
    chunk_rows: int,
    first: int,
    step: int,
) -> list[_Chunk]:
    """Chunks first, first + step, first + 2 * step... of the file, packed into `spool`."""
    cited_locators = {locator for _, _, locator in wanted}
    made: list[_Chunk] = []
    packing: list[Future[tuple[int, int]]] = []
    # One thread compresses chunk n (zlib lets go of the GIL) while chunk n+1 is read; being
    # one, it writes the spool in chunk order.
    with path.open("rb") as handle, ThreadPoolExecutor(max_workers=1) as packer:
        for number, lines in enumerate(_line_chunks(handle, chunk_rows)):
            if number % step != first:
                continue
            rows = _decoded(path, lines, number * chunk_rows)
            if not rows:
                continue
            chunk, columns = _chunk(number, rows, wanted, cited_locators)
            made.append(chunk)
            if spool is not None:
                packing.append(packer.submit(_pack, dumps(columns), spool))
    for chunk, done in zip(made, packing, strict=False):
        # A chunk that could not be packed fails the report, never silently.
        chunk.span = (spool_number, *done.result())
    if spool is not None:
        spool.flush()  # a forked reader's spool is read by its parent
    return made


def _decoded(path: Path, lines: list[bytes], before: int) -> list[_Row]:
    """A chunk's lines decoded in one call (blank lines are passed over)."""
    try:
        return _decode_row.decode_lines(b"".join(lines))
    except msgspec.DecodeError as exc:  # a folder handed to `spytrace report` may be anything
        where = f"lines {before + 1}-{before + len(lines)}"
        raise UserError(f"{path}: {where} are not all timeline rows ({exc})") from exc


def _line_chunks(handle: IO[bytes], size: int) -> Iterator[list[bytes]]:
    while lines := list(islice(handle, size)):
        yield lines


def _pack(chunk: bytes, spool: IO[bytes]) -> tuple[int, int]:
    """The chunk gzip'd and base64'd at the end of the spool: where it lies there."""
    # Level 3: half of level 6's time on timeline text, for about a fifth more bytes.
    packer = zlib.compressobj(3, zlib.DEFLATED, 31)  # 31: a gzip stream, as browsers want
    packed = base64.b64encode(packer.compress(chunk) + packer.flush())
    start = spool.tell()
    spool.write(packed)
    return start, len(packed)


def _chunk(
    number: int,
    rows: list[_Row],
    wanted: set[tuple[str, str, str]],
    cited_locators: set[str],
) -> tuple[_Chunk, dict[str, Any]]:
    """The rows counted, and their columns as the report's script reads them."""
    cited: Cited = {}
    # Whether the chunk holds a cited record is asked of all its rows at once, in C.
    if not cited_locators.isdisjoint(map(_locator_of, rows)):
        for row in [r for r in rows if r.locator in cited_locators]:
            key = (row.artifact, row.source, row.locator)
            if key in wanted:
                cited.setdefault(key, (row.timestamp_desc, row.message))
    artifacts: dict[str, int] = {}
    iocs: dict[str, int] = {}
    sources: dict[str, int] = {}
    descs: dict[str, int] = {}
    stamps = [r.timestamp // 1000 for r in rows]
    art_column = _numbered([r.artifact for r in rows], artifacts)
    ioc_texts = [r.ioc for r in rows]
    columns = {
        "t": [b - a for a, b in zip([stamps[0], *stamps], stamps, strict=False)],
        "a": art_column,
        "A": list(artifacts),
        "d": _numbered([r.timestamp_desc for r in rows], descs),
        "D": list(descs),
        "m": [r.message for r in rows],
        "s": _numbered([r.source for r in rows], sources),
        "S": list(sources),
        "l": [r.locator for r in rows],
        "i": _numbered(ioc_texts, iocs),
        "I": list(iocs),
    }
    names = list(artifacts)
    counts = Counter(art_column)
    days = Counter(zip([ms // DAY_MS for ms in stamps], art_column, strict=True))
    chunk = _Chunk(
        number=number,
        rows=len(rows),
        t0=stamps[0],
        t1=stamps[-1],
        artifacts={name: counts[k] for k, name in enumerate(names)},
        iocs=list(iocs),
        matched=len(rows) - ioc_texts.count(""),
        days=Counter({(day, names[k]): n for (day, k), n in days.items()}),
        cited=cited,
    )
    return chunk, columns


def _numbered(values: list[str], numbers: dict[str, int]) -> list[int]:
    """Each value as its number in `numbers`, new values numbered on from the last."""
    for value in dict.fromkeys(values):
        numbers.setdefault(value, len(numbers))
    return [numbers[v] for v in values]


def _combined(made: list[_Chunk]) -> TimelineData:
    """The chunks of every reader, in file order, numbered as one timeline."""
    data = TimelineData()
    artifacts: dict[str, int] = {}
    iocs: dict[str, int] = {"": 0}
    for chunk in sorted(made, key=attrgetter("number")):
        for name in chunk.artifacts:
            artifacts.setdefault(name, len(artifacts))
        for text in chunk.iocs:
            iocs.setdefault(text, len(iocs))
        counts = {artifacts[name]: n for name, n in chunk.artifacts.items()}
        data.chunks.append(
            {"n": chunk.rows, "t0": chunk.t0, "t1": chunk.t1, "a": counts, "x": chunk.matched}
        )
        if chunk.span is not None:
            data.spans.append(chunk.span)
        data.days.update({(day, artifacts[name]): n for (day, name), n in chunk.days.items()})
        data.by_artifact.update(counts)
        data.total += chunk.rows
        data.first = chunk.t0 if data.first is None else min(data.first, chunk.t0)
        data.last = chunk.t1 if data.last is None else max(data.last, chunk.t1)
        for key, texts in chunk.cited.items():
            data.cited.setdefault(key, texts)  # the first in time order, as one reader sees it
    data.artifacts = list(artifacts)
    data.iocs = list(iocs)
    return data
