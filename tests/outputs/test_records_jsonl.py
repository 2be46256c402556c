from spytrace.outputs.records_jsonl import selected_lines


def test_each_line_holding_a_wanted_text_comes_once_whatever_the_case(tmp_path):
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(
        b'{"p":"/a/SMS/Attachments/x","q":"sms/attachments"}\n{"p":"/b"}\n{"p":"/C/BackupAgent"}'
    )

    lines = list(selected_lines(stored, ("SMS/Attachments", "backupagent")))

    assert lines == [
        b'{"p":"/a/SMS/Attachments/x","q":"sms/attachments"}',
        b'{"p":"/C/BackupAgent"}',
    ]


def test_nothing_wanted_means_every_line_and_an_empty_file_gives_none(tmp_path):
    stored = tmp_path / "files.jsonl"
    stored.write_bytes(b'{"p":1}\n{"p":2}\n')
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")

    assert [line.strip() for line in selected_lines(stored, ())] == [b'{"p":1}', b'{"p":2}']
    assert list(selected_lines(empty, ("x",))) == []
