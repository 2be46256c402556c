"""A listing read in parts by several processes gives exactly what one read gives."""

import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime

import pytest

from spytrace import parts
from spytrace.artifacts.android import files_json
from spytrace.artifacts.ios import manifest, sms
from spytrace.iocs.loader import load_feeds
from spytrace.model import PART_BLOCK, Check, EvidenceFile, Status, in_part
from spytrace.outputs.files import prepare_output
from spytrace.outputs.records_jsonl import selected_offsets
from spytrace.scan import ScanOptions, scan
from spytrace.testkit.fake_source import FolderSource
from spytrace.testkit.ios_comms import SmsDb, cocoa_nanos
from spytrace.testkit.ios_system import ManifestDb
from spytrace.testkit.scenarios import androidqf_files

# A check reading back every listed file whose line holds "7" or "/dcim/": many lines, in
# every part, so their offsets must come through the join exactly.
SELECTING = Check(
    "selecting",
    reads=("android_files",),
    run=lambda records: iter(()),
    select={"android_files": ("7", "/DCIM/")},
)


def scan_with(tmp_path, scenario, name, workers):
    output, scratch = tmp_path / name, tmp_path / f"{name}-scratch"
    prepare_output(output, force=False)
    scratch.mkdir()
    result = scan(
        FolderSource(scenario.path),
        load_feeds([scenario.indicators]),
        output,
        scratch,
        artifacts=(files_json.ARTIFACT,),
        checks=(SELECTING,),
        options=ScanOptions(workers=workers),
    )
    return result, output


@pytest.mark.parametrize(("files", "workers"), [(5000, 3), (1500, 3), (100, 2)])
def test_parts_joined_give_the_records_timeline_and_findings_of_one_read(
    tmp_path, monkeypatch, files, workers
):
    scenario = androidqf_files(tmp_path / "acquisition", files=files, planted=7)
    single, single_out = scan_with(tmp_path, scenario, "one", workers=1)
    monkeypatch.setattr(parts, "SPLIT_BYTES", 0)
    joined = []
    join = parts.join
    monkeypatch.setattr(
        parts,
        "join",
        lambda results, output: (
            joined.append((len(results), join(results, output))) or joined[-1][1]
        ),
    )

    split, split_out = scan_with(tmp_path, scenario, "parts", workers=workers)

    [(count, result)] = joined
    assert count == workers
    listing = split_out / "records/android_files.jsonl"
    expected = selected_offsets(listing, {"": SELECTING.select["android_files"]})[""]
    assert list(result.selected["selecting"]) == expected and len(expected) > files // 10

    for name in ("records/android_files.jsonl", "timeline.csv", "timeline.jsonl"):
        assert (split_out / name).read_bytes() == (single_out / name).read_bytes(), name
    assert split.findings == single.findings and len(split.findings) == 7
    assert split.coverage == single.coverage and split.records == files
    assert not list((tmp_path / "parts-scratch").glob("*.part*"))  # the parts' files are gone


def test_a_small_file_or_an_artifact_without_a_part_reader_stays_whole(tmp_path):
    from spytrace.artifact_run import Job
    from spytrace.artifacts.ios import safari_history

    scenario = androidqf_files(tmp_path / "acquisition", files=10, planted=1)
    evidence = FolderSource(scenario.path).open("files.json")
    listing = Job(files_json.ARTIFACT, (evidence,), planned=1)

    assert parts.split(listing, 1 << 10, 4) == [listing]
    assert [j.part for j in parts.split(listing, parts.SPLIT_BYTES, 4)] == [0, 1, 2, 3]
    assert (
        parts.split(Job(safari_history.ARTIFACT, (evidence,), planned=1), 1 << 30, 4)[0].parts == 1
    )
    assert parts.split(listing, parts.SPLIT_BYTES, 1) == [listing]


# Databases: each part fetches only its own rows, ranked in rowid order (artifacts/sqlite.py).
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def _messages(tmp_path, count):
    """sms.db with `count` messages, rowids with gaps, and one message in two chats across a
    block's end (its two rows must stay one record, in one part)."""
    db = SmsDb(tmp_path)
    handle = db.add_handle("+15550001111")
    chat = db.add_chat("+15550001111", handles=[handle])
    other = db.add_chat("group", handles=[handle])
    db.add_messages(
        (
            {
                "text": f"m{i} https://x{i % 7}.example/",
                "handle_id": handle,
                "date": cocoa_nanos(WHEN) + i * 10**9,
            }
            for i in range(count)
        ),
        chat_id=chat,
    )
    db.conn.execute("DELETE FROM message WHERE ROWID % 97 = 0")
    db.conn.execute(
        "INSERT INTO chat_message_join (chat_id, message_id) VALUES (?, ?)", (other, PART_BLOCK)
    )
    return db


