import time
from datetime import UTC, datetime

from spytrace.artifacts.ios import manifest
from spytrace.model import Observable
from spytrace.outputs.jsonenc import dumps, loads
from spytrace.outputs.records_jsonl import record_to_json
from spytrace.testkit.ios_system import ManifestDb

BORN = datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
CHANGED = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)


def test_a_file_row_with_its_metadata(tmp_path):
    db = ManifestDb(tmp_path)
    file_id = db.add(
        "HomeDomain",
        "Library/SMS/sms.db",
        size=4096,
        birth=BORN,
        modified=CHANGED,
        status_changed=CHANGED,
        protection_class=3,
    )
    evidence = db.build()

    [record] = manifest.parse(evidence)

    assert file_id == "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
    assert record.source == "Manifest.db"
    assert record.locator == f"Files.fileID={file_id}"
    assert record.time == CHANGED
    assert record.time_desc == "File last modified"
    assert record.message == "file /private/var/mobile/Library/SMS/sms.db"
    assert record.fields == {
        "file_id": file_id,
        "domain": "HomeDomain",
        "relative_path": "Library/SMS/sms.db",
        "flags": 1,
        "size": 4096,
        "mode": 0o100644,
        "protection_class": 3,
        "birth": BORN,
        "status_changed": CHANGED,
    }
    stored = loads(dumps(record_to_json(record)))["fields"]
    assert (stored["birth"], stored["status_changed"]) == (
        "2023-01-02T03:04:05Z",
        "2024-02-03T04:05:06Z",
    )
    # The matcher reads the file name from the path.
    assert record.observables == Observable.of(file_path="/private/var/mobile/Library/SMS/sms.db")
    assert evidence.notes == []


def test_paths_by_domain(tmp_path):
    db = ManifestDb(tmp_path)
    db.add("RootDomain", "Library/Caches/locationd/clients.plist", modified=CHANGED)
    db.add("AppDomain-com.example.chat", "Documents/chat.sqlite", modified=CHANGED)
    db.add("MediaDomain", "Library/SMS/Attachments/ab", flags=2, modified=CHANGED)
    db.add("HomeDomain", "", flags=2)

    records = {
        r.fields["domain"] + ":" + r.fields["relative_path"]: r for r in manifest.parse(db.build())
    }

    assert records["RootDomain:Library/Caches/locationd/clients.plist"].observables == (
        Observable.of(file_path="/private/var/root/Library/Caches/locationd/clients.plist")
    )
    assert records["AppDomain-com.example.chat:Documents/chat.sqlite"].observables == (
        Observable.of(file_path="AppDomain-com.example.chat/Documents/chat.sqlite")
    )
    folder = records["MediaDomain:Library/SMS/Attachments/ab"]
    assert folder.message == "folder /private/var/mobile/Library/SMS/Attachments/ab"
    assert folder.observables == Observable.of(
        file_path="/private/var/mobile/Library/SMS/Attachments/ab"
    )
    assert folder.fields["mode"] == 0o40755
    assert records["HomeDomain:"].observables == ()


def test_a_row_without_readable_metadata_keeps_its_columns(tmp_path):
    db = ManifestDb(tmp_path)
    db.add("HomeDomain", "Library/a.plist", blob=b"not an archive")
    db.add("HomeDomain", "Library/b.plist", blob=b"")
    evidence = db.build()

    a, b = manifest.parse(evidence)

    assert a.time is None
    assert a.fields == {
        "file_id": a.fields["file_id"],
        "domain": "HomeDomain",
        "relative_path": "Library/a.plist",
        "flags": 1,
    }
    assert b.time is None
    assert evidence.notes == ["file records without readable metadata (no size, mode or times)"]


def test_many_rows_stream_at_a_steady_pace(tmp_path):
    db = ManifestDb(tmp_path)
    db.add_many(20_000, when=CHANGED)
    evidence = db.build()

    started = time.perf_counter()
    records = manifest.parse(evidence)
    first = next(records)
    count = 1 + sum(1 for _ in records)
    elapsed = time.perf_counter() - started

    assert count == 20_000
    assert first.time == CHANGED
    # About 65 µs a row locally, nearly all of it decoding the MBFile plist; the bound only
    # catches a parser that stops scaling linearly (100,000 rows take ~6.5 s).
    assert elapsed < 10, elapsed


def test_webkit_origin_names_in_paths_become_domains(tmp_path):
    safari = "AppDomain-com.apple.mobilesafari"
    webkit = "Library/WebKit/WebsiteData"
    db = ManifestDb(tmp_path)
    db.add(safari, f"{webkit}/LocalStorage/https_evil-one.example.com_0.localstorage")
    db.add(
        safari, f"{webkit}/IndexedDB/v1/https_top.example_0/http_frame.Example.org_8080", flags=2
    )
    db.add(safari, f"{webkit}/LocalStorage/http_203.0.113.9_80.localstorage")
    db.add(safari, f"{webkit}/LocalStorage/file__0.localstorage")
    db.add("HomeDomain", "Library/Preferences/com.example.app.plist")
    db.add("AppDomain-com.example.httpclient", "Library/Caches/https_cache.db")
    db.add("HomeDomain", "Library/Caches/https_nohost_0/x")

    records = {r.fields["relative_path"].rpartition("/")[2]: r for r in manifest.parse(db.build())}

    assert records["https_evil-one.example.com_0.localstorage"].observables == Observable.of(
        file_path=f"{safari}/{webkit}/LocalStorage/https_evil-one.example.com_0.localstorage",
        domain="evil-one.example.com",
    )
    frame = records["http_frame.Example.org_8080"]
    assert [o for o in frame.observables if o.kind == "domain"] == [
        Observable("domain", "top.example"),
        Observable("domain", "frame.example.org"),
    ]
    assert [
        o for o in records["http_203.0.113.9_80.localstorage"].observables if o.kind != "file_path"
    ] == [Observable("ip", "203.0.113.9")]
    # Bundle ids, file-scheme origins and names without a dotted host are never domains.
    for name in ("file__0.localstorage", "com.example.app.plist", "https_cache.db", "x"):
        assert [o.kind for o in records[name].observables] == ["file_path"], name
