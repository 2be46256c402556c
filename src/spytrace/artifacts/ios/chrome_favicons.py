"""Chrome for iOS Favicons: which page used which icon, and when the icon was last fetched."""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import app
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.times import webkit_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "chrome_favicons"
PATHS = app("com.google.chrome.ios", "Library/Application Support/Google/Chrome/*/Favicons")

# Schema: Chromium components/favicon/core/favicon_database.cc. favicon_bitmaps.last_updated
# (microseconds since 1601) is 0 for on-demand icons, which carry last_requested instead.
SQL = """
SELECT m.id, m.page_url, m.icon_id, f.url AS icon_url, f.icon_type,
       (SELECT MAX(b.last_updated) FROM favicon_bitmaps b WHERE b.icon_id = m.icon_id)
           AS last_updated,
       (SELECT MAX(b.last_requested) FROM favicon_bitmaps b WHERE b.icon_id = m.icon_id)
           AS last_requested
FROM icon_mapping m LEFT JOIN favicons f ON f.id = m.icon_id
ORDER BY m.id
"""


def parse(db: EvidenceFile) -> Iterator[Record]:
    for row in rows(db, SQL):
        page, icon = row["page_url"], row["icon_url"]
        updated = webkit_time(row["last_updated"])
        requested = webkit_time(row["last_requested"])
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"icon_mapping.id={row['id']}",
            time=updated or requested,
            message=f"Favicon of {page}" + (f" from {icon}" if icon else ""),
            fields=fields_of(
                {
                    "page_url": page,
                    "icon_url": icon,
                    "icon_id": row["icon_id"],
                    "icon_type": row["icon_type"],
                }
            ),
            observables=Observable.of(url=[page, icon]),
            time_desc=_time_desc(updated is not None, requested is not None),
        )


def _time_desc(updated: bool, requested: bool) -> str:
    if updated:
        return "Icon last fetched"
    return "Icon last requested" if requested else ""


ARTIFACT = Artifact(NAME, PATHS, parse)
