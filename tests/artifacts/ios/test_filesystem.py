import json
from datetime import UTC, datetime

from spytrace.artifacts.ios import filesystem
from spytrace.model import Observable
from spytrace.testkit.sysdiagnose import evidence

WHEN = datetime(2023, 6, 1, 10, 0, tzinfo=UTC)


def test_each_entry_gives_path_name_and_executables_a_process(tmp_path):
    entries = [
        {
            "path": "private/var/db/com.apple.xpc.roleaccountd.staging",
            "kind": "dir",
            "size": 0,
            "mtime": WHEN.timestamp(),
            "mode": 0o755,
            "link": None,
        },
        {
            "path": "private/var/db/com.apple.xpc.roleaccountd.staging/bh",
            "kind": "file",
            "size": 4,
            "mtime": WHEN.timestamp(),
            "mode": 0o755,
            "link": None,
        },
        {
            "path": "private/var/mobile/Library/SMS/sms.db",
            "kind": "file",
            "size": 10,
            "mtime": None,
            "mode": 0o644,
            "link": None,
        },
    ]
    text = "\n".join(json.dumps(e) for e in entries) + "\nnot json\n"
    file = evidence(tmp_path, filesystem.LISTING_PATH, text)

    folder, binary, database = filesystem.parse(file)

    assert folder.message == "Folder /private/var/db/com.apple.xpc.roleaccountd.staging modified"
    assert folder.fields == {
        "path": "/private/var/db/com.apple.xpc.roleaccountd.staging",
        "kind": "dir",
        "mode": "0755",
    }
    assert binary.locator == "entry private/var/db/com.apple.xpc.roleaccountd.staging/bh"
    assert binary.time == WHEN
    assert binary.fields["executable"] is True
    assert binary.observables == Observable.of(
        file_path="/private/var/db/com.apple.xpc.roleaccountd.staging/bh",
        file_name="bh",
        process="bh",
    )
    assert database.time is None
    assert "executable" not in database.fields
    assert file.notes == ["line 4 is not a listing entry"]
