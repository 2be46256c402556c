"""The matcher: the one place that decides whether an observable hits an indicator.

Every lookup costs O(length of the observable), whatever the number of indicators: hash
tables keyed by normal forms, walked over a domain's parent suffixes and a path's parent
folders. DESIGN.md's table of matching rules is implemented here and nowhere else.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from spytrace.iocs import normalize
from spytrace.iocs.indicator import Indicator, Origin
from spytrace.model import Observable

# iOS keeps process names to MAXCOMLEN (16) characters in DataUsage/netusage, and some
# tools show 15; a name of exactly that length may be the start of a longer indicator.
TRUNCATED_LENGTHS = (15, 16)
_LOOKUP_CACHE = 1 << 16
_FOLDER_CACHE = 1 << 14
# Values that are nearly all different (one per file of a listing): a cache would only
# cost its upkeep on every lookup.
_UNIQUE_KINDS = frozenset({"file_path", "file_hash"})
_CACHE_FORMAT = "spytrace-index-1"


@dataclass(frozen=True, slots=True)
class Match:
    indicator: Indicator
    # What was compared: the host of a URL, the folder of a path, the value itself.
    matched: str
    # Only a prefix matched, because the OS truncated the observed name.
    weak: bool = False


class IndicatorIndex:
    """Indicators by kind and normal value.

    Stored as columns (raw values, object paths, origins) addressed by a number, and turned
    into Indicator objects only when one matches: a million indicators then cost about a
    tenth of the memory of a million objects, and the tables can be cached with marshal.
    """

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, int | list[int]]] = {}
        self._process_prefixes: dict[str, list[str]] = {}
        self._raw: list[str] = []
        self._path_of: array[int] = array("H")
        self._origin_of: array[int] = array("I")
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._origins: list[Origin] = []
        self._origin_ids: dict[Origin, int] = {}
        self._patterns: dict[int, str] = {}
        self._reset_cache()

    def _reset_cache(self) -> None:
        self._looked_up = False
        self._hittable: dict[str, bool] = {}  # observable kind -> an indicator could hit it
        self._lookup = lru_cache(maxsize=_LOOKUP_CACHE)(self._match_uncached)
        # The files of a listing share their folders: each folder's own matches are found once.
        self._folders = lru_cache(maxsize=_FOLDER_CACHE)(self._folder_matches)
        self._tails: dict[str, tuple[str, ...]] | None = None  # see _relative_tails
        self._url_hosts: frozenset[str] | None = None  # see _hosts_with_urls

    def __len__(self) -> int:
        """Distinct (kind, value) pairs indexed."""
        return sum(len(table) for table in self._tables.values())

    def counts(self) -> dict[str, int]:
        return {kind: len(table) for kind, table in sorted(self._tables.items())}

    def add(
        self,
        kind: str,
        value: str,
        raw: str,
        path: str,
        origin: Origin,
        pattern: str | None = None,
    ) -> bool:
        """Index one indicator; False if that value of that kind was already there."""
        table = self._tables.get(kind)
        if table is None:
            table = self._tables[kind] = {}
        known = table.get(value)
        number = len(self._raw)
        if known is not None:
            numbers = [known] if isinstance(known, int) else known
            if any(self._origins[self._origin_of[n]] == origin for n in numbers):
                return False
        self._raw.append(value if raw == value else raw)
        path_id = self._path_ids.get(path)
        if path_id is None:
            path_id = self._path_ids[path] = len(self._paths)
            self._paths.append(path)
        self._path_of.append(path_id)
        origin_id = self._origin_ids.get(origin)
        if origin_id is None:
            origin_id = self._origin_ids[origin] = len(self._origins)
            self._origins.append(origin)
        self._origin_of.append(origin_id)
        if pattern is not None:
            self._patterns[number] = pattern
        if known is None:
            table[value] = number
            if kind == "process" and len(value) > TRUNCATED_LENGTHS[0]:
                for length in TRUNCATED_LENGTHS:
                    if len(value) > length:
                        self._process_prefixes.setdefault(value[:length], []).append(value)
        elif isinstance(known, int):
            table[value] = [known, number]
        else:
            known.append(number)
        if self._looked_up:
            self._reset_cache()
        return known is None

    def indicator(self, kind: str, value: str, number: int) -> Indicator:
        return Indicator(
            kind=kind,
            value=value,
            raw=self._raw[number],
            path=self._paths[self._path_of[number]],
            origin=self._origins[self._origin_of[number]],
            full_pattern=self._patterns.get(number),
        )

    def match(self, observable: Observable) -> tuple[Match, ...]:
        """Every indicator the observable hits, in the order their feeds were loaded."""
        kind = observable.kind
        hittable = self._hittable.get(kind)
        if hittable is None:
            tables = _TABLES_READ.get(kind, ())
            hittable = self._hittable[kind] = any(table in self._tables for table in tables)
            self._looked_up = True  # an indicator added later must clear this answer too
        if not hittable:
            return ()  # no indicator of a kind this observable could hit: skip normalising
        if kind in _UNIQUE_KINDS:
            return self._match_uncached(kind, observable.value)
        if kind == "url":
            # A link can equal a URL indicator only if it has that indicator's host; any
            # other matches by its host alone, and the few hosts of thousands of different
            # links are each looked up once.
            host = normalize.url_host(observable.value)
            if host is None:
                return ()
            if host not in self._hosts_with_urls():
                return self._lookup("host", host)
        return self._lookup(kind, observable.value)

    def _match_uncached(self, kind: str, value: str) -> tuple[Match, ...]:
        return tuple(_MATCHERS[kind](self, value))

    def to_bytes(self) -> bytes:
        """The index in marshal form, for the compiled-index cache."""
        origins = [(o.feed, o.malware, o.file, o.sha256) for o in self._origins]
        state = (
            _CACHE_FORMAT,
            self._tables,
            self._process_prefixes,
            self._raw,
            self._path_of.tobytes(),
            self._origin_of.tobytes(),
            self._paths,
            origins,
            self._patterns,
        )
        return marshal.dumps(state)

    @classmethod
    def from_bytes(cls, data: bytes) -> IndicatorIndex:
        state = marshal.loads(data)  # noqa: S302 - our own cache file, 0600 in the user's cache
        if not isinstance(state, tuple) or state[0] != _CACHE_FORMAT:
            raise ValueError("cache from another spytrace version")
        index = cls()
        (
            _,
            index._tables,
            index._process_prefixes,
            index._raw,
            path_of,
            origin_of,
            index._paths,
            origins,
            index._patterns,
        ) = state
        index._path_of.frombytes(path_of)
        index._origin_of.frombytes(origin_of)
        index._origins = [Origin(*o) for o in origins]
        index._path_ids = {p: i for i, p in enumerate(index._paths)}
        index._origin_ids = {o: i for i, o in enumerate(index._origins)}
        return index

    def _get(self, kind: str, value: str) -> list[Indicator]:
        table = self._tables.get(kind)
        found = table.get(value) if table else None
        if found is None:
            return []
        numbers = (found,) if isinstance(found, int) else found
        return [self.indicator(kind, value, n) for n in numbers]

    def _domain(self, value: str) -> Iterator[Match]:
        host = normalize.domain(value)
        if host is None:
            yield from self._ip(value)
            return
        yield from self._host(host)

    def _host(self, host: str) -> Iterator[Match]:
        """A host in normal form and every parent domain of it."""
        # evil.com matches a.evil.com but never notevil.com: only whole labels are dropped.
        table = self._tables.get("domain")
        if not table:
            return
        suffix = host
        while True:
            if suffix in table:
                for indicator in self._get("domain", suffix):
                    yield Match(indicator, suffix)
            dot = suffix.find(".")
            if dot < 0:
                return
            suffix = suffix[dot + 1 :]

    def _ip(self, value: str) -> Iterator[Match]:
        address = normalize.ip(value)
        if address is not None:
            for indicator in self._get("ip", address):
                yield Match(indicator, address)

    def _url(self, value: str) -> Iterator[Match]:
        parts = normalize.url_and_host(value)
        if parts is None:
            return
        link, host = parts
        # Feeds and messages both write links without a scheme; such a link stands for the
        # same resource over http and https.
        if "://" not in link:
            candidates: tuple[str, ...] = (link, f"http://{link}", f"https://{link}")
        elif link.startswith(("http://", "https://")):
            candidates = (link, link.split("://", 1)[1])
        else:
            candidates = (link,)
        for candidate in candidates:
            for indicator in self._get("url", candidate):
                yield Match(indicator, candidate)
        # Thousands of different links share a few hosts: each host is looked up once.
        yield from self._lookup("host", host)

    def _address_or_host(self, host: str) -> Iterator[Match]:
        if host[-1:].isdigit() or ":" in host:  # normal forms: an address ends in a digit
            yield from self._ip(host)
        else:
            yield from self._host(host)

    def _email(self, value: str) -> Iterator[Match]:
        address = normalize.email(value)
        if address is not None:
            for indicator in self._get("email", address):
                yield Match(indicator, address)

    def _process(self, value: str) -> Iterator[Match]:
        name = value.strip()
        exact = self._get("process", name)
        for indicator in exact:
            yield Match(indicator, name)
        if not exact and len(name) in TRUNCATED_LENGTHS:
            for full in self._process_prefixes.get(name, ()):
                for indicator in self._get("process", full):
                    yield Match(indicator, name, weak=True)

    def _file_path(self, value: str) -> list[Match]:
        # A list, not a generator: this runs for every file of a listing or a backup.
        path = normalize.file_path(value)
        if path is None:
            return []
        found: list[Match] = []
        folder, _, name = path.rpartition("/")
        table = self._tables.get("file_path")
        if table:
            # A path matches an indicator path it equals or lies under, at a / boundary.
            if path in table:
                found.extend(Match(i, path) for i in self._get("file_path", path))
            if folder:
                found.extend(self._folders(folder))
            # Some feeds publish paths relative to a home or container folder
            # ("Library/Preferences/x.plist"): they match the end of a path at a / boundary
            # (never the whole of it), longest first. Only those ending in this file's name
            # can: they are looked up by it rather than trying every tail of the path.
            for tail in self._relative_tails().get(name, ()):
                start = len(path) - len(tail)
                if start >= 2 and path[start - 1] == "/" and path.endswith(tail):
                    found.extend(Match(i, tail) for i in self._get("file_path", tail))
        names = self._tables.get("file_name")
        if names:
            # The name file_name() gives: the last component, spaces at its end dropped.
            leaf = normalize.file_name(path) if path[-1:].isspace() else name
            if leaf and leaf in names:
                found.extend(Match(i, leaf) for i in self._get("file_name", leaf))
        return found

    def _folder_matches(self, folder: str) -> tuple[Match, ...]:
        """Matches of a folder and of every folder above it."""
        table = self._tables.get("file_path") or {}
        found: list[Match] = []
        while folder:
            if folder in table:
                found.extend(Match(i, folder) for i in self._get("file_path", folder))
            folder = folder.rpartition("/")[0]
        return tuple(found)

    def _hosts_with_urls(self) -> frozenset[str]:
        """The hosts of the URL indicators (an indicator's link is already in normal form)."""
        if self._url_hosts is None:
            hosts = (normalize.url_host(link) for link in self._tables.get("url", {}))
            self._url_hosts = frozenset(h for h in hosts if h is not None)
        return self._url_hosts

    def _relative_tails(self) -> dict[str, tuple[str, ...]]:
        """The relative file_path indicators by their last component, longest first."""
        if self._tails is None:
            tails: dict[str, list[str]] = {}
            for value in self._tables.get("file_path", {}):
                if not value.startswith("/"):
                    tails.setdefault(value.rpartition("/")[2], []).append(value)
            self._tails = {
                name: tuple(sorted(values, key=len, reverse=True)) for name, values in tails.items()
            }
        return self._tails

    def _file_name(self, value: str) -> Iterator[Match]:
        name = normalize.file_name(value)
        if name is not None:
            for indicator in self._get("file_name", name):
                yield Match(indicator, name)

    def _simple(self, kind: str, value: str) -> Iterator[Match]:
        normal = normalize.NORMALIZERS[kind](value)
        if normal is not None:
            for indicator in self._get(kind, normal):
                yield Match(indicator, normal)


# The indicator tables a lookup of each observable kind reads.
_TABLES_READ: dict[str, tuple[str, ...]] = {
    "domain": ("domain", "ip"),
    "url": ("url", "domain", "ip"),
    "ip": ("ip",),
    "email": ("email",),
    "process": ("process",),
    "file_path": ("file_path", "file_name"),
    "file_name": ("file_name",),
    "file_hash": ("file_hash",),
    "cert_hash": ("cert_hash",),
    "app_id": ("app_id",),
    "android_property": ("android_property",),
    "profile_id": ("profile_id",),
}


def _exact_kind(kind: str) -> Callable[[IndicatorIndex, str], Iterator[Match]]:
    def matcher(index: IndicatorIndex, value: str) -> Iterator[Match]:
        return index._simple(kind, value)

    return matcher


_MATCHERS: dict[str, Callable[[IndicatorIndex, str], Iterable[Match]]] = {
    "domain": IndicatorIndex._domain,
    "url": IndicatorIndex._url,
    "host": IndicatorIndex._address_or_host,  # a link's host in normal form (see match)
    "ip": IndicatorIndex._ip,
    "email": IndicatorIndex._email,
    "process": IndicatorIndex._process,
    "file_path": IndicatorIndex._file_path,
    "file_name": IndicatorIndex._file_name,
    **{
        kind: _exact_kind(kind)
        for kind in ("file_hash", "cert_hash", "app_id", "android_property", "profile_id")
    },
}
