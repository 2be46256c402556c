import pytest

from spytrace.outputs.records_jsonl import lines_at, selected_lines, selected_offsets

LINES = [
    b'{"p":"/a/SMS/Attachments/x","q":"sms/attachments"}',
    b'{"p":"/b"}',
    b'{"p":"/C/BackupAgent"}',
]


def test_each_line_holding_a_wanted_text_comes_once_whatever_the_case(tmp_path):
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(b"\n".join(LINES))  # the last line without its newline

    lines = [
        line.rstrip(b"\n") for line in selected_lines(stored, ("SMS/Attachments", "backupagent"))
    ]

    assert lines == [LINES[0], LINES[2]]


@pytest.mark.parametrize("find_texts", [0, 100])  # the automaton, and one find per text
def test_one_pass_serves_several_selections_even_where_their_texts_overlap(
    tmp_path, monkeypatch, find_texts
):
    from spytrace.outputs import records_jsonl

    monkeypatch.setattr(records_jsonl, "_FIND_TEXTS", find_texts)
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(b"\n".join(LINES) + b"\n")

    found = selected_offsets(
        stored, {"one": ("sms/attach",), "two": ("attachments/x",), "none": ("zz",)}
    )

    assert found == {"one": [0], "two": [0], "none": []}
    assert list(lines_at(stored, found["one"])) == [LINES[0] + b"\n"]


def test_lines_longer_than_a_block_and_across_blocks_are_found(tmp_path, monkeypatch):
    from spytrace.outputs import records_jsonl

    monkeypatch.setattr(records_jsonl, "_BLOCK", 16)
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(b"\n".join(LINES) + b"\n")

    assert [line.rstrip(b"\n") for line in selected_lines(stored, ("/b", "agent"))] == LINES[1:]


def test_nothing_wanted_means_every_line_and_an_empty_file_gives_none(tmp_path):
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(b'{"p":1}\n{"p":2}\n')
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")

    assert [line.strip() for line in selected_lines(stored, ())] == [b'{"p":1}', b'{"p":2}']
    assert list(selected_lines(empty, ("x",))) == []


def test_a_record_line_is_the_json_of_record_to_json():
    from datetime import UTC, datetime
    from pathlib import Path

    from spytrace.model import Observable, Record
    from spytrace.outputs.jsonenc import dumps
    from spytrace.outputs.records_jsonl import record_line, record_to_json

    moment = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    plain = {"b": 1, "a": "x", "when": moment, "list": [1, "two"], "none": None}
    odd = {"blob": b"\x00\xff", "path": Path("/a/b"), "tags": {"z"}, "nested": {1: b"\x01"}}
    lines = []
    for fields, time in ((plain, moment), (odd, None), ({}, moment)):
        record = Record(
            "sms", "HomeDomain/Library/SMS/sms.db", "message.ROWID=1", time, "Message",
            fields, Observable.of(url=["https://e.example/"], email="a@b.example"), "Sent",
        )  # fmt: skip
        lines.append(record_line(record))

        assert lines[-1] == dumps(record_to_json(record))
    assert b'"blob":"00ff"' in lines[1] and b'"path":"/a/b"' in lines[1]
    assert b'"time":"2024-05-06T07:08:09.123456Z"' in lines[0]
