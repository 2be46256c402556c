from datetime import UTC, datetime

import pytest

from spytrace.artifacts.android import files_json
from spytrace.model import Observable
from spytrace.testkit.android import evidence, file_entry
from spytrace.testkit.android import files_json as write_files

HASH = "2f3bc9ebe8c249f0416f5b0367f34b4b8f6aaa7d351dc5b4912fe2558491b6b7"


@pytest.mark.parametrize("ndjson", [False, True], ids=["array", "json-lines"])
def test_each_listed_file_with_its_hash_mode_and_times(tmp_path, ndjson):
    entries = [
        file_entry("/sdcard/.profig.os"),
        file_entry("/data/local/tmp/payload", sha256=HASH, mode="-rwxr-xr-x"),
    ]
    file = evidence(tmp_path, "files.json", write_files(entries, ndjson=ndjson))

    plain, payload = files_json.parse(file)

    assert plain.observables == Observable.of(file_path="/sdcard/.profig.os")
    assert payload.locator == "[1]"
    assert payload.time == datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC)
    assert payload.time_desc == "File modified"
    assert payload.fields == {
        "path": "/data/local/tmp/payload",
        "sha256": HASH,
        "size": 36,
        "mode": "-rwxr-xr-x",
        "user_id": 0,
        "group_id": 1015,
        "context": "u:object_r:sdcardfs:s0",
        "changed_time": 1550155672,
        "modified_time": 1714600000,
        "access_time": 1714600100,
    }
    assert payload.observables == Observable.of(file_path="/data/local/tmp/payload", file_hash=HASH)
    assert file.notes == []


def test_objects_are_found_across_read_chunks_and_braces_in_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(files_json, "CHUNK", 64)
    entries = [file_entry(f"/sdcard/{{weird}}/{n}") for n in range(50)]
    file = evidence(tmp_path, "files.json", write_files(entries))

    records = list(files_json.parse(file))

    assert [r.fields["path"] for r in records] == [f"/sdcard/{{weird}}/{n}" for n in range(50)]


def test_a_damaged_entry_costs_only_itself(tmp_path):
    good = write_files([file_entry("/sdcard/a")], ndjson=True)
    text = good + b'{"path": 12, "size": "x"}\n' + good + b'{"path": "/cut'
    file = evidence(tmp_path, "files.json", text)

    records = list(files_json.parse(file))

    assert [r.fields["path"] for r in records] == ["/sdcard/a", "/sdcard/a"]
    assert [r.locator for r in records] == ["[0]", "[1]"]
    assert file.notes == ["2 damaged or unexpected entries"]


def test_octal_modes_from_find_are_kept(tmp_path):
    entry = {"path": "/data/local/tmp/x", "mode": "755", "size": 3, "modified_time": 0}
    file = evidence(tmp_path, "files.json", write_files([entry]))

    [record] = files_json.parse(file)

    assert record.fields == {
        "path": "/data/local/tmp/x",
        "size": 3,
        "mode": "755",
        "modified_time": 0,
    }
    assert record.time is None
