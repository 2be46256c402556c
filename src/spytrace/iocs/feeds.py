"""Feeds spytrace keeps for the user: where they live, and `iocs update` that refreshes them.

The list of feeds is the community index MVT's project keeps (`indicators.yaml`): each entry
names a GitHub repository, branch and path. Downloads go to the user data folder with their
URL, time and SHA-256 beside them; a download that fails keeps the copy already there.
Nothing here runs unless the user asks for an update: scans are offline.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from spytrace import __version__
from spytrace.errors import UserError
from spytrace.model import iso
from spytrace.outputs.files import write_private
from spytrace.outputs.jsonenc import dumps_pretty, loads

DEFAULT_INDEX_URL = (
    "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml"
)
DEFAULT_RAW_BASE = "https://raw.githubusercontent.com"
PROVENANCE = ".spytrace-feeds.json"
MAX_DOWNLOAD_BYTES = 256 << 20
TIMEOUT_SECONDS = 30


def data_dir() -> Path:
    return Path(os.environ.get("SPYTRACE_DATA_DIR") or platformdirs.user_data_dir("spytrace"))


def cache_dir() -> Path:
    return Path(os.environ.get("SPYTRACE_CACHE_DIR") or platformdirs.user_cache_dir("spytrace"))


def feeds_dir() -> Path:
    return data_dir() / "feeds"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str
    url: str
    relative: str  # where the file goes under feeds_dir()
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateResult:
    spec: FeedSpec
    ok: bool
    detail: str  # sha256 when ok, else why it failed (and whether an older copy is kept)


def read_index(data: bytes, raw_base: str = DEFAULT_RAW_BASE) -> list[FeedSpec]:
    """Feeds named in an `indicators.yaml`; entries of unknown shape are passed over."""
    import yaml  # only for the feed list: a scan with a compiled index never reads YAML

    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise UserError(f"feed index: not valid YAML ({str(exc).splitlines()[0]})") from exc
    entries = document.get("indicators") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise UserError("feed index: no `indicators` list")
    specs: list[FeedSpec] = []
    for entry in entries:
        spec = _spec(entry, raw_base.rstrip("/"))
        if spec is not None:
            specs.append(spec)
    return specs


def _spec(entry: Any, raw_base: str) -> FeedSpec | None:
    if not isinstance(entry, dict):
        return None
    name = str(entry.get("name") or "unnamed feed")
    references = tuple(str(r) for r in entry.get("references") or [])
    github = entry.get("github")
    if entry.get("type") == "github" and isinstance(github, dict):
        parts = [str(github.get(k) or "") for k in ("owner", "repo", "branch", "path")]
        if not all(parts) or any(".." in p.split("/") for p in parts):
            return None
        owner, repo, branch, path = parts
        url = f"{raw_base}/{owner}/{repo}/{branch}/{path}"
        return FeedSpec(name, url, f"{owner}/{repo}/{path}", references)
    link = entry.get("download_url") or entry.get("url")
    if isinstance(link, str) and urllib.parse.urlsplit(link).scheme in ("http", "https"):
        host = urllib.parse.urlsplit(link).hostname or "feed"
        file_name = Path(urllib.parse.urlsplit(link).path).name or "feed.stix2"
        return FeedSpec(name, link, f"{host}/{file_name}", references)
    return None


Fetch = Callable[[str], bytes]


def fetch(url: str) -> bytes:
    """GET with a timeout and a size cap; only http(s)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url}")
    # Imported here, only to download: a scan stays offline and skips loading HTTP and TLS.
    from urllib.request import Request, urlopen

    request = Request(url, headers={"User-Agent": f"spytrace/{__version__}"})  # noqa: S310
    with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        data: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ValueError(f"larger than {MAX_DOWNLOAD_BYTES} bytes")
    return data


def update(
    index_url: str = DEFAULT_INDEX_URL,
    raw_base: str = DEFAULT_RAW_BASE,
    target: Path | None = None,
    get: Fetch = fetch,
) -> list[UpdateResult]:
    target = target or feeds_dir()
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        index_data = Path(index_url).read_bytes() if Path(index_url).is_file() else get(index_url)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        raise UserError(f"feed index {index_url}: cannot download ({_reason(exc)})") from exc
    provenance = read_provenance(target)
    results = []
    for spec in read_index(index_data, raw_base):
        results.append(_update_one(spec, target, provenance, get))
    write_private(target / PROVENANCE, dumps_pretty(provenance))
    return results


def _update_one(
    spec: FeedSpec, target: Path, provenance: dict[str, Any], get: Fetch
) -> UpdateResult:
    destination = target / spec.relative
    kept = " (the previous copy is kept)" if destination.exists() else ""
    try:
        data = get(spec.url)
        if not data.strip():
            raise ValueError("empty response")
    except (OSError, ValueError, urllib.error.URLError) as exc:
        return UpdateResult(spec, False, f"{_reason(exc)}{kept}")
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = destination.with_name(destination.name + ".part")
    write_private(temporary, data)
    temporary.replace(destination)
    sha256 = hashlib.sha256(data).hexdigest()
    provenance[spec.relative] = {
        "name": spec.name,
        "url": spec.url,
        "downloaded_at": iso(datetime.now(UTC).replace(microsecond=0)),
        "sha256": sha256,
        "references": list(spec.references),
    }
    return UpdateResult(spec, True, sha256)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def read_provenance(target: Path | None = None) -> dict[str, Any]:
    path = (target or feeds_dir()) / PROVENANCE
    try:
        data = loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def installed_feed_names(target: Path | None = None) -> dict[str, str]:
    """Absolute file path -> feed name, for files `iocs update` fetched."""
    target = target or feeds_dir()
    return {
        str((target / relative).resolve()): str(entry.get("name") or relative)
        for relative, entry in read_provenance(target).items()
        if isinstance(entry, dict)
    }
