"""Safari Favicons.db: which page used which icon and since when, plus icons Safari rejected."""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import app, home
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "safari_favicons"
# Paths as MVT's SafariFavicon reads them.
PATHS = (
    *home("Library/Image Cache/Favicons/Favicons.db"),
    *app("com.apple.mobilesafari", "Library/Image Cache/Favicons/Favicons.db"),
)

# Schema: WBSFaviconProviderDatabaseController (SafariShared). page_url has no id column, hence
# rowid. icon_info.timestamp is set to "now" when a page is linked to the icon (Cocoa seconds).
SQL = """
SELECT p.rowid AS rowid, p.url AS page_url, p.uuid, i.url AS icon_url, i.timestamp
FROM page_url p LEFT JOIN icon_info i ON i.uuid = p.uuid
ORDER BY p.rowid
"""
# rejected_resources arrived with schema version 4.
REJECTED_SQL = """
SELECT rowid, page_url, icon_url, timestamp FROM rejected_resources ORDER BY rowid
"""


def parse(db: EvidenceFile) -> Iterator[Record]:
    for row in rows(db, SQL):
        page, icon = row["page_url"], row["icon_url"]
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"page_url.rowid={row['rowid']}",
            time=cocoa_time(row["timestamp"]),
            message=f"Favicon of {page}" + (f" from {icon}" if icon else ""),
            fields=fields_of({"page_url": page, "icon_url": icon, "icon_uuid": row["uuid"]}),
            observables=Observable.of(url=[page, icon]),
            time_desc="Icon linked to page",
        )
    if "rejected_resources" not in tables(db):
        return
    for row in rows(db, REJECTED_SQL):
        page, icon = row["page_url"], row["icon_url"]
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"rejected_resources.rowid={row['rowid']}",
            time=cocoa_time(row["timestamp"]),
            message=f"Rejected favicon of {page} from {icon}",
            fields=fields_of({"page_url": page, "icon_url": icon, "rejected": True}),
            observables=Observable.of(url=[page, icon]),
            time_desc="Icon rejected",
        )


ARTIFACT = Artifact(NAME, PATHS, parse)
