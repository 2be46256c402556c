import json
from datetime import UTC, datetime, timedelta

import pytest

from spytrace.model import Record
from spytrace.outputs.timeline import TimelineWriter


# Runs written in several slices, and read back a few bytes at a time (many merge batches).
@pytest.mark.parametrize(("write_rows", "read"), [(1024, 1 << 20), (2, 40)])
def test_runs_spilled_to_disk_merge_back_in_time_order(tmp_path, monkeypatch, write_rows, read):
    from spytrace.outputs import timeline

    monkeypatch.setattr(timeline, "_WRITE_ROWS", write_rows)
    monkeypatch.setattr(timeline, "_READ", read)
    writer = TimelineWriter(tmp_path, run_rows=3)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    order = [7, 2, 9, 1, 8, 3, 0, 6, 5, 4]
    for n in order:
        writer.add(Record("a", "f", f"row {n}", start + timedelta(seconds=n), f"event {n}"))
    writer.add(Record("a", "f", "no time", None, "undated"))
    assert len(writer.runs) == 3
    writer.write(tmp_path / "t.csv", tmp_path / "t.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [r["message"] for r in rows] == [f"event {n}" for n in range(10)]
    csv_lines = (tmp_path / "t.csv").read_text().splitlines()
    assert [line.split(",")[3] for line in csv_lines] == ["message"] + [
        f"event {n}" for n in range(10)
    ]
    assert not list(tmp_path.glob("timeline-run-*"))


def test_microseconds_sort_before_the_next_second(tmp_path):
    writer = TimelineWriter(tmp_path)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    writer.add(Record("a", "f", "1", base + timedelta(seconds=1), "later"))
    writer.add(Record("a", "f", "2", base + timedelta(microseconds=500), "earlier"))
    writer.write(tmp_path / "t.csv", tmp_path / "t.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [r["message"] for r in rows] == ["earlier", "later"]


def test_text_with_newlines_quotes_and_control_bytes_survives_both_files(tmp_path):
    import csv

    writer = TimelineWriter(tmp_path, run_rows=1)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    nasty = 'line one\nline "two",\x1e\x00 end'
    writer.add(Record("a", "f\x1e\x00", "1", base, nasty))
    writer.add(Record("a", "f", "2", base + timedelta(seconds=1), "plain"))
    writer.write(tmp_path / "t.csv", tmp_path / "t.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [r["message"] for r in rows] == [nasty, "plain"]
    with (tmp_path / "t.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [r["message"] for r in table] == ['line one\nline "two", \x00 end', "plain"]


def test_a_jsonl_row_is_the_sorted_key_json_of_its_fields(tmp_path):
    from spytrace.outputs.jsonenc import dumps

    writer = TimelineWriter(tmp_path)
    moment = datetime(2024, 5, 6, 7, 8, 9, 120000, tzinfo=UTC)
    writer.add(
        Record("sms", "sms.db", "message.ROWID=1", moment, 'a "b"\n', time_desc="Sent"), "Pegasus"
    )
    writer.write(tmp_path / "t.csv", tmp_path / "t.jsonl")
    expected = {
        "datetime": "2024-05-06T07:08:09.120000Z",
        "timestamp": 1714979289120000,
        "timestamp_desc": "Sent",
        "message": 'a "b"\n',
        "artifact": "sms",
        "source": "sms.db",
        "locator": "message.ROWID=1",
        "ioc": "Pegasus",
    }
    assert (tmp_path / "t.jsonl").read_bytes() == dumps(expected) + b"\n"
    assert (tmp_path / "t.csv").read_bytes().split(b"\n", 1)[1] == (
        b'2024-05-06T07:08:09.120000Z,1714979289120000,Sent,"a ""b""\n",sms,sms.db,'
        b"message.ROWID=1,Pegasus\n"
    )


@pytest.mark.parametrize("read", [1, 57, 1 << 20])
def test_many_runs_merge_into_one_sorted_timeline_whatever_the_read_size(
    tmp_path, monkeypatch, read
):
    import random

    from spytrace.outputs import timeline

    monkeypatch.setattr(timeline, "_READ", read)
    rng = random.Random(3)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    writers = [
        TimelineWriter(tmp_path, run_rows=rng.randint(1, 40), prefix=f"w{n}") for n in range(5)
    ]
    expected = []
    for n in range(600):
        # Few distinct times: equal times are ordered by artifact, source and locator.
        moment = base + timedelta(seconds=rng.randint(0, 50))
        record = Record(f"art{n % 3}", f"src{n % 4}", f"row {n:04d}", moment, f"event,{n}\x1d\x1e")
        rng.choice(writers).add(record)
        expected.append((moment, record.artifact, record.source, record.locator))
    runs = [run for w in writers for run in w.spill_all()]

    timeline.write_timeline(runs, tmp_path / "t.csv", tmp_path / "t.jsonl")

    rows = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [(r["datetime"], r["artifact"], r["source"], r["locator"]) for r in rows] == [
        (e[0].strftime("%Y-%m-%dT%H:%M:%SZ"), *e[1:]) for e in sorted(expected)
    ]
    assert {r["message"] for r in rows} == {f"event,{n}\x1d\x1e" for n in range(600)}
    import csv

    with (tmp_path / "t.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [r["locator"] for r in table] == [e[3] for e in sorted(expected)]
    # The CSV has the two control bytes the runs use as separators as spaces.
    assert {r["message"] for r in table} == {f"event,{n}  " for n in range(600)}
    assert not any(tmp_path.glob("w*-run-*"))
