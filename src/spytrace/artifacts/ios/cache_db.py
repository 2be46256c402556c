"""Cache.db of apps and daemons: the URLs their network requests fetched, and when.

CFNetwork's URL cache keeps one row per cached response in cfurl_cache_response (entry_ID,
version, hash_value, storage_policy, request_key = the request URL, time_stamp = SQLite's
CURRENT_TIMESTAMP, UTC "YYYY-MM-DD HH:MM:SS", partition), in
<container or home>/Library/Caches/<bundle id or process>/Cache.db (schema as CFNetwork
creates it; paths as MVT's CacheFiles module reads them). The folder above Cache.db names
whose cache it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from spytrace.artifacts.sqlite import rows
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "cache_db"
PATHS = ("private/var/**/Library/Caches/*/Cache.db",)
SQL = (
    "SELECT entry_ID, request_key, time_stamp, storage_policy, partition"
    " FROM cfurl_cache_response ORDER BY entry_ID"
)


def parse(db: EvidenceFile) -> Iterator[Record]:
    owner = db.logical_path.rsplit("/", 2)[-2]
    for row in rows(db, SQL):
        url = row["request_key"] if isinstance(row["request_key"], str) else ""
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"cfurl_cache_response.entry_ID={row['entry_ID']}",
            time=_time(row["time_stamp"]),
            message=f"{owner} cached a response from {url or '(no URL)'}",
            fields=fields_of(
                {
                    "url": url,
                    "cache_owner": owner,
                    "partition": row["partition"],
                    "storage_policy": row["storage_policy"],
                }
            ),
            observables=Observable.of(
                url=url if "://" in url else None,
                app_id=owner if owner.count(".") >= 2 else None,
            ),
            time_desc="Response cached",
        )


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


ARTIFACT = Artifact(NAME, PATHS, parse)
