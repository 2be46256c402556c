"""WebKit observations.db: every site (registrable domain) whose content a web view loaded.

Intelligent Tracking Prevention keeps one per app that embeds WebKit, Safari's included, so
it names domains an app visited even when the app keeps no history of its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import home
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "webkit_resource_load_statistics"
_DB = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"
_SAFARI_VIEW = "SystemData/com.apple.SafariViewService"
# App containers as MVT's WebkitResourceLoadStatistics reads them (the SafariViewService copy
# sits directly in WebsiteData there); Safari's own is AppDomain-com.apple.mobilesafari.
PATHS = (
    f"AppDomain-*/{_DB}",
    f"AppDomain-*/{_SAFARI_VIEW}/{_DB}",
    *home(_DB),
    f"private/var/mobile/Containers/Data/Application/*/{_DB}",
    f"private/var/mobile/Containers/Data/Application/*/{_SAFARI_VIEW}/{_DB}",
    f"private/var/mobile/Containers/Data/Application/*/{_SAFARI_VIEW}/"
    "Library/WebKit/WebsiteData/observations.db",
)

# Schema: WebKit NetworkProcess/Classifier/ResourceLoadStatisticsStore.cpp. lastSeen and
# mostRecentUserInteractionTime are WallTime seconds since 1970.
SQL = """
SELECT o.domainID, o.registrableDomain, o.lastSeen, o.hadUserInteraction,
       o.mostRecentUserInteractionTime, o.grandfathered, o.isPrevalent, o.isVeryPrevalent,
       o.dataRecordsRemoved{redirects}
FROM ObservedDomains o ORDER BY o.domainID
"""
# The redirect tables came after the first schema; read only where they exist.
REDIRECTS_TO = """,
       (SELECT group_concat(d.registrableDomain, char(10)) FROM TopFrameUniqueRedirectsTo r
        JOIN ObservedDomains d ON d.domainID = r.toDomainID
        WHERE r.sourceDomainID = o.domainID) AS redirects_to"""
REDIRECTS_FROM = """,
       (SELECT group_concat(d.registrableDomain, char(10)) FROM TopFrameUniqueRedirectsFrom r
        JOIN ObservedDomains d ON d.domainID = r.fromDomainID
        WHERE r.targetDomainID = o.domainID) AS redirects_from"""

_CONTAINER_PREFIXES = ("AppDomain-", "AppDomainGroup-", "AppDomainPlugin-")


def container_app(logical_path: str) -> str | None:
    """The app whose container holds the file, where the layout names it (backup domains)."""
    head = logical_path.split("/", 1)[0]
    for prefix in _CONTAINER_PREFIXES:
        if head.startswith(prefix):
            return head[len(prefix) :] or None
    return None


def web_view(logical_path: str) -> str | None:
    """SafariViewService when the app showed the pages in an in-app Safari view."""
    return "com.apple.SafariViewService" if f"/{_SAFARI_VIEW}/" in logical_path else None


def parse(db: EvidenceFile) -> Iterator[Record]:
    present = tables(db)
    redirects = (REDIRECTS_TO if "TopFrameUniqueRedirectsTo" in present else "") + (
        REDIRECTS_FROM if "TopFrameUniqueRedirectsFrom" in present else ""
    )
    owner, view = container_app(db.logical_path), web_view(db.logical_path)
    for row in rows(db, SQL.format(redirects=redirects)):
        domain = row["registrableDomain"]
        # sqlite3.Row tests values, not names, with `in`.
        names = set(row.keys())
        related = {k: row[k] for k in ("redirects_to", "redirects_from") if k in names}
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"ObservedDomains.domainID={row['domainID']}",
            time=unix_time(row["lastSeen"]),
            message=f"{owner or 'An app'} loaded web content from {domain}",
            fields=fields_of(
                {
                    "registrable_domain": domain,
                    "app": owner,
                    "web_view": view,
                    "had_user_interaction": _flag(row["hadUserInteraction"]),
                    "most_recent_user_interaction": iso(
                        unix_time(row["mostRecentUserInteractionTime"])
                    ),
                    "is_prevalent": _flag(row["isPrevalent"]),
                    "is_very_prevalent": _flag(row["isVeryPrevalent"]),
                    "grandfathered": _flag(row["grandfathered"]),
                    "data_records_removed": row["dataRecordsRemoved"],
                    "top_frame_redirects_to": _domains(related.get("redirects_to")),
                    "top_frame_redirects_from": _domains(related.get("redirects_from")),
                }
            ),
            observables=Observable.of(domain=domain, app_id=owner),
            time_desc="Domain last seen",
        )


def _domains(value: object) -> list[str] | None:
    return sorted(set(value.split("\n"))) if isinstance(value, str) and value else None


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


ARTIFACT = Artifact(NAME, PATHS, parse)
