"""Loading indicator files and folders into one index, file by file, never all-or-nothing."""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spytrace.errors import FeedError
from spytrace.iocs import cache, echap, lists, stix
from spytrace.iocs.index import IndicatorIndex
from spytrace.iocs.indicator import Origin, key_of, kind_of_path, simple_pattern
from spytrace.iocs.raw import FeedContent, Unsupported
from spytrace.sources.base import sha256_file

# Files of these endings are worth a look when walking a folder; others (README.md,
# LICENSE) are passed over in silence.
_CANDIDATES = {".stix2", ".stix", ".json", ".txt", ".csv", ".yaml", ".yml"}
# A STIX bundle takes about 700 bytes an indicator: 2 GiB holds some three million.
MAX_FEED_BYTES = 2 << 30


@dataclass(frozen=True, slots=True)
class FeedFile:
    """What one indicator file gave: the numbers `iocs list` shows and findings.json keeps."""

    file: str
    feed: str
    format: str
    sha256: str
    count: int  # distinct (kind, value) pairs loaded from this file
    duplicates: int
    unsupported: tuple[Unsupported, ...]
    kinds: Mapping[str, int] = field(default_factory=dict)
    modified: datetime | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeedSet:
    files: tuple[FeedFile, ...]
    skipped: tuple[Skipped, ...]
    index: IndicatorIndex

    @property
    def problems(self) -> list[str]:
        """One line per file that could not be used at all."""
        return [f"{f.file}: {f.error}" for f in self.files if f.error]

    @property
    def usable(self) -> bool:
        return len(self.index) > 0


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """Indicator files under the given files and folders (recursively), in a stable order,
    each with the name it goes by: its path from the folder given, or `folder/file`."""
    found: list[tuple[Path, str]] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                hidden = any(p.startswith(".") for p in relative.parts)
                if child.is_file() and not hidden and child.suffix.lower() in _CANDIDATES:
                    found.append((child, f"{path.resolve().name}/{relative.as_posix()}"))
        elif path.is_file():
            found.append((path, f"{path.resolve().parent.name}/{path.name}"))
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    # STIX first within a folder, so lists beside it can borrow its malware name.
    found.sort(key=lambda f: (str(f[0].parent), not _is_stix_name(f[0]), f[0].name))
    return found, skipped


def _is_stix_name(path: Path) -> bool:
    return path.suffix.lower() in (".stix2", ".stix", ".json")


