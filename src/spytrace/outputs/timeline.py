"""timeline.csv and timeline.jsonl, in time order, in bounded memory.

Records arrive in artifact order; the timeline wants time order. Rows are buffered, sorted
and spilled to scratch files in runs, then merged: memory stays at one run whatever the
number of events. Fields follow Timesketch's import format (message, datetime,
timestamp_desc, plus timestamp in microseconds) with artifact, source and locator added.
"""

from __future__ import annotations

import csv
import heapq
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spytrace.model import Record, iso
from spytrace.outputs.files import open_private
from spytrace.outputs.jsonenc import dumps, loads

RUN_ROWS = 100_000
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


class TimelineWriter:
    def __init__(self, scratch: Path, run_rows: int = RUN_ROWS) -> None:
        self.scratch = scratch
        self.run_rows = run_rows
        self.buffer: list[bytes] = []
        self.runs: list[Path] = []
        self.count = 0

    def add(self, record: Record, ioc: str = "") -> None:
        if record.time is None:
            return
        delta = record.time - _EPOCH
        micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        row = {
            "datetime": iso(record.time),
            "timestamp": micros,
            "timestamp_desc": record.time_desc or "Event time",
            "message": record.message,
            "artifact": record.artifact,
            "source": record.source,
            "locator": record.locator,
            "ioc": ioc,
        }
        # The key orders by time, then by where the event is, so equal times sort the same way
        # in every run (deterministic output).
        key = f"{micros:018d}\x1f{record.artifact}\x1f{record.source}\x1f{record.locator}"
        self.buffer.append(key.encode() + b"\x00" + dumps(row))
        self.count += 1
        if len(self.buffer) >= self.run_rows:
            self._spill()

    def _spill(self) -> None:
        self.buffer.sort()
        run = self.scratch / f"timeline-run-{len(self.runs)}"
        with open_private(run) as handle:
            for line in self.buffer:
                handle.write(line + b"\n")
        self.runs.append(run)
        self.buffer = []

    def _rows(self) -> Iterator[dict[str, Any]]:
        self.buffer.sort()
        sources: list[Iterator[bytes]] = [iter(self.buffer)]
        handles = [run.open("rb") for run in self.runs]
        try:
            sources += [(line.rstrip(b"\n") for line in h) for h in handles]
            for line in heapq.merge(*sources):
                yield loads(line.split(b"\x00", 1)[1])
        finally:
            for handle in handles:
                handle.close()

    def write(self, csv_path: Path, jsonl_path: Path) -> None:
        with open_private(csv_path) as raw_csv, open_private(jsonl_path) as jsonl:
            text = io.TextIOWrapper(raw_csv, encoding="utf-8", newline="")
            writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in self._rows():
                writer.writerow(row)
                jsonl.write(dumps(row) + b"\n")
            text.flush()
            text.detach()
        for run in self.runs:
            run.unlink(missing_ok=True)
