# The CREATE statements are kept verbatim, one per line, as the apps write them.
"""Fixture writers for iOS browser and WebKit files, with the vendors' real schemas and keys.

Schema sources (CREATE statements as the apps run them):
- Safari History.db: WBSHistorySQLiteSchema (SafariShared), as dumped from a real store and as
  listed in plaso's safari_history plugin (plaso/parsers/sqlite_plugins/safari.py).
- Safari BrowserState.db: SFBrowserStateSQLiteStore (SafariServices) strings, schema version 8;
  the legacy `tabs` with `session_data` follows its schema-3 migration statements.
- Safari Favicons.db: WBSFaviconProviderDatabaseController (SafariShared), fresh schema plus the
  migrations to version 4 (width/height, has_generated_representations, rejected_resources).
- WebKit observations.db: WebKit Source/WebKit/NetworkProcess/Classifier/
  ResourceLoadStatisticsStore.cpp (2019 and current ObservedDomains).
- WebKit full_browsing_session_resourceLog.plist: WebCore ResourceLoadStatistics::encode and
  ResourceLoadStatisticsMemoryStore::createEncoderFromData (keyed encoder, binary plist).
- Chrome History / Favicons: Chromium components/history/core/browser (a current History dump)
  and components/favicon/core/favicon_database.cc (version 8).
- Firefox for iOS browser.db: mozilla-mobile/firefox-ios Storage/SQL/BrowserSchema.swift;
  places.db: mozilla/application-services components/places/sql/create_shared_schema.sql.
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from spytrace.model import EvidenceFile
from spytrace.testkit.sqlite import SqliteBuilder

_COCOA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WEBKIT_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def cocoa(moment: datetime) -> float:
    """Seconds since 2001-01-01 UTC, as Safari stores times."""
    return (moment - _COCOA_EPOCH).total_seconds()


def unix(moment: datetime) -> float:
    return (moment - _UNIX_EPOCH).total_seconds()


def webkit(moment: datetime) -> int:
    """Microseconds since 1601-01-01 UTC, as Chrome stores times."""
    delta = moment - _WEBKIT_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# ----------------------------------------------------------------------------- Safari History


class SafariHistoryDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL,status_code INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT NULL REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT NULL,load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT 0,synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,generation INTEGER NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,score INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,start_time REAL NOT NULL,end_time REAL NOT NULL,url TEXT,generation INTEGER NOT NULL DEFAULT 0, udid TEXT, attributes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value);
CREATE INDEX history_items__domain_expansion ON history_items (domain_expansion);
CREATE INDEX history_tombstones__end_time ON history_tombstones (end_time);
CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC);
CREATE INDEX history_visits__origin ON history_visits (origin, generation);
"""
    LOGICAL_PATH = "HomeDomain/Library/Safari/History.db"

    _ITEM_SQL = (
        "INSERT OR IGNORE INTO history_items (url, domain_expansion, visit_count, "
        "daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score) "
        "VALUES (?, ?, 1, x'', 0, 0)"
    )

    def add_item(
        self, url: str, *, visit_count: int = 1, domain_expansion: str | None = None
    ) -> int:
        return self.insert(
            "history_items",
            url=url,
            domain_expansion=domain_expansion,
            visit_count=visit_count,
            daily_visit_counts=b"",
            should_recompute_derived_visit_counts=0,
            visit_count_score=0,
        )

    def add_visit(
        self,
        item: int,
        visit_time: float,
        *,
        title: str | None = None,
        load_successful: bool = True,
        origin: int | None = None,
        redirect_from: int | None = None,
    ) -> int:
        values: dict[str, Any] = {
            "history_item": item,
            "visit_time": visit_time,
            "title": title,
            "load_successful": int(load_successful),
        }
        if origin is not None:
            values["origin"] = origin
        visit = self.insert("history_visits", **values)
        if redirect_from is not None:
            self.link(redirect_from, visit)
        return visit

    def visit(self, url: str, visit_time: float, **options: Any) -> int:
        """One visit of `url`, its history item made on first use."""
        self.conn.execute(self._ITEM_SQL, (url, None))
        (item,) = self.conn.execute("SELECT id FROM history_items WHERE url = ?", (url,)).fetchone()
        return self.add_visit(item, visit_time, **options)

    def link(self, source: int, destination: int) -> None:
        """`source` redirected to `destination`: Safari records both ends of the hop."""
        self.conn.execute(
            "UPDATE history_visits SET redirect_destination = ? WHERE id = ?", (destination, source)
        )
        self.conn.execute(
            "UPDATE history_visits SET redirect_source = ? WHERE id = ?", (source, destination)
        )

    def add_visits(self, visits: Iterable[tuple[str, float, str | None]]) -> None:
        """Many (url, cocoa visit_time, title) visits at once, for large histories."""
        # Item ids are assigned here rather than looked up row by row: twice as fast.
        items: dict[str, int] = dict(self.conn.execute("SELECT url, id FROM history_items"))
        (last,) = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM history_items").fetchone()
        batch, new = [], []
        for url, when, title in visits:
            if url not in items:
                last += 1
                items[url] = last
                new.append((last, url))
            batch.append((items[url], when, title))
        self.conn.executemany(
            "INSERT INTO history_items (id, url, visit_count, daily_visit_counts, "
            "should_recompute_derived_visit_counts, visit_count_score) VALUES (?, ?, 1, x'', 0, 0)",
            new,
        )
        self.conn.executemany(
            "INSERT INTO history_visits (history_item, visit_time, title) VALUES (?, ?, ?)", batch
        )

    def add_tombstone(self, url: str | None, start_time: float, end_time: float) -> int:
        return self.insert("history_tombstones", url=url, start_time=start_time, end_time=end_time)


