"""timeline.csv and timeline.jsonl, in time order, in bounded memory.

Records arrive in artifact order; the timeline wants time order. Rows are buffered, sorted
and spilled to scratch files in runs, then merged: memory stays at one run whatever the
number of events. Fields follow Timesketch's import format (message, datetime,
timestamp_desc, plus timestamp in microseconds) with artifact, source and locator added.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import msgspec

from spytrace.model import Record, iso
from spytrace.outputs.files import open_private

RUN_ROWS = 100_000
# Between rows in a run file: a byte JSON escapes and CSV text never holds.
_SEPARATOR = b"\x1e"
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
        ).encode().replace(_SEPARATOR, b" ") + b"\n"  # fmt: skip
        safe_key = key.encode().replace(b"\x00", b"").replace(_SEPARATOR, b"")
        self.buffer.append(safe_key + b"\x00" + _ROW_ENCODER.encode(row) + b"\x00" + line)
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
        json_rows: list[bytes] = []
        csv_rows: list[bytes] = []
        for line in _merged(runs):
            _, json_row, csv_row = line.split(b"\x00", 2)
            json_rows.append(json_row)
            csv_rows.append(csv_row)
            if len(json_rows) == _WRITE_ROWS:
                _write_rows(jsonl, json_rows, csv_file, csv_rows)
        _write_rows(jsonl, json_rows, csv_file, csv_rows)
    for run in runs:
        run.unlink(missing_ok=True)


def _write_rows(
    jsonl: IO[bytes], json_rows: list[bytes], csv_file: IO[bytes], csv_rows: list[bytes]
) -> None:
    """The gathered rows written (each CSV row ends in its own newline), and forgotten."""
    if json_rows:
        jsonl.write(b"\n".join(json_rows) + b"\n")
        csv_file.write(b"".join(csv_rows))
    json_rows.clear()
    csv_rows.clear()


def _merged(runs: Sequence[Path]) -> Iterator[bytes]:
    """Each run line (key, JSON row, CSV row), in time order across all runs."""
    handles = [run.open("rb") for run in runs]
    try:
        # A CSV row may hold quoted newlines: runs are read as \x1e-separated records.
        sources = [_records(h) for h in handles]
        yield from heapq.merge(*sources)
    finally:
        for handle in handles:
            handle.close()


def _records(handle: IO[bytes]) -> Iterator[bytes]:
    rest = b""
    while chunk := handle.read(1 << 20):
        parts = (rest + chunk).split(_SEPARATOR)
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest
