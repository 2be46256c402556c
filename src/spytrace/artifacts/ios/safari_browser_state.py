"""Safari BrowserState.db: tabs Safari saved (only closed ones since iOS 16), with each tab's
back/forward list of pages from its saved WebKit session state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios.paths import app, home
from spytrace.artifacts.plist import loads_plist
from spytrace.artifacts.sqlite import columns, rows, tables
from spytrace.artifacts.times import cocoa_time
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "safari_browser_state"
# Paths as MVT's SafariBrowserState reads them.
PATHS = (
    *home("Library/Safari/BrowserState.db"),
    *app("com.apple.mobilesafari", "Library/Safari/BrowserState.db"),
)

# Schema: SFBrowserStateSQLiteStore (SafariServices). Schema version 3 moved session_data from
# `tabs` into `tab_sessions`; tab_group_uuid and profile_uuid came later still, so they are
# read only where they exist.
SQL = """
SELECT t.id, t.uuid, t.title, t.url, t.user_visible_url, t.last_viewed_time,
       t.private_browsing, t.opened_from_link{optional}, s.session_data
FROM tabs t LEFT JOIN tab_sessions s ON s.tab_uuid = t.uuid
ORDER BY t.id
"""
LEGACY_SQL = """
SELECT t.id, t.uuid, t.title, t.url, t.user_visible_url, t.last_viewed_time,
       t.private_browsing, t.opened_from_link, t.session_data
FROM tabs t ORDER BY t.id
"""
OPTIONAL_COLUMNS = ("profile_uuid", "tab_group_uuid")

# WebKit LegacySessionStateCoding: a 4-byte big-endian version, then a binary plist.
_BPLIST = b"bplist00"
_HEADER_SCAN = 16


def parse(db: EvidenceFile) -> Iterator[Record]:
    if "tab_sessions" in tables(db):
        present = columns(db, "tabs")
        optional = [c for c in OPTIONAL_COLUMNS if c in present]
        sql = SQL.format(optional="".join(f", t.{c}" for c in optional))
    else:
        optional, sql = [], LEGACY_SQL
    unreadable = 0
    for row in rows(db, sql):
        state = _session_state(row["session_data"])
        if state is None and row["session_data"]:
            unreadable += 1
        history = _history(state)
        provisional = _text(state.get("ProvisionalURL")) if state else None
        url, visible = row["url"], row["user_visible_url"]
        private = bool(row["private_browsing"])
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"tabs.id={row['id']}",
            time=cocoa_time(row["last_viewed_time"]),
            message=f"Safari tab on {url or visible or 'a blank page'}"
            + (" (private browsing)" if private else ""),
            fields=fields_of(
                {
                    "url": url,
                    "user_visible_url": visible if visible != url else None,
                    "title": row["title"],
                    "tab_uuid": row["uuid"],
                    "private_browsing": private,
                    "opened_from_link": bool(row["opened_from_link"]),
                    **{c: row[c] or None for c in optional},
                    "session_history": history or None,
                    "session_history_index": _history_index(state),
                    "provisional_url": provisional,
                }
            ),
            observables=Observable.of(
                url=[
                    url,
                    visible,
                    provisional,
                    *(entry.get("url") for entry in history),
                    *(entry.get("original_url") for entry in history),
                ]
            ),
            time_desc="Tab last viewed",
        )
    if unreadable:
        db.notes.append(f"session data of {unreadable} tab(s) is not a readable property list")


def _session_state(blob: object) -> dict[str, Any] | None:
    if not isinstance(blob, bytes) or not blob:
        return None
    start = blob.find(_BPLIST, 0, _HEADER_SCAN)
    if start < 0:
        return None
    try:
        state = loads_plist(blob[start:], "session_data")
    except EvidenceError:
        return None
    return state if isinstance(state, dict) else None


def _history(state: dict[str, Any] | None) -> list[dict[str, str]]:
    session = state.get("SessionHistory") if state else None
    entries = session.get("SessionHistoryEntries") if isinstance(session, dict) else None
    if not isinstance(entries, list):
        return []
    pages = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        url = _text(entry.get("SessionHistoryEntryURL"))
        original = _text(entry.get("SessionHistoryEntryOriginalURL"))
        title = _text(entry.get("SessionHistoryEntryTitle"))
        # The original URL differs from the URL when the page was reached by a redirect.
        pages.append(
            fields_of(
                {"url": url, "original_url": original if original != url else None, "title": title}
            )
        )
    return pages


def _history_index(state: dict[str, Any] | None) -> int | None:
    session = state.get("SessionHistory") if state else None
    index = session.get("SessionHistoryCurrentIndex") if isinstance(session, dict) else None
    return index if isinstance(index, int) and not isinstance(index, bool) else None


def _text(value: object) -> str | None:
    """A string value; tools that forge session state sometimes wrap it in an array."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0] or None
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
