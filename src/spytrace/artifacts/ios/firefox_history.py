"""Firefox for iOS history: each page visit, from browser.db (older releases) or places.db.

Firefox keeps its profile in its app group container (profile.profile/); newer releases moved
history from browser.db into places.db, Mozilla's application-services Places store.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import app_group
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "firefox_history"
# firefox-ios ProfileFileAccessor: "profile.<name>" in the shared app group container; Fennec
# is the beta's group.
_GROUPS = ("group.org.mozilla.ios.Firefox", "group.org.mozilla.ios.Fennec")
PATHS = tuple(
    dict.fromkeys(
        path
        for group in _GROUPS
        for name in ("browser.db", "places.db")
        for path in app_group(group, f"profile.profile/{name}")
    )
)

# browser.db schema: firefox-ios Storage/SQL/BrowserSchema.swift. visits.date is microseconds
# since 1970.
BROWSER_SQL = """
SELECT v.id, v.date, v.type, v.is_local, v.siteID, h.url, h.title
FROM visits v LEFT JOIN history h ON h.id = v.siteID
ORDER BY v.id
"""
# places.db schema: application-services components/places/sql/create_shared_schema.sql.
# visit_date is milliseconds since 1970; from_visit is the visit that led here.
PLACES_SQL = """
SELECT v.id, v.visit_date, v.visit_type, v.is_local, v.place_id, v.from_visit,
       p.url, p.title, fp.url AS from_url
FROM moz_historyvisits v
LEFT JOIN moz_places p ON p.id = v.place_id
LEFT JOIN moz_historyvisits f ON f.id = v.from_visit
LEFT JOIN moz_places fp ON fp.id = f.place_id
ORDER BY v.id
"""

# Places visit types (firefox-ios Storage/Visit.swift, nsINavHistoryService.idl).
VISIT_TYPES = (
    "unknown",
    "link",
    "typed",
    "bookmark",
    "embed",
    "permanent_redirect",
    "temporary_redirect",
    "download",
    "framed_link",
    "reload",
)
REDIRECT_TYPES = frozenset({5, 6})


def parse(db: EvidenceFile) -> Iterator[Record]:
    if "moz_historyvisits" in tables(db):
        yield from _places(db)
    else:
        yield from _browser(db)


def _browser(db: EvidenceFile) -> Iterator[Record]:
    for row in rows(db, BROWSER_SQL):
        url = row["url"]
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"visits.id={row['id']}",
            time=unix_time(row["date"]),
            message=f"Visited {url}"
            if url
            else f"Visited a page whose history row {row['siteID']} is gone",
            fields=fields_of(
                {
                    "url": url,
                    "title": row["title"] or None,
                    "visit_type": _visit_type(row["type"]),
                    "is_local": _flag(row["is_local"]),
                }
            ),
            observables=Observable.of(url=url),
            time_desc="Page visited",
        )


def _places(db: EvidenceFile) -> Iterator[Record]:
    for row in rows(db, PLACES_SQL):
        url, from_url = row["url"], row["from_url"]
        redirect = row["visit_type"] in REDIRECT_TYPES
        text = f"Visited {url}" if url else f"Visited a page whose place {row['place_id']} is gone"
        if from_url:
            text += f" ({'redirected' if redirect else 'came'} from {from_url})"
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"moz_historyvisits.id={row['id']}",
            time=unix_time(row["visit_date"]),
            message=text,
            fields=fields_of(
                {
                    "url": url,
                    "title": row["title"] or None,
                    "visit_type": _visit_type(row["visit_type"]),
                    "is_local": _flag(row["is_local"]),
                    "from_visit": row["from_visit"],
                    "from_url": from_url,
                }
            ),
            observables=Observable.of(url=[url, from_url]),
            time_desc="Page visited",
        )


def _visit_type(value: object) -> str | None:
    if not isinstance(value, int):
        return None
    return VISIT_TYPES[value] if 0 <= value < len(VISIT_TYPES) else f"unknown ({value})"


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


ARTIFACT = Artifact(NAME, PATHS, parse)
