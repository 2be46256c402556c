"""Firefox for iOS favicons: icons browser.db keeps, with the history pages that used them."""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import app_group
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "firefox_favicons"
# Same browser.db as firefox_history; places.db holds no icons.
PATHS = tuple(
    dict.fromkeys(
        path
        for group in ("group.org.mozilla.ios.Firefox", "group.org.mozilla.ios.Fennec")
        for path in app_group(group, "profile.profile/browser.db")
    )
)

# Schema: firefox-ios Storage/SQL/BrowserSchema.swift; favicon_sites links icons to history.
SQL = "SELECT f.id, f.url, f.date, f.width, f.type{pages} FROM favicons f ORDER BY f.id"
PAGES = """,
       (SELECT group_concat(h.url, char(10)) FROM favicon_sites s
        JOIN history h ON h.id = s.siteID WHERE s.faviconID = f.id) AS page_urls"""


def parse(db: EvidenceFile) -> Iterator[Record]:
    linked = "favicon_sites" in tables(db)
    for row in rows(db, SQL.format(pages=PAGES if linked else "")):
        icon = row["url"]
        pages = sorted(set(row["page_urls"].split("\n"))) if linked and row["page_urls"] else []
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"favicons.id={row['id']}",
            time=unix_time(row["date"]),
            message=f"Favicon {icon}" + _of_pages(pages),
            fields=fields_of(
                {
                    "icon_url": icon,
                    "page_urls": pages or None,
                    "width": row["width"],
                    "icon_type": row["type"],
                }
            ),
            observables=Observable.of(url=[icon, *pages]),
            time_desc="Icon saved",
        )


def _of_pages(pages: list[str]) -> str:
    if len(pages) == 1:
        return f" of {pages[0]}"
    return f" of {len(pages)} pages" if pages else ""


ARTIFACT = Artifact(NAME, PATHS, parse)