def _files(tmp_path, count, without_rowid=False):
    db = ManifestDb(tmp_path)
    if without_rowid:  # hostile or odd: no rowid to rank the rows by
        db.conn.executescript(
            "DROP TABLE Files; CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
            "relativePath TEXT, flags INTEGER, file BLOB) WITHOUT ROWID;"
        )
    db.add_many(count, when=WHEN)
    db.conn.execute("DELETE FROM Files WHERE CAST(substr(fileID, -2) AS INTEGER) = 13")
    return db


def _damaged(db, marker: bytes, page_size=4096):
    """The database with every page holding `marker` overwritten: a read stops there."""
    evidence = db.build()
    data = bytearray(evidence.path.read_bytes())
    at = data.find(marker)
    assert at > 0
    while at >= 0:
        page = at - at % page_size
        data[page : page + page_size] = b"\xff" * page_size
        at = data.find(marker, page + page_size)
    evidence.path.write_bytes(bytes(data))
    return evidence


def _files_as_view(tmp_path, count):
    """Files a view over the real table: a view's rowids are NULL, nothing to rank by."""
    db = _files(tmp_path, count)
    db.conn.executescript("ALTER TABLE Files RENAME TO F2; CREATE VIEW Files AS SELECT * FROM F2;")
    return db


def _files_with_a_rowid_column(tmp_path, count):
    """A plain column named rowid: `rowid` in a query then names it, not the rowid."""
    db = _files(tmp_path, count)
    db.conn.execute("ALTER TABLE Files ADD COLUMN rowid INTEGER")
    db.conn.execute("UPDATE Files SET rowid = -_rowid_")
    return db


def _files_with_a_damaged_overflow(tmp_path, count):
    """One row's blob runs over onto pages of its own, the last of them overwritten: the
    table's own pages read well."""
    db = _files(tmp_path, count)
    db.conn.execute(
        "UPDATE Files SET file = ? WHERE fileID = (SELECT fileID FROM Files LIMIT 1 OFFSET ?)",
        (b"A" * 9000 + b"OVERFLOW-END", PART_BLOCK + 10),
    )
    return _damaged(db, b"OVERFLOW-END")


@pytest.mark.parametrize("parts_of", [2, 3])
@pytest.mark.parametrize(
    ("artifact", "build", "read_as"),
    [
        (sms.ARTIFACT, lambda tmp: _messages(tmp, 2 * PART_BLOCK + 700), "ranked"),
        (manifest.ARTIFACT, lambda tmp: _files(tmp, 3 * PART_BLOCK + 5), "ranked"),
        (manifest.ARTIFACT, lambda tmp: _files(tmp, 2 * PART_BLOCK + 100, True), "whole"),
        # Damaged half-way: one read stops at the damage, and so does the part that reads it.
        (
            manifest.ARTIFACT,
            lambda tmp: _damaged(_files(tmp, 4 * PART_BLOCK), b"Library/Caches/f3000.dat"),
            "damaged",
        ),
        (manifest.ARTIFACT, lambda tmp: _files_as_view(tmp, 3 * PART_BLOCK), "whole"),
        (manifest.ARTIFACT, lambda tmp: _files_with_a_rowid_column(tmp, 3 * PART_BLOCK), "whole"),
        # SQLite reads that row's blob as it can, so one read goes on; the quick check sees
        # the broken page and the table is read whole.
        (
            manifest.ARTIFACT,
            lambda tmp: _files_with_a_damaged_overflow(tmp, 3 * PART_BLOCK),
            "whole",
        ),
    ],
    ids=[
        "sms",
        "manifest",
        "manifest-without-rowid",
        "manifest-damaged",
        "manifest-view",
        "manifest-rowid-column",
        "manifest-damaged-overflow",
    ],
)
def test_a_table_read_in_parts_gives_each_part_the_records_in_part_picks(
    tmp_path, artifact, build, read_as, parts_of
):
    built = build(tmp_path)
    evidence = built if isinstance(built, EvidenceFile) else built.build()
    whole = list(artifact.parse(evidence))
    assert len(whole) > 2 * PART_BLOCK
    notes = list(evidence.notes)
    assert any("damaged part-way" in n for n in notes) == (read_as == "damaged")
    ranked = read_as == "ranked"

    by_part = []
    for part in range(parts_of):
        evidence.notes.clear()
        by_part.append(list(artifact.parse_part(evidence, part, parts_of)))
        assert evidence.notes == (notes if part == 0 or ranked else [])

    if not ranked:
        assert by_part[0] == whole and not any(by_part[1:])  # the first part reads it all
    else:
        for part, records in enumerate(by_part):
            picked = [r for i, r in enumerate(whole) if in_part(i, part, parts_of)]
            assert records == picked and records