def load_feeds(
    paths: Sequence[Path],
    feed_names: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> FeedSet:
    """Every indicator file under `paths` in one index. With `cache_dir`, a compiled index
    keyed by the files' hashes is reused when nothing changed."""
    files, skipped = discover(paths)
    files = [(p, (feed_names or {}).get(str(p.resolve()), name)) for p, name in files]
    key = None
    if cache_dir is not None:
        key = cache.cache_key([(str(p), name, _sha256_or_empty(p)) for p, name in files])
        hit = cache.read(cache_dir, key)
        if hit is not None:
            rows, cached_skipped, index = hit
            return FeedSet(
                tuple(_from_row(r) for r in rows),
                tuple(skipped) + tuple(Skipped(*s) for s in cached_skipped),
                index,
            )
    # Millions of small objects and no cycles: the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        loaded = _load_all(files)
    finally:
        if collecting:
            gc.enable()
    if cache_dir is not None and key is not None:
        own_skipped = [(s.file, s.reason) for s in loaded.skipped]
        cache.write(cache_dir, key, [_to_row(f) for f in loaded.files], own_skipped, loaded.index)
    return FeedSet(loaded.files, tuple(skipped) + loaded.skipped, loaded.index)


def _load_all(files: list[tuple[Path, str]]) -> FeedSet:
    index = IndicatorIndex()
    loaded: list[FeedFile] = []
    skipped: list[Skipped] = []
    folder_malware: dict[Path, str] = {}
    for path, feed in files:
        result = _load_file(path, feed, index, folder_malware)
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            loaded.append(result)
    return FeedSet(tuple(loaded), tuple(skipped), index)


def _load_file(
    path: Path, feed: str, index: IndicatorIndex, folder_malware: dict[Path, str]
) -> FeedFile | Skipped:
    try:
        stat = path.stat()
        if stat.st_size > MAX_FEED_BYTES:
            raise FeedError(f"{stat.st_size} bytes is larger than any indicator feed")
        data = path.read_bytes()
    except (OSError, FeedError) as exc:
        return _failed(path, feed, "", f"cannot read ({exc})")
    sha256 = hashlib.sha256(data).hexdigest()
    modified = datetime.fromtimestamp(stat.st_mtime, UTC)
    default_malware = folder_malware.get(path.parent, path.parent.name or path.stem)
    try:
        parsed = read_feed_file(path, data, default_malware)
    except FeedError as exc:
        return _failed(path, feed, sha256, str(exc).removeprefix(f"{path}: "))
    if isinstance(parsed, Skipped):
        return parsed
    fmt, content = parsed
    if fmt == "stix2":
        names = {i.malware for i in content.indicators}
        if len(names) == 1:
            folder_malware.setdefault(path.parent, names.pop())
    return _index_file(path, feed, fmt, sha256, modified, content, index)


def read_feed_file(path: Path, data: bytes, malware: str) -> tuple[str, FeedContent] | Skipped:
    """One indicator file's format and content, or why it is no indicator file."""
    name = str(path)
    suffix = path.suffix.lower()
    if _is_stix_name(path) and (suffix != ".json" or stix.looks_like_stix(data)):
        return "stix2", stix.read_stix(name, data, malware)
    if suffix in (".yaml", ".yml"):
        document = echap.load_yaml(name, data)
        if echap.looks_like_echap(document):
            return "echap", echap.read_echap(document)
        if isinstance(document, dict) and "indicators" in document:
            return Skipped(name, "an index of feeds, not indicators (see `spytrace iocs update`)")
        return Skipped(name, "YAML in no known indicator format")
    if suffix == ".csv" and echap.is_samples_csv(data):
        return "echap-samples", echap.read_samples(name, data)
    kind = lists.list_kind(path)
    if kind is not None:
        return "list", lists.read_list(name, data, kind, malware)
    if not data.strip():
        return Skipped(name, "empty file")
    return Skipped(name, "the file name does not say which kind of indicator it lists")


def _index_file(
    path: Path,
    feed: str,
    fmt: str,
    sha256: str,
    modified: datetime,
    content: FeedContent,
    index: IndicatorIndex,
) -> FeedFile:
    origins: dict[str, Origin] = {}
    kinds_of_paths: dict[str, str | None] = {}
    seen: set[tuple[str, str]] = set()
    kinds: Counter[str] = Counter()
    unsupported = list(content.unsupported)
    duplicates = 0
    for raw in content.indicators:
        path_kind = kinds_of_paths.get(raw.path, "")
        if path_kind == "":
            path_kind = kinds_of_paths[raw.path] = kind_of_path(raw.path)
        if path_kind is None:
            reason = f"object path {raw.path} is not one spytrace can match"
            unsupported.append(Unsupported(raw.pattern or raw.raw, reason))
            continue
        key = key_of(path_kind, raw.raw)
        if key is None:
            unsupported.append(
                Unsupported(raw.pattern or raw.raw, f"not a valid {path_kind} value")
            )
            continue
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        origin = origins.get(raw.malware)
        if origin is None:
            origin = origins[raw.malware] = Origin(feed, raw.malware, str(path), sha256)
        pattern = raw.pattern
        if pattern is not None and pattern == simple_pattern(raw.path, raw.raw):
            pattern = None
        index.add(key[0], key[1], raw.raw, raw.path, origin, pattern)
    for kind, _ in seen:
        kinds[kind] += 1
    error = None if seen or unsupported else "no indicators in the file"
    return FeedFile(
        file=str(path),
        feed=feed,
        format=fmt,
        sha256=sha256,
        count=len(seen),
        duplicates=duplicates,
        unsupported=tuple(unsupported),
        kinds=dict(sorted(kinds.items())),
        modified=modified,
        error=error,
    )


def _failed(path: Path, feed: str, sha256: str, reason: str) -> FeedFile:
    return FeedFile(str(path), feed, "unknown", sha256, 0, 0, (), {}, None, reason)


def _sha256_or_empty(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError:
        return ""


def _to_row(f: FeedFile) -> cache.FileRow:
    return (
        f.file,
        f.feed,
        f.format,
        f.sha256,
        f.count,
        f.duplicates,
        cache.unsupported_rows(f.unsupported),
        dict(f.kinds),
        cache.timestamp(f.modified),
        f.error,
    )


def _from_row(row: cache.FileRow) -> FeedFile:
    file, feed, fmt, sha256, count, duplicates, unsupported, kinds, modified, error = row
    return FeedFile(
        file,
        feed,
        fmt,
        sha256,
        count,
        duplicates,
        tuple(Unsupported(*u) for u in unsupported),
        kinds,
        cache.moment(modified),
        error,
    )
