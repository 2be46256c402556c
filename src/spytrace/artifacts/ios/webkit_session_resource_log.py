"""WebKit full_browsing_session_resourceLog.plist: the property-list form of the tracking
prevention statistics that later WebKit keeps in observations.db.

Each entry names a site a web view loaded, with the sites it redirected to or from and the
sites loaded under it as frames or subresources.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from spytrace.artifacts.ios.paths import home
from spytrace.artifacts.ios.webkit_resource_load_statistics import container_app, web_view
from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "webkit_session_resource_log"
_LOG = "full_browsing_session_resourceLog.plist"
_STORE = "Library/WebKit/WebsiteData/ResourceLoadStatistics"
_CONTAINERS = "private/var/mobile/Containers/Data/Application/*"
# Paths as MVT's WebkitSessionResourceLog reads them, in both layouts.
PATHS = (
    f"AppDomain-*/{_STORE}/{_LOG}",
    *home(f"{_STORE}/{_LOG}"),
    f"{_CONTAINERS}/{_STORE}/{_LOG}",
    f"{_CONTAINERS}/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/{_LOG}",
    *home(f"Library/WebClips/*/Storage/{_LOG}"),
)

# Keys from WebCore ResourceLoadStatistics::encode. Older WebKit named the entry's site
# PrevalentResourceOrigin and wrote sets as {"origin", "count"} under *Origins keys; newer
# WebKit writes PrevalentResourceDomain and {"domain"} under *Domains keys.
SITE_KEYS = ("PrevalentResourceDomain", "PrevalentResourceOrigin")
RELATED = {
    "top_frame_redirects_to": ("topFrameUniqueRedirectsTo",),
    "top_frame_redirects_from": ("topFrameUniqueRedirectsFrom",),
    "top_frame_link_decorations_from": ("topFrameLinkDecorationsFrom",),
    "top_frame_loaded_third_party_scripts": ("topFrameLoadedThirdPartyScripts",),
    "subframe_under_top_frame": ("subframeUnderTopFrameDomains", "subframeUnderTopFrameOrigins"),
    "subresource_under_top_frame": (
        "subresourceUnderTopFrameDomains",
        "subresourceUnderTopFrameOrigins",
    ),
    "subresource_redirects_to": ("subresourceUniqueRedirectsTo",),
    "subresource_redirects_from": ("subresourceUniqueRedirectsFrom",),
    "storage_access_under_top_frame": (
        "storageAccessUnderTopFrameDomains",
        "storageAccessUnderTopFrameOrigins",
    ),
}


def parse(file: EvidenceFile) -> Iterator[Record]:
    document = load_plist(file)
    entries = document.get("browsingStatistics") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        file.notes.append("no browsingStatistics list")
        return
    owner, view = container_app(file.logical_path), web_view(file.logical_path)
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            file.notes.append(f"browsingStatistics[{index}] is not a dictionary")
            continue
        site = next((entry[k] for k in SITE_KEYS if isinstance(entry.get(k), str)), None)
        related = {name: _sites(entry, keys) for name, keys in RELATED.items()}
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"browsingStatistics[{index}]",
            time=unix_time(entry.get("lastSeen")),
            message=f"{owner or 'An app'} loaded web content from {site}" + _redirect_text(related),
            fields=fields_of(
                {
                    "registrable_domain": site,
                    "app": owner,
                    "web_view": view,
                    "had_user_interaction": _flag(entry.get("hadUserInteraction")),
                    "most_recent_user_interaction": iso(
                        unix_time(entry.get("mostRecentUserInteraction"))
                    ),
                    "is_prevalent": _flag(entry.get("isPrevalentResource")),
                    **{name: sites or None for name, sites in related.items()},
                }
            ),
            observables=Observable.of(
                domain=[site, *(s for sites in related.values() for s in sites)], app_id=owner
            ),
            time_desc="Domain last seen",
        )


def _sites(entry: Mapping[str, object], keys: tuple[str, ...]) -> list[str]:
    """The domains of one relation, from either encoding, each once, in file order."""
    found: dict[str, None] = {}
    for key in keys:
        items = entry.get(key)
        for item in items if isinstance(items, list) else ():
            value = item.get("domain", item.get("origin")) if isinstance(item, dict) else item
            if isinstance(value, str) and value:
                found.setdefault(value, None)
    return list(found)


def _redirect_text(related: Mapping[str, list[str]]) -> str:
    text = ""
    if came_from := related["top_frame_redirects_from"]:
        text += f" (redirected from {', '.join(came_from)})"
    if went_to := related["top_frame_redirects_to"]:
        text += f", redirected to {', '.join(went_to)}"
    return text


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


ARTIFACT = Artifact(NAME, PATHS, parse)
