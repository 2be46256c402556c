"""What a feed reader hands the loader: indicator values as published, and what it skipped."""

from __future__ import annotations

from typing import NamedTuple


class RawIndicator(NamedTuple):
    # A tuple rather than a dataclass: feeds hold up to millions and this is the loading path.
    path: str  # STIX object path, e.g. domain-name:value
    raw: str  # the value as published
    malware: str
    pattern: str | None = None  # the feed's pattern text, where there is one


class Unsupported(NamedTuple):
    pattern: str
    reason: str


class FeedContent(NamedTuple):
    indicators: list[RawIndicator]
    unsupported: list[Unsupported]