@pytest.mark.parametrize(
    ("build", "without_rowid"),
    [(_messages, False), (_files, False), (_files, True)],
    ids=["sms", "manifest", "manifest-without-rowid"],
)
def test_a_database_scanned_in_parts_gives_the_bytes_of_one_read(
    tmp_path, monkeypatch, build, without_rowid
):
    db = build(tmp_path / "built", 3 * PART_BLOCK, *([True] if without_rowid else []))
    # Text that is not UTF-8 in one part's rows only: the joined coverage still says so.
    table, key = ("message", "ROWID") if build is _messages else ("Files", "fileID")
    db.conn.execute(f"UPDATE {table} SET {'text' if build is _messages else 'relativePath'} = "
                    f"CAST(X'C328' AS TEXT) WHERE {key} = (SELECT {key} FROM {table} "
                    f"ORDER BY {key} LIMIT 1 OFFSET {PART_BLOCK + 3})")  # fmt: skip
    if build is _files:  # and metadata that cannot be read in two parts' rows: noted once
        db.conn.execute("UPDATE Files SET file = X'00' WHERE fileID IN (SELECT fileID FROM "
                        f"Files ORDER BY fileID LIMIT 2 OFFSET {PART_BLOCK - 1})")  # fmt: skip
    artifact = sms.ARTIFACT if build is _messages else manifest.ARTIFACT
    single, split = _scanned_whole_and_in_parts(tmp_path, monkeypatch, db.build(), artifact)

    [coverage] = split.coverage
    assert coverage == single.coverage[0] and coverage.records == single.records
    assert coverage.status is Status.PARTIAL
    assert any("not valid UTF-8" in reason for reason in coverage.reasons)


@pytest.mark.parametrize("damage", ["not a database", "the table's first page"])
def test_an_unreadable_table_is_unreadable_in_parts_as_whole(tmp_path, monkeypatch, damage):
    evidence = _messages(tmp_path / "built", 3 * PART_BLOCK).build()
    if damage == "not a database":
        evidence.path.write_bytes(b"not SQLite " * 100_000)
    else:
        with sqlite3.connect(evidence.path) as conn:
            (root,) = conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE name='message'"
            ).fetchone()
            (size,) = conn.execute("PRAGMA page_size").fetchone()
        data = bytearray(evidence.path.read_bytes())
        data[(root - 1) * size : root * size] = b"\xff" * size
        evidence.path.write_bytes(bytes(data))

    single, split = _scanned_whole_and_in_parts(tmp_path, monkeypatch, evidence, sms.ARTIFACT)

    assert split.coverage == single.coverage and split.coverage[0].status is Status.UNREADABLE


def _scanned_whole_and_in_parts(tmp_path, monkeypatch, evidence, artifact):
    """The artifact scanned by one run and in two parts; their outputs byte for byte alike."""
    root = tmp_path / "acquisition"
    (root / evidence.logical_path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(evidence.path, root / evidence.logical_path)

    def scan_in(name, workers):
        output, scratch = tmp_path / name, tmp_path / f"{name}-scratch"
        prepare_output(output, force=False)
        scratch.mkdir()
        return scan(FolderSource(root), None, output, scratch, artifacts=(artifact,), checks=(),
                    options=ScanOptions(workers=workers)), output  # fmt: skip

    single, single_out = scan_in("one", 1)
    monkeypatch.setattr(parts, "SPLIT_BYTES", 0)
    joined = []
    join = parts.join
    monkeypatch.setattr(parts, "join", lambda rs, out: joined.append(len(rs)) or join(rs, out))
    split, split_out = scan_in("parts", 2)
    assert joined == [2]  # read in two parts indeed
    for path in (f"records/{artifact.name}.jsonl", "timeline.csv", "timeline.jsonl"):
        assert (split_out / path).read_bytes() == (single_out / path).read_bytes(), path
    # The file is hashed once, by the first part, for the chain of custody.
    stored = hashlib.sha256(evidence.path.read_bytes()).hexdigest()
    for out in (single_out, split_out):
        custody = json.loads((out / "custody.json").read_text())
        assert custody["files_read"] == [{"file": evidence.logical_path, "sha256": stored}]
    return single, split


def test_large_files_share_the_workers_out(tmp_path, monkeypatch):
    from spytrace.artifact_run import Job
    from spytrace.parallel import run_jobs
    from spytrace.scan import QuietEvents

    messages = _messages(tmp_path, 3 * PART_BLOCK).build()
    listing = _files(tmp_path, 3 * PART_BLOCK).build()
    monkeypatch.setattr(parts, "SPLIT_BYTES", 0)
    seen = []
    join = parts.join
    monkeypatch.setattr(
        parts, "join", lambda results, out: seen.append(len(results)) or join(results, out)
    )
    (tmp_path / "out" / "records").mkdir(parents=True)
    (tmp_path / "scratch").mkdir()

    def run(jobs, workers):
        seen.clear()
        run_jobs(
            jobs, None, tmp_path / "out", tmp_path / "scratch", frozenset(), workers, QuietEvents()
        )
        return sorted(seen)

    both = [
        Job(sms.ARTIFACT, (messages,), planned=1),
        Job(manifest.ARTIFACT, (listing,), planned=1),
    ]
    # Two large files on two workers: one each, whole; on four, two parts each.
    assert run(both, 2) == [1, 1]
    assert run(both, 4) == [2, 2]
    assert run(both[:1], 2) == [2]