class SafariHistoryDbWithoutOrigin(SafariHistoryDb):
    """A history_visits lacking a column the parser reads (here `origin`)."""

    SCHEMA = SafariHistoryDb.SCHEMA.replace(",origin INTEGER NOT NULL DEFAULT 0", "").replace(
        "CREATE INDEX history_visits__origin ON history_visits (origin, generation);", ""
    )


class SafariHistoryDbWithoutTombstones(SafariHistoryDb):
    """An older History.db: no history_tombstones table."""

    SCHEMA = "\n".join(
        line for line in SafariHistoryDb.SCHEMA.splitlines() if "history_tombstones" not in line
    )


# ------------------------------------------------------------------------ Safari BrowserState


def session_data(
    entries: Sequence[tuple[str, str | None, str | None]],
    *,
    current_index: int | None = None,
    provisional_url: str | None = None,
    prefix: bool = True,
) -> bytes:
    """A tab's session state as WebKit's LegacySessionStateCoding writes it.

    `entries` are (URL, original URL, title). The binary plist follows a 4-byte big-endian
    session-state version (2) unless `prefix` is false.
    """
    history: dict[str, Any] = {"SessionHistoryVersion": 1}
    if entries:
        history["SessionHistoryCurrentIndex"] = (
            len(entries) - 1 if current_index is None else current_index
        )
        history["SessionHistoryEntries"] = [
            {
                key: value
                for key, value in (
                    ("SessionHistoryEntryURL", url),
                    ("SessionHistoryEntryOriginalURL", original),
                    ("SessionHistoryEntryTitle", title),
                    ("SessionHistoryEntryData", b"\x00" * 8),
                )
                if value is not None
            }
            for url, original, title in entries
        ]
    state: dict[str, Any] = {"SessionHistory": history}
    if provisional_url is not None:
        state["ProvisionalURL"] = provisional_url
    body = plistlib.dumps(state, fmt=plistlib.FMT_BINARY)
    return (2).to_bytes(4, "big") + body if prefix else body


class SafariBrowserStateDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL,type INTEGER DEFAULT 0,active_document_index INTEGER DEFAULT 0,active_private_document_index INTEGER DEFAULT 0,active_document_is_valid BOOL DEFAULT 1,tab_state_successfully_loaded BOOL DEFAULT 0,legacy_plist_file_version INTEGER DEFAULT 0,scene_ID TEXT,active_profile_identifier TEXT NOT NULL DEFAULT '',CONSTRAINT uuid_type_index UNIQUE(uuid, type));
CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT 0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT 0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT 0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL,tab_group_uuid TEXT NOT NULL DEFAULT '',profile_uuid TEXT NOT NULL DEFAULT '',FOREIGN KEY(browser_window_id) REFERENCES browser_windows(id) ON DELETE CASCADE);
CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL UNIQUE,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0,FOREIGN KEY(tab_uuid) REFERENCES tabs(uuid) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX tab_sessions__uuid ON tab_sessions (tab_uuid);
CREATE INDEX tabs__uuid ON tabs (uuid);
"""
    LOGICAL_PATH = "HomeDomain/Library/Safari/BrowserState.db"
    WINDOW_UUID = "6A1F0B3C-2D4E-4F50-8A61-7B8C9D0E1F20"

    def __init__(self, directory: Path, **options: Any):
        super().__init__(directory, **options)
        self.window = self.insert("browser_windows", uuid=self.WINDOW_UUID)
        self._tabs = 0

    def add_tab(
        self,
        url: str | None,
        *,
        title: str | None = None,
        user_visible_url: str | None = None,
        last_viewed_time: float | None = None,
        private_browsing: bool = False,
        opened_from_link: bool = False,
        profile_uuid: str = "",
        session: bytes | None = None,
        uuid: str | None = None,
    ) -> int:
        self._tabs += 1
        tab_uuid = uuid or f"{self._tabs:08X}-0000-4000-8000-000000000000"
        tab = self.insert(
            "tabs",
            **self._tab_columns(tab_uuid, url, title, user_visible_url, last_viewed_time),
            private_browsing=int(private_browsing),
            opened_from_link=int(opened_from_link),
            profile_uuid=profile_uuid,
        )
        if session is not None:
            self.insert(
                "tab_sessions",
                tab_uuid=tab_uuid,
                session_data=session,
                uncompressed_session_data_size=len(session),
            )
        return tab

    def _tab_columns(
        self,
        tab_uuid: str,
        url: str | None,
        title: str | None,
        user_visible_url: str | None,
        last_viewed_time: float | None,
    ) -> dict[str, Any]:
        return {
            "uuid": tab_uuid,
            "title": title,
            "url": url,
            "user_visible_url": user_visible_url if user_visible_url is not None else url,
            "order_index": self._tabs - 1,
            "last_viewed_time": last_viewed_time,
            "browser_window_uuid": self.WINDOW_UUID,
            "browser_window_id": self.window,
        }


class SafariBrowserStateLegacyDb(SafariBrowserStateDb):
    """BrowserState.db before schema version 3 moved `session_data` out of `tabs`."""

    SCHEMA = """
