from datetime import UTC, datetime

from spytrace.artifacts.ios import cache_db
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_fs import CacheDb

WHEN = datetime(2023, 6, 1, 10, 0, 5, tzinfo=UTC)


def test_each_cached_response_gives_its_url_and_time(tmp_path):
    db = CacheDb(tmp_path)
    db.add_response("https://api.example.com/v1/feed?x=1", WHEN)

    [record] = cache_db.parse(db.build())

    assert record.locator == "cfurl_cache_response.entry_ID=1"
    assert record.time == WHEN
    assert record.fields == {
        "url": "https://api.example.com/v1/feed?x=1",
        "cache_owner": "com.example.app",
        "storage_policy": 0,
    }
    assert record.observables == Observable.of(
        url="https://api.example.com/v1/feed?x=1", app_id="com.example.app"
    )
    assert compile_globs(cache_db.PATHS).match(CacheDb.LOGICAL_PATH)
    assert compile_globs(cache_db.PATHS).match(
        "private/var/mobile/Library/Caches/com.apple.Maps/Cache.db"
    )
