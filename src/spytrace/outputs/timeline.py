"""timeline.csv and timeline.jsonl, in time order, in bounded memory.

Records arrive in artifact order; the timeline wants time order. Rows are buffered, sorted
and spilled to scratch files in runs, then merged: memory stays at one run whatever the
number of events. Fields follow Timesketch's import format (message, datetime,
timestamp_desc, plus timestamp in microseconds) with artifact, source and locator added.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import msgspec

from spytrace.model import Record, iso
from spytrace.outputs.files import open_private

RUN_ROWS = 100_000
# Between rows in a run file, and between a row's key, JSON and CSV line: control bytes JSON
# escapes, keys drop and CSV text has as spaces.
_SEPARATOR = b"\x1e"
_FIELD = b"\x1d"
_READ = 1 << 20  # bytes of a run read at a time in the merge
COLUMNS = (
    "datetime",
    "timestamp",
    "timestamp_desc",
    "message",
    "artifact",
    "source",
    "locator",
    "ioc",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_CELLS = 4096
_WRITE_ROWS = 1024  # rows per write call


class _Row(msgspec.Struct, gc=False):
    """A timeline.jsonl row: its fields in sorted order, as dumps() would write a dict's keys."""

    artifact: str
    datetime: str
    ioc: str
    locator: str
    message: str
    source: str
    timestamp: int
    timestamp_desc: str


_ROW_ENCODER = msgspec.json.Encoder()


class TimelineWriter:
    def __init__(self, scratch: Path, run_rows: int = RUN_ROWS, prefix: str = "timeline") -> None:
        self.scratch = scratch
        self.run_rows = run_rows
        self.prefix = prefix
        self.buffer: list[bytes] = []
        self.runs: list[Path] = []
        self.count = 0
        self._cells: dict[str, str] = {}  # CSV cells of the texts every row repeats

    def add(self, record: Record, ioc: str = "") -> None:
        moment = record.time
        if moment is None:
            return
        delta = moment - _EPOCH
        micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        stamp = iso(moment) or ""
        description = record.time_desc or "Event time"
        artifact, source, locator, message = (
            record.artifact, record.source, record.locator, record.message
        )  # fmt: skip
        row = _Row(artifact, stamp, ioc, locator, message, source, micros, description)
        # The key orders by time, then by where the event is, so equal times sort the same way
        # in every run (deterministic output).
        key = f"{micros:018d}\x1f{artifact}\x1f{source}\x1f{locator}"
        # The CSV line is made here, where runs go on in parallel, not in the final merge. An
        # artifact's name, source and descriptions repeat on every row: quoted once each.
        cells = self._cells
        line = ",".join(
            (stamp, str(micros), cells.get(description) or self._cell(description),
             _cell(message), cells.get(artifact) or self._cell(artifact),
             cells.get(source) or self._cell(source), _cell(locator),
             (cells.get(ioc) or self._cell(ioc)) if ioc else "")
        ).encode().replace(_SEPARATOR, b" ").replace(_FIELD, b" ") + b"\n"  # fmt: skip
        safe_key = key.encode().replace(_FIELD, b"").replace(_SEPARATOR, b"")
        self.buffer.append(safe_key + _FIELD + _ROW_ENCODER.encode(row) + _FIELD + line)
        self.count += 1
        if len(self.buffer) >= self.run_rows:
            self._spill()

    def _cell(self, text: str) -> str:
        cell = _cell(text)
        if len(self._cells) < _MAX_CELLS:  # a source per row (a file listing) must not pile up
            self._cells[text] = cell
        return cell

    def _spill(self) -> None:
        self.buffer.sort()
        run = self.scratch / f"{self.prefix}-run-{len(self.runs)}"
        with open_private(run) as handle:
            # Written in slices: a write per row costs three times as much, one join of the
            # whole run doubles its memory.
            for start in range(0, len(self.buffer), _WRITE_ROWS):
                handle.write(_SEPARATOR.join(self.buffer[start : start + _WRITE_ROWS]) + _SEPARATOR)
        self.runs.append(run)
        self.buffer = []

    def spill_all(self) -> list[Path]:
        """Every row in sorted runs on disk, for write_timeline to merge."""
        if self.buffer:
            self._spill()
        return list(self.runs)

    def write(self, csv_path: Path, jsonl_path: Path) -> None:
        write_timeline(self.spill_all(), csv_path, jsonl_path)


def _cell(text: str) -> str:
    """A CSV field as the csv module's minimal quoting writes it."""
    # Four substring tests: a third of a regular expression's time, twice per row.
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_timeline(runs: Sequence[Path], csv_path: Path, jsonl_path: Path) -> None:
    """Sorted runs merged into the two timeline files; the runs are removed."""
    with open_private(csv_path) as csv_file, open_private(jsonl_path) as jsonl:
        csv_file.write(",".join(COLUMNS).encode() + b"\n")
        for batch in _merged(runs):
            # Every row's key, JSON and CSV line in one split, each column taken in one slice:
            # no Python step per row.
            parts = _FIELD.join(batch).split(_FIELD)
            jsonl.write(b"\n".join(parts[1::3]) + b"\n")
            csv_file.write(b"".join(parts[2::3]))  # each CSV line ends in its own newline
    for run in runs:
        run.unlink(missing_ok=True)


_Cursor = tuple[list[bytes], int, Iterator[list[bytes]]]  # a run's block, where it is in it


def _merged(runs: Sequence[Path]) -> Iterator[list[bytes]]:
    """The rows of every run in time order, as sorted batches; each run is read a block at a
    time, so memory stays at a block per run."""
    with ExitStack() as stack:
        readers = [_blocks(stack.enter_context(run.open("rb"))) for run in runs]
        live: list[_Cursor] = [(b, 0, r) for r in readers if (b := next(r, None)) is not None]
        while live:
            # Rows not read yet sort after the last row of their run's block: every row up to
            # the smallest of those can go now.
            bound = min(block[-1] for block, _, _ in live)
            batch: list[bytes] = []
            kept: list[_Cursor] = []
            for block, start, reader in live:
                cut = bisect_right(block, bound, start)
                batch += block[start:cut]
                if cut < len(block):
                    kept.append((block, cut, reader))
                elif (following := next(reader, None)) is not None:
                    kept.append((following, 0, reader))
            live = kept
            batch.sort()  # a few sorted stretches: Timsort merges them in C
            yield batch


def _blocks(handle: IO[bytes]) -> Iterator[list[bytes]]:
    """A run's rows, a read's worth at a time (never an empty list)."""
    rest = b""
    while chunk := handle.read(_READ):
        rows = (rest + chunk).split(_SEPARATOR)
        rest = rows.pop()
        if rows:
            yield rows
    if rest:
        yield [rest]
