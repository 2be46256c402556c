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