CREATE TABLE browser_windows (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL,type INTEGER DEFAULT 0,active_document_index INTEGER DEFAULT 0,active_private_document_index INTEGER DEFAULT 0,active_document_is_valid BOOL DEFAULT 1,tab_state_successfully_loaded BOOL DEFAULT 0,legacy_plist_file_version INTEGER DEFAULT 0,CONSTRAINT uuid_type_index UNIQUE(uuid, type));
CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,last_viewed_time REAL DEFAULT NULL,readinglist_bookmark_id INTEGER DEFAULT 0,opened_from_link BOOL DEFAULT 0,showing_reader BOOL DEFAULT 0,reader_view_top_scroll_offset INTEGER DEFAULT 0,private_browsing BOOL DEFAULT 0,displaying_standalone_image BOOL DEFAULT 0,browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL,session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0,FOREIGN KEY(browser_window_id) REFERENCES browser_windows(id) ON DELETE CASCADE);
"""

    def add_tab(
        self,
        url: str | None,
        *,
        title: str | None = None,
        user_visible_url: str | None = None,
        last_viewed_time: float | None = None,
        private_browsing: bool = False,
        opened_from_link: bool = False,
        profile_uuid: str = "",
        session: bytes | None = None,
        uuid: str | None = None,
    ) -> int:
        self._tabs += 1
        tab_uuid = uuid or f"{self._tabs:08X}-0000-4000-8000-000000000000"
        return self.insert(
            "tabs",
            **self._tab_columns(tab_uuid, url, title, user_visible_url, last_viewed_time),
            private_browsing=int(private_browsing),
            opened_from_link=int(opened_from_link),
            session_data=session,
            uncompressed_session_data_size=len(session or b""),
        )


# ---------------------------------------------------------------------------- Safari Favicons


class SafariFaviconsDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE page_url (url TEXT NOT NULL ON CONFLICT FAIL UNIQUE ON CONFLICT REPLACE,uuid TEXT NOT NULL ON CONFLICT FAIL);
CREATE INDEX PageURLIndex ON page_url (url);
CREATE TABLE icon_info (uuid TEXT PRIMARY KEY NOT NULL,url TEXT NOT NULL,timestamp INTEGER);
CREATE TABLE database_info (key TEXT PRIMARY KEY NOT NULL,value TEXT NOT NULL);
ALTER TABLE icon_info ADD width INTEGER DEFAULT 0;
ALTER TABLE icon_info ADD height INTEGER DEFAULT 0;
ALTER TABLE icon_info ADD has_generated_representations INTEGER DEFAULT 0;
CREATE TABLE rejected_resources (page_url TEXT NOT NULL ON CONFLICT FAIL,icon_url TEXT NOT NULL ON CONFLICT FAIL,timestamp INTEGER,UNIQUE(page_url, icon_url));
"""
    LOGICAL_PATH = "HomeDomain/Library/Image Cache/Favicons/Favicons.db"

    def add_icon(self, icon_url: str, timestamp: float, *, uuid: str) -> str:
        self.insert("icon_info", uuid=uuid, url=icon_url, timestamp=int(timestamp))
        return uuid

    def add_page(self, page_url: str, icon_uuid: str) -> int:
        return self.insert("page_url", url=page_url, uuid=icon_uuid)

    def add_rejected(self, page_url: str, icon_url: str, timestamp: float) -> int:
        return self.insert(
            "rejected_resources", page_url=page_url, icon_url=icon_url, timestamp=int(timestamp)
        )


# --------------------------------------------------------------------- WebKit observations.db


class WebKitObservationsDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,isScheduledForAllButCookieDataRemoval INTEGER NOT NULL, mostRecentWebPushInteractionTime REAL NOT NULL);
CREATE TABLE TopLevelDomains (topLevelDomainID INTEGER PRIMARY KEY, CONSTRAINT fkDomainID FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsTo (sourceDomainID INTEGER NOT NULL, toDomainID INTEGER NOT NULL, FOREIGN KEY(sourceDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(toDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE TABLE TopFrameUniqueRedirectsFrom (targetDomainID INTEGER NOT NULL, fromDomainID INTEGER NOT NULL, FOREIGN KEY(targetDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE, FOREIGN KEY(fromDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
CREATE UNIQUE INDEX TopFrameUniqueRedirectsTo_sourceDomainID_toDomainID on TopFrameUniqueRedirectsTo(sourceDomainID, toDomainID);
"""
    LOGICAL_PATH = (
        "AppDomain-com.apple.mobilesafari/Library/WebKit/WebsiteData/"
        "ResourceLoadStatistics/observations.db"
    )
    # Columns later WebKit added; an older store lacks them.
    NEWER_COLUMNS: ClassVar[Mapping[str, Any]] = {
        "isScheduledForAllButCookieDataRemoval": 0,
        "mostRecentWebPushInteractionTime": -1.0,
    }

    def add_domain(
        self,
        domain: str,
        last_seen: float,
        *,
        had_user_interaction: bool = False,
        most_recent_user_interaction: float = -1.0,
        prevalent: bool = False,
    ) -> int:
        return self.insert(
            "ObservedDomains",
            registrableDomain=domain,
            lastSeen=last_seen,
            hadUserInteraction=int(had_user_interaction),
            mostRecentUserInteractionTime=most_recent_user_interaction,
            grandfathered=0,
            isPrevalent=int(prevalent),
            isVeryPrevalent=0,
            dataRecordsRemoved=0,
            timesAccessedAsFirstPartyDueToUserInteraction=0,
            timesAccessedAsFirstPartyDueToStorageAccessAPI=0,
            **self.NEWER_COLUMNS,
        )

    def add_top_frame_redirect(self, source: int, to: int) -> None:
        """A top-frame redirect `source` -> `to`: WebKit files it under both tables."""
        self.insert("TopFrameUniqueRedirectsTo", sourceDomainID=source, toDomainID=to)
        self.insert("TopFrameUniqueRedirectsFrom", targetDomainID=to, fromDomainID=source)


class WebKitObservationsEarlyDb(WebKitObservationsDb):
    """The 2019 store: fewer ObservedDomains columns and no redirect tables."""

    SCHEMA = """
CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL, mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL, isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL, dataRecordsRemoved INTEGER NOT NULL,timesAccessedAsFirstPartyDueToUserInteraction INTEGER NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL);
CREATE TABLE TopLevelDomains (topLevelDomainID INTEGER PRIMARY KEY, CONSTRAINT fkDomainID FOREIGN KEY(topLevelDomainID) REFERENCES ObservedDomains(domainID) ON DELETE CASCADE);
"""
    NEWER_COLUMNS: ClassVar[Mapping[str, Any]] = {}


# ------------------------------------------------------ WebKit session resource log (plist)

SESSION_LOG_PATH = (
    "AppDomain-com.example.browser/Library/WebKit/WebsiteData/"
    "ResourceLoadStatistics/full_browsing_session_resourceLog.plist"
)


def browsing_statistic(
    domain: str,
    last_seen: float,
    *,
    modern: bool = True,
    had_user_interaction: bool = False,
    most_recent_user_interaction: float = 0.0,
    prevalent: bool = False,
    **related: Sequence[str],
) -> dict[str, Any]:
    """One `browsingStatistics` entry as ResourceLoadStatistics::encode writes it.

    `related` maps a WebKit key (topFrameUniqueRedirectsTo, subframeUnderTopFrameDomains, ...)
    to domains. The modern encoder names the entry `PrevalentResourceDomain` and writes sets as
    {"domain": d}; the older one wrote `PrevalentResourceOrigin` and {"origin": d, "count": n}.
    """
    entry: dict[str, Any] = {
        "PrevalentResourceDomain" if modern else "PrevalentResourceOrigin": domain,
        "lastSeen": last_seen,
        "hadUserInteraction": had_user_interaction,
        "mostRecentUserInteraction": most_recent_user_interaction,
        "grandfathered": False,
        "isPrevalentResource": prevalent,
        "isVeryPrevalentResource": False,
        "dataRecordsRemoved": 0,
    }
    for key, domains in related.items():
        entry[key] = [{"domain": d} if modern else {"origin": d, "count": 1} for d in domains]
    return entry


def session_resource_log(
    directory: Path,
    entries: Sequence[Mapping[str, Any]],
    *,
    logical_path: str = SESSION_LOG_PATH,
    version: int = 15,
) -> EvidenceFile:
    document = {
        "version": version,
        "endOfGrandfatheringTimestamp": 0.0,
        "browsingStatistics": list(entries),
        "operatingDates": [],
    }
    return write_plist(directory, logical_path, document)


def write_plist(directory: Path, logical_path: str, document: Any) -> EvidenceFile:
    path = Path(directory) / logical_path.replace("/", "_")
    path.write_bytes(plistlib.dumps(document, fmt=plistlib.FMT_BINARY))
    return EvidenceFile(logical_path, path)


# ----------------------------------------------------------------------------------- Chrome

CHROME_PROFILE = "AppDomain-com.google.chrome.ios/Library/Application Support/Google/Chrome/Default"

# LINK | CHAIN_START | CHAIN_END (ui/base/page_transition_types.h).
LINK = 0x30000000


class ChromeHistoryDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,visit_time INTEGER NOT NULL,from_visit INTEGER,external_referrer_url TEXT,transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,visit_duration INTEGER DEFAULT 0 NOT NULL,incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,opener_visit INTEGER,originator_cache_guid TEXT,originator_visit_id INTEGER,originator_from_visit INTEGER,originator_opener_visit INTEGER,is_known_to_sync BOOLEAN DEFAULT FALSE NOT NULL,consider_for_ntp_most_visited BOOLEAN DEFAULT FALSE NOT NULL,visited_link_id INTEGER DEFAULT 0 NOT NULL,app_id TEXT);
CREATE INDEX urls_url_index ON urls (url);
CREATE INDEX visits_url_index ON visits (url);
CREATE INDEX visits_from_index ON visits (from_visit);
CREATE INDEX visits_time_index ON visits (visit_time);
INSERT INTO meta VALUES ('version', '70');
"""
    LOGICAL_PATH = f"{CHROME_PROFILE}/History"

    def add_url(self, url: str, *, title: str = "", visit_count: int = 1) -> int:
        return self.insert("urls", url=url, title=title, visit_count=visit_count, last_visit_time=0)

    def add_visit(
        self,
        url_id: int,
        visit_time: int,
        *,
        from_visit: int = 0,
        transition: int = LINK,
        **extra: Any,
    ) -> int:
        return self.insert(
            "visits",
            url=url_id,
            visit_time=visit_time,
            from_visit=from_visit,
            transition=transition,
            **extra,
        )

    def visit(self, url: str, visit_time: int, **options: Any) -> int:
        row = self.conn.execute("SELECT id FROM urls WHERE url = ?", (url,)).fetchone()
        url_id = row[0] if row else self.add_url(url)
        return self.add_visit(url_id, visit_time, **options)


class ChromeHistory2021Db(ChromeHistoryDb):
    """A 2021 History: visits without external_referrer_url and the sync columns."""

    SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY,url INTEGER NOT NULL,visit_time INTEGER NOT NULL,from_visit INTEGER,transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,visit_duration INTEGER DEFAULT 0 NOT NULL,incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,publicly_routable BOOLEAN DEFAULT FALSE NOT NULL);
"""


class ChromeFaviconsDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE icon_mapping(id INTEGER PRIMARY KEY,page_url LONGVARCHAR NOT NULL,icon_id INTEGER);
CREATE TABLE favicons(id INTEGER PRIMARY KEY,url LONGVARCHAR NOT NULL,icon_type INTEGER DEFAULT 1);
CREATE TABLE favicon_bitmaps(id INTEGER PRIMARY KEY,icon_id INTEGER NOT NULL,last_updated INTEGER DEFAULT 0,image_data BLOB,width INTEGER DEFAULT 0,height INTEGER DEFAULT 0,last_requested INTEGER DEFAULT 0);
CREATE INDEX icon_mapping_page_url_idx ON icon_mapping(page_url);
CREATE INDEX icon_mapping_icon_id_idx ON icon_mapping(icon_id);
CREATE INDEX favicons_url ON favicons(url);
CREATE INDEX favicon_bitmaps_icon_id ON favicon_bitmaps(icon_id);
INSERT INTO meta VALUES ('version', '8');
"""
    LOGICAL_PATH = f"{CHROME_PROFILE}/Favicons"

    def add_icon(self, icon_url: str, *, icon_type: int = 1) -> int:
        return self.insert("favicons", url=icon_url, icon_type=icon_type)

    def add_bitmap(
        self, icon_id: int, last_updated: int, *, last_requested: int = 0, width: int = 16
    ) -> int:
        return self.insert(
            "favicon_bitmaps",
            icon_id=icon_id,
            last_updated=last_updated,
            image_data=b"\x89PNG",
            width=width,
            height=width,
            last_requested=last_requested,
        )

    def map_page(self, page_url: str, icon_id: int) -> int:
        return self.insert("icon_mapping", page_url=page_url, icon_id=icon_id)


# ---------------------------------------------------------------------------------- Firefox

FIREFOX_GROUP = "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile"


class FirefoxBrowserDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS domains (id INTEGER PRIMARY KEY AUTOINCREMENT, domain TEXT NOT NULL UNIQUE, showOnTopSites TINYINT NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE, title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER, is_deleted TINYINT NOT NULL, should_upload TINYINT NOT NULL, domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE, CONSTRAINT urlOrDeleted CHECK (url IS NOT NULL OR is_deleted = 1));
CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL, UNIQUE (siteID, date, type));
CREATE INDEX IF NOT EXISTS idx_visits_siteID_is_local_date ON visits (siteID, is_local, date);
CREATE TABLE IF NOT EXISTS favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE, faviconID INTEGER NOT NULL REFERENCES favicons(id) ON DELETE CASCADE, UNIQUE (siteID, faviconID));
"""
    LOGICAL_PATH = f"{FIREFOX_GROUP}/browser.db"

    def add_site(self, url: str, *, title: str = "") -> int:
        count = self.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
        return self.insert(
            "history",
            guid=f"guid{count:08d}",
            url=url,
            title=title,
            is_deleted=0,
            should_upload=1,
        )

    def add_visit(self, site: int, date_us: float, *, type: int = 1, is_local: bool = True) -> int:
        return self.insert("visits", siteID=site, date=date_us, type=type, is_local=int(is_local))

    def add_favicon(self, url: str, date: float, *, width: int = 32, type: int = 0) -> int:
        return self.insert("favicons", url=url, width=width, height=width, type=type, date=date)

    def link_favicon(self, site: int, favicon: int) -> int:
        return self.insert("favicon_sites", siteID=site, faviconID=favicon)


class FirefoxBrowserDbWithoutFaviconSites(FirefoxBrowserDb):
    SCHEMA = "\n".join(
        line for line in FirefoxBrowserDb.SCHEMA.splitlines() if "favicon_sites" not in line
    )


class FirefoxPlacesDb(SqliteBuilder):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS moz_places (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, title LONGVARCHAR, visit_count_local INTEGER NOT NULL DEFAULT 0, visit_count_remote INTEGER NOT NULL DEFAULT 0, hidden INTEGER DEFAULT 0 NOT NULL, typed INTEGER DEFAULT 0 NOT NULL, frecency INTEGER DEFAULT -1 NOT NULL, last_visit_date_local INTEGER NOT NULL DEFAULT 0, last_visit_date_remote INTEGER NOT NULL DEFAULT 0, guid TEXT NOT NULL UNIQUE, foreign_count INTEGER DEFAULT 0 NOT NULL, url_hash INTEGER DEFAULT 0 NOT NULL, description TEXT, preview_image_url TEXT, origin_id INTEGER, sync_status TINYINT NOT NULL DEFAULT 1, sync_change_counter INTEGER NOT NULL DEFAULT 0, FOREIGN KEY(origin_id) REFERENCES moz_origins(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS moz_historyvisits (id INTEGER PRIMARY KEY, is_local INTEGER NOT NULL, from_visit INTEGER, place_id INTEGER NOT NULL, visit_date INTEGER NOT NULL, visit_type INTEGER NOT NULL, FOREIGN KEY(place_id) REFERENCES moz_places(id) ON DELETE CASCADE, FOREIGN KEY(from_visit) REFERENCES moz_historyvisits(id));
CREATE INDEX IF NOT EXISTS placedateindex ON moz_historyvisits(place_id, visit_date);
CREATE INDEX IF NOT EXISTS fromindex ON moz_historyvisits(from_visit);
CREATE TABLE IF NOT EXISTS moz_origins (id INTEGER PRIMARY KEY, prefix TEXT NOT NULL, host TEXT NOT NULL, rev_host TEXT NOT NULL, frecency INTEGER NOT NULL, UNIQUE (prefix, host));
"""
    LOGICAL_PATH = f"{FIREFOX_GROUP}/places.db"

    def add_place(self, url: str, *, title: str | None = None) -> int:
        count = self.conn.execute("SELECT COUNT(*) FROM moz_places").fetchone()[0]
        return self.insert("moz_places", url=url, title=title, guid=f"place{count:07d}")

    def add_visit(
        self,
        place: int,
        visit_date_ms: int,
        *,
        visit_type: int = 1,
        from_visit: int | None = None,
        is_local: bool = True,
    ) -> int:
        return self.insert(
            "moz_historyvisits",
            place_id=place,
            visit_date=visit_date_ms,
            visit_type=visit_type,
            from_visit=from_visit,
            is_local=int(is_local),
        )
