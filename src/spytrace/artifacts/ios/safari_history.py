"""Safari History.db: each page visit, with the redirects that led to it and away from it.

Since iOS 17 each added Safari profile keeps its own History.db under
Library/Safari/Profiles/<UUID>/; old iOS kept the file in the MobileSafari app container. The
file also keeps tombstones: what the user deleted from history, sometimes with the URL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from spytrace.artifacts.ios.paths import app, home
from spytrace.artifacts.sqlite import columns, rows, tables
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "safari_history"
# Profile databases: MVT's SafariHistory and iLEAPP read Library/Safari/Profiles/*/History.db.
PATHS = (
    *home("Library/Safari/History.db"),
    *home("Library/Safari/Profiles/*/History.db"),
    *app("com.apple.mobilesafari", "Library/Safari/History.db"),
    *app("com.apple.mobilesafari", "Library/Safari/Profiles/*/History.db"),
)

# Schema: WBSHistorySQLiteSchema (also in plaso's safari plugin). redirect_source on a visit is
# the visit that redirected to it; redirect_destination the visit it redirected to.
SQL = """
SELECT v.id, v.history_item, v.visit_time, v.title, v.load_successful, v.http_non_get,
       v.redirect_source, v.redirect_destination, v.origin,
       i.url, i.visit_count, src_i.url AS source_url, dst_i.url AS destination_url,
       dst.visit_time AS destination_time
FROM history_visits v
LEFT JOIN history_items i ON i.id = v.history_item
LEFT JOIN history_visits src ON src.id = v.redirect_source
LEFT JOIN history_items src_i ON src_i.id = src.history_item
LEFT JOIN history_visits dst ON dst.id = v.redirect_destination
LEFT JOIN history_items dst_i ON dst_i.id = dst.history_item
ORDER BY v.id
"""
# Every visit on a redirect chain. Each hop is recorded on both of its visits, so the chain
# can be walked either way; where only one end is filled the joins above still name it.
LINKS_SQL = """
SELECT v.id, i.url, v.redirect_source, v.redirect_destination
FROM history_visits v LEFT JOIN history_items i ON i.id = v.history_item
WHERE v.redirect_source IS NOT NULL OR v.redirect_destination IS NOT NULL
"""
TOMBSTONES_SQL = "SELECT id, start_time, end_time, url FROM history_tombstones ORDER BY id"

# Real chains are a handful of hops; the bound keeps a corrupt or crafted chain cheap.
MAX_HOPS = 32

_PROFILE = re.compile(r"/Safari/Profiles/([^/]+)/History\.db$")


@dataclass(frozen=True, slots=True)
class _Hop:
    url: str | None
    source: int | None
    destination: int | None


def parse(db: EvidenceFile) -> Iterator[Record]:
    profile = m.group(1) if (m := _PROFILE.search(db.logical_path)) else None
    present = tables(db)
    hops = _hops(db) if "history_visits" in present else {}
    for row in rows(db, SQL):
        url = row["url"]
        source_url, destination_url = row["source_url"], row["destination_url"]
        redirected = row["redirect_source"] is not None or row["redirect_destination"] is not None
        chain = _chain(hops, row) if redirected else None
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"history_visits.id={row['id']}",
            time=cocoa_time(row["visit_time"]),
            message=_message(url, row["history_item"], source_url, destination_url),
            fields=fields_of(
                {
                    "url": url,
                    "title": row["title"],
                    "visit_count": row["visit_count"],
                    "load_successful": _flag(row["load_successful"]),
                    "http_non_get": _flag(row["http_non_get"]),
                    # 0: visited on this device; 1: synced from another device (iLEAPP).
                    "origin": row["origin"],
                    "history_item": row["history_item"],
                    "redirect_source": row["redirect_source"],
                    "redirect_destination": row["redirect_destination"],
                    "redirect_source_url": source_url,
                    "redirect_destination_url": destination_url,
                    # When the redirect landed: how fast a redirect was tells injection apart.
                    "redirect_destination_time": iso(cocoa_time(row["destination_time"])),
                    "redirect_chain": chain,
                    "profile": profile,
                }
            ),
            observables=Observable.of(url=[url, source_url, destination_url]),
            time_desc="Page visited",
        )
    if "history_tombstones" in present:
        yield from _tombstones(db, profile)


def _hops(db: EvidenceFile) -> dict[int, _Hop]:
    """The visits that take part in redirects, by id; empty where the columns do not exist."""
    if not {"redirect_source", "redirect_destination"} <= columns(db, "history_visits"):
        return {}
    return {
        row["id"]: _Hop(row["url"], row["redirect_source"], row["redirect_destination"])
        for row in rows(db, LINKS_SQL)
    }


def _chain(hops: Mapping[int, _Hop], row: sqlite3.Row) -> list[str | None]:
    """The URLs of the whole redirect chain through a visit, first hop first."""
    # One `seen` for both ways, so a cycle lists each visit once.
    seen = {row["id"]}
    before = _walk(hops, row["redirect_source"], row["source_url"], True, seen)
    after = _walk(hops, row["redirect_destination"], row["destination_url"], False, seen)
    return [*reversed(before), row["url"], *after]


def _walk(
    hops: Mapping[int, _Hop],
    first: int | None,
    first_url: str | None,
    backwards: bool,
    seen: set[int],
) -> list[str | None]:
    """The URLs one way along the redirect chain from a visit, nearest first."""
    urls: list[str | None] = []
    current, url = first, first_url
    # `seen` ends cycles (a visit redirecting back to an earlier one) after one lap.
    while current is not None and current not in seen and len(urls) < MAX_HOPS:
        seen.add(current)
        hop = hops.get(current)
        urls.append(url if url is not None else hop.url if hop else None)
        if hop is None:
            break
        current, url = (hop.source if backwards else hop.destination), None
    return urls


def _message(
    url: str | None, item: object, source_url: str | None, destination_url: str | None
) -> str:
    text = f"Visited {url}" if url else f"Visited a page whose history item {item} is gone"
    if source_url:
        text += f" (redirected from {source_url})"
    if destination_url:
        text += f", redirected to {destination_url}"
    return text


def _tombstones(db: EvidenceFile, profile: str | None) -> Iterator[Record]:
    for row in rows(db, TOMBSTONES_SQL):
        url = row["url"]
        start, end = cocoa_time(row["start_time"]), cocoa_time(row["end_time"])
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"history_tombstones.id={row['id']}",
            time=end,
            message=f"History of {url} deleted" if url else "A range of history deleted",
            fields=fields_of(
                {
                    "url": url,
                    "deleted_from": iso(start),
                    "deleted_until": iso(end),
                    "profile": profile,
                }
            ),
            observables=Observable.of(url=url),
            time_desc="End of deleted history range",
        )


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


ARTIFACT = Artifact(NAME, PATHS, parse)
