from spytrace.artifacts.ios import webkit_indexeddb, webkit_localstorage
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_fs import IndexedDb, LocalStorageDb


def test_indexeddb_origin_comes_from_its_folder(tmp_path):
    db = IndexedDb(tmp_path)
    db.insert("IDBDatabaseInfo", key="DatabaseName", value="cache-v2")

    [record] = webkit_indexeddb.parse(db.build())

    assert record.locator == "folder https_evil.example_0"
    assert record.fields == {
        "origin": "https://evil.example",
        "folder": "https_evil.example_0",
        "database_name": "cache-v2",
    }
    assert record.observables == Observable.of(url="https://evil.example")
    assert compile_globs(webkit_indexeddb.PATHS).match(IndexedDb.LOGICAL_PATH)


def test_localstorage_keeps_origin_and_key_names_not_values(tmp_path):
    db = LocalStorageDb(
        tmp_path,
        logical_path=LocalStorageDb.LOGICAL_PATH.replace(
            "https_www.example.com_0", "http_tracker.example_8080"
        ),
    )
    db.add_item("session", "secret-token")
    db.add_item("seen", "1")

    [record] = webkit_localstorage.parse(db.build())

    assert record.fields == {
        "origin": "http://tracker.example:8080",
        "key_count": 2,
        "keys": ["session", "seen"],
    }
    assert "secret-token" not in str(record)
    assert record.observables == Observable.of(url="http://tracker.example:8080")


def test_origin_names():
    assert webkit_indexeddb.origin_of("https_www.example.com_0") == "https://www.example.com"
    assert webkit_indexeddb.origin_of("https_a_b.example_443") == "https://a_b.example:443"
    assert webkit_indexeddb.origin_of("5f3a2b1c") is None
