"""Chrome for iOS History: each page visit, with the visit it came from (a redirect or a link)."""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios.paths import app
from spytrace.artifacts.sqlite import columns, rows
from spytrace.artifacts.times import webkit_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "chrome_history"
# Chrome keeps one folder per profile (Default first) under Application Support (MVT).
PATHS = app("com.google.chrome.ios", "Library/Application Support/Google/Chrome/*/History")

# Schema: Chromium components/history/core/browser (url_database.cc, visit_database.cc).
# visit_time is microseconds since 1601; from_visit is 0 when there is none.
SQL = """
SELECT v.id, v.visit_time, v.from_visit, v.transition, v.visit_duration{optional},
       v.url AS url_id, u.url, u.title, u.visit_count, u.typed_count, fu.url AS from_url
FROM visits v
LEFT JOIN urls u ON u.id = v.url
LEFT JOIN visits f ON f.id = v.from_visit
LEFT JOIN urls fu ON fu.id = f.url
ORDER BY v.id
"""
# Only newer Chromium writes it; older files lack it, which loses nothing.
OPTIONAL_COLUMNS = ("external_referrer_url",)

# ui/base/page_transition_types.h: the core type in the low byte, qualifier bits above.
CORE_TYPES = (
    "link",
    "typed",
    "auto_bookmark",
    "auto_subframe",
    "manual_subframe",
    "generated",
    "auto_toplevel",
    "form_submit",
    "reload",
    "keyword",
    "keyword_generated",
)
QUALIFIERS = (
    (0x00800000, "blocked"),
    (0x01000000, "forward_back"),
    (0x02000000, "from_address_bar"),
    (0x04000000, "home_page"),
    (0x08000000, "from_api"),
    (0x10000000, "chain_start"),
    (0x20000000, "chain_end"),
    (0x40000000, "client_redirect"),
    (0x80000000, "server_redirect"),
)
REDIRECT_MASK = 0xC0000000


def parse(db: EvidenceFile) -> Iterator[Record]:
    present = columns(db, "visits")
    optional = [c for c in OPTIONAL_COLUMNS if c in present]
    sql = SQL.format(optional="".join(f", v.{c}" for c in optional))
    for row in rows(db, sql):
        url, from_url = row["url"], row["from_url"]
        # Older Chromium wrote the transition as a signed 32-bit number.
        transition = row["transition"] & 0xFFFFFFFF if isinstance(row["transition"], int) else 0
        redirect = bool(transition & REDIRECT_MASK)
        referrer = row["external_referrer_url"] if "external_referrer_url" in optional else None
        yield Record(
            artifact=NAME,
            source=db.logical_path,
            locator=f"visits.id={row['id']}",
            time=webkit_time(row["visit_time"]),
            message=_message(url, row["url_id"], from_url, redirect),
            fields=fields_of(
                {
                    "url": url,
                    "title": row["title"] or None,
                    "visit_count": row["visit_count"],
                    "typed_count": row["typed_count"],
                    "transition": _core(transition),
                    "transition_qualifiers": [n for bit, n in QUALIFIERS if transition & bit]
                    or None,
                    "from_visit": row["from_visit"] or None,
                    "from_url": from_url,
                    "redirect": redirect,
                    "visit_duration_us": row["visit_duration"] or None,
                    "external_referrer_url": referrer or None,
                }
            ),
            observables=Observable.of(url=[url, from_url, referrer]),
            time_desc="Page visited",
        )


def _core(transition: int) -> str:
    core = transition & 0xFF
    return CORE_TYPES[core] if core < len(CORE_TYPES) else f"unknown ({core})"


def _message(url: str | None, url_id: object, from_url: str | None, redirect: bool) -> str:
    text = f"Visited {url}" if url else f"Visited a page whose urls row {url_id} is gone"
    if from_url:
        text += f" ({'redirected' if redirect else 'came'} from {from_url})"
    return text


ARTIFACT = Artifact(NAME, PATHS, parse)
