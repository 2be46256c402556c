"""The least any tool must spend on the scan benchmarks' inputs, for bench_scans to set against.

`read`: a bare read, every row of the tables (or every entry of the listing) the scan reads,
fetched and dropped.

`outputs`: the same rows read and the output contract's per-row files written: one JSON line
per row in `records/`, and the rows' events sorted by time into timeline.jsonl and
timeline.csv; in two processes, as spytrace spreads its runs over this machine's two cores.
No parsing (Manifest blobs are not decoded: its rows get no time), no indicator matching, no
report, no hashing of the inputs, and the fastest JSON library there is for Python (msgspec):
a Python tool that writes these outputs spends at least this, so MVT's time over it bounds the
speed-up such a tool can show on the machine.

    python -m bench.floors read|outputs ios-backup|androidqf ACQUISITION [OUT]
"""

from __future__ import annotations

import heapq
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

# (locator, unix seconds, message, fields) of one row
Row = tuple[str, int, str, dict[str, Any]]
_COCOA_EPOCH = 978_307_200
_SMS = "SELECT ROWID, text, handle_id, date FROM message"
_FILES = "SELECT fileID, domain, relativePath, flags, file FROM Files"
_ENCODE = msgspec.json.Encoder().encode


def _sqlite(path: Path, sql: str) -> Iterator[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        yield from conn.execute(sql)
    finally:
        conn.close()


def _sms_db(backup: Path) -> Path:
    found = next(
        _sqlite(
            backup / "Manifest.db",
            "SELECT fileID FROM Files WHERE relativePath = 'Library/SMS/sms.db'",
        )
    )
    file_id = str(found[0])
    return backup / file_id[:2] / file_id


def _messages(backup: Path) -> Iterator[Row]:
    for rowid, text, handle, date in _sqlite(_sms_db(backup), _SMS):
        when = (date or 0) // 1_000_000_000 + _COCOA_EPOCH
        yield f"message.ROWID={rowid}", when, f"message from {handle}", {"text": text}


def _files(backup: Path) -> Iterator[Row]:
    for file_id, domain, relative, flags, _ in _sqlite(backup / "Manifest.db", _FILES):
        fields = {"domain": domain, "relative_path": relative, "flags": flags}
        yield f"Files.fileID={file_id}", 0, f"{domain}/{relative}", fields


class _Entry(msgspec.Struct):
    path: str = ""
    modified_time: int | float = 0


def _listing(listing: bytes, part: int) -> Iterator[Row]:
    # Each entry's own bytes go into its record as they are (msgspec writes a Raw verbatim):
    # only the path and time are decoded.
    raws = msgspec.json.decode(listing, type=list[msgspec.Raw])
    entries = msgspec.json.decode(listing, type=list[_Entry])
    for number in range(part, len(entries), 2):
        entry = entries[number]
        yield f"[{number}]", int(entry.modified_time), entry.path, {"raw": raws[number]}


def _written(name: str, rows: Iterable[Row], out: Path) -> list[bytes]:
    """The rows' record lines written to records/<name>.jsonl; their timeline rows, sorted."""
    timeline: list[bytes] = []
    lines: list[bytes] = []
    with (out / "records" / f"{name}.jsonl").open("wb") as records:
        for locator, when, message, fields in rows:
            stamp = datetime.fromtimestamp(when, UTC).isoformat()
            lines.append(_ENCODE({"artifact": name, "locator": locator, "time": stamp,
                                  "message": message, "fields": fields}))  # fmt: skip
            event = _ENCODE({"datetime": stamp, "timestamp": when * 1_000_000,
                             "message": message, "artifact": name, "locator": locator})  # fmt: skip
            line = ",".join((stamp, str(when), message, name, locator))
            timeline.append(b"%018d%s\x1d%s\x1d%s" % (when, locator.encode(), event, line.encode()))
            if len(lines) == 1024:
                records.write(b"\n".join(lines) + b"\n")
                lines = []
        records.write(b"\n".join(lines) + b"\n")
    timeline.sort()
    return timeline


def _in_two(first: Callable[[], list[bytes]], second: Callable[[], list[bytes]], out: Path) -> None:
    """`second` in a forked process while `first` runs here; their timelines merged."""
    spill = out / "second.timeline"
    child = os.fork()
    if child == 0:
        status = 1
        try:
            spill.write_bytes(b"\x1e".join(second()))
            status = 0
        finally:
            os._exit(status)  # never back into the parent's code
    mine = first()
    if os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]):
        raise SystemExit("the forked half of the floor failed")
    theirs = spill.read_bytes().split(b"\x1e")
    spill.unlink()
    with (out / "timeline.jsonl").open("wb") as jsonl, (out / "timeline.csv").open("wb") as csv:
        for batch in _batches(heapq.merge(mine, theirs)):
            cells = b"\x1d".join(batch).split(b"\x1d")
            jsonl.write(b"\n".join(cells[1::3]) + b"\n")
            csv.write(b"\n".join(cells[2::3]) + b"\n")


def _batches(rows: Iterator[bytes], size: int = 8192) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def read(kind: str, acquisition: Path) -> int:
    if kind == "ios-backup":
        return sum(1 for _ in _sqlite(acquisition / "Manifest.db", _FILES)) + sum(
            1 for _ in _sqlite(_sms_db(acquisition), _SMS)
        )
    return len(msgspec.json.decode((acquisition / "files.json").read_bytes()))


def outputs(kind: str, acquisition: Path, out: Path) -> None:
    (out / "records").mkdir(parents=True, exist_ok=True)
    if kind == "ios-backup":
        _in_two(lambda: _written("sms", _messages(acquisition), out),
                lambda: _written("manifest", _files(acquisition), out), out)  # fmt: skip
        return
    listing = (acquisition / "files.json").read_bytes()
    _in_two(lambda: _written("files0", _listing(listing, 0), out),
            lambda: _written("files1", _listing(listing, 1), out), out)  # fmt: skip


if __name__ == "__main__":
    what, kind, where = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if what == "read":
        print(read(kind, where))
    else:
        outputs(kind, where, Path(sys.argv[4]))
