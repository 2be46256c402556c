"""WebKit IndexedDB databases: which web origins stored data in an app's or Safari's WebKit.

WebKit keeps each origin's IndexedDB under <data container or home>/Library/WebKit/
WebsiteData/IndexedDB/<scheme>_<host>_<port>/<database hash>/IndexedDB.sqlite3, the origin
spelled in the folder name ("https_www.example.com_0", port 0 for the scheme's default);
MVT's WebkitIndexedDB module reads origins from these names. IDBDatabaseInfo (key, value)
holds the database's own name. A visit to an exploit page leaves its origin here even when
the browsing history is cleared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.sqlite import rows
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "webkit_indexeddb"
PATHS = ("private/var/mobile/**/WebsiteData/IndexedDB/**/IndexedDB.sqlite3",)
SQL = "SELECT key, value FROM IDBDatabaseInfo"
_ORIGIN = re.compile(r"^(https?|file|wss?)_(.*)_(\d+)$")


def origin_of(name: str) -> str | None:
    """ "https_www.example.com_0" -> "https://www.example.com" (port 0: the default one)."""
    match = _ORIGIN.match(name)
    if match is None:
        return None
    scheme, host, port = match.groups()
    if scheme == "file":
        return "file://"
    return f"{scheme}://{host}" + (f":{port}" if port != "0" else "")


def parse(db: EvidenceFile) -> Iterator[Record]:
    parts = db.logical_path.split("/")
    folder = parts[parts.index("IndexedDB") + 1] if "IndexedDB" in parts[:-1] else ""
    origin = next((o for p in parts if (o := origin_of(p))), None)
    info = {str(r["key"]): r["value"] for r in rows(db, SQL)}
    database = info.get("DatabaseName")
    yield Record(
        artifact=NAME,
        source=db.logical_path,
        locator=f"folder {folder}",
        time=None,
        message=f"IndexedDB database of {origin or folder}",
        fields=fields_of(
            {
                "origin": origin,
                "folder": folder,
                "database_name": database if isinstance(database, str) else None,
            }
        ),
        observables=Observable.of(url=origin if origin and origin != "file://" else None),
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
