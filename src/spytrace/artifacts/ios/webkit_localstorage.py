"""WebKit LocalStorage files: which web origins stored keys in an app's or Safari's WebKit.

Each origin gets <...>/Library/WebKit/WebsiteData/LocalStorage/<scheme>_<host>_<port>
.localstorage, an SQLite file whose ItemTable (key TEXT, value BLOB) holds the origin's items
(layout as WebKit's SQLiteStorageArea writes it; MVT's WebkitLocalStorage module reads the
origins from the file names). Key names are kept, values (often personal) are not read.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.webkit_indexeddb import origin_of
from spytrace.artifacts.sqlite import rows
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "webkit_localstorage"
PATHS = ("private/var/mobile/**/WebsiteData/LocalStorage/*.localstorage",)
SQL = "SELECT key FROM ItemTable ORDER BY rowid"
MAX_KEYS = 50


def parse(db: EvidenceFile) -> Iterator[Record]:
    name = db.logical_path.rpartition("/")[2].removesuffix(".localstorage")
    origin = origin_of(name)
    keys = [str(r["key"]) for r in rows(db, SQL)]
    yield Record(
        artifact=NAME,
        source=db.logical_path,
        locator=f"file {name}.localstorage",
        time=None,
        message=f"LocalStorage of {origin or name}: {len(keys)} key(s)",
        fields=fields_of(
            {"origin": origin, "key_count": len(keys), "keys": keys[:MAX_KEYS] or None}
        ),
        observables=Observable.of(url=origin if origin and origin != "file://" else None),
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
