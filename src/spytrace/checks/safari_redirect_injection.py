"""A plain-http Safari visit redirected to another domain in under a second: network injection.

Pegasus was delivered by network injection: a visit to any http:// site was answered by the
network with a redirect to an exploit domain, within milliseconds (Amnesty International,
"Forensic Methodology Report: How to catch NSO Group's Pegasus", 2021). Safari's History.db
keeps both visits, linked by redirect_source/redirect_destination. MVT's SafariHistory module
flags an http visit redirected to a different domain in less than a second (medium); this
check does the same. Domains compare as MVT does (lower-cased, a leading "www." dropped) but
by host only, so an https upgrade on another port of the same host is not counted. Medium, as
in MVT: fast cross-domain redirects also come from trackers and login flows; the destination
is what a person (or an indicator) has to judge.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from spytrace.model import Check, Finding, Observable, Record, Severity

LIMIT = timedelta(seconds=1)


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        url = record.fields.get("url")
        destination = record.fields.get("redirect_destination_url")
        if not isinstance(url, str) or not url.lower().startswith("http://"):
            continue
        if not isinstance(destination, str) or record.time is None:
            continue
        landed = _moment(record.fields.get("redirect_destination_time"))
        if landed is None:
            continue
        elapsed = landed - record.time
        if not timedelta(0) <= elapsed < LIMIT:
            continue
        origin_host, destination_host = _host(url), _host(destination)
        if origin_host == destination_host:
            continue
        milliseconds = elapsed / timedelta(milliseconds=1)
        yield Finding.heuristic(
            record,
            Severity.MEDIUM,
            f"Safari's http visit to {url} was redirected to {destination} "
            f"({destination_host or 'another domain'}) {milliseconds:.0f} ms later: a cross-domain "
            "redirect this fast is how network injection looks",
            observable=Observable("url", destination),
        )


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    return None


CHECK = Check("safari_redirect_injection", reads=("safari_history",), run=check)
