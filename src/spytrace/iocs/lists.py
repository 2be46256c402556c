"""Plain indicator lists: one value a line, the kind told by the file name (`domains.txt`).

Amnesty and mvt-indicators publish these beside their STIX files: `domains.txt`,
`v4_domains.txt`, `ip-addresses.txt`, `sha256.txt`, `sha256.csv` (value, description) ...
Lines starting with `#` are comments.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from spytrace.errors import FeedError
from spytrace.iocs.indicator import STIX_PATH_OF_KIND
from spytrace.iocs.raw import FeedContent, RawIndicator, Unsupported

# File-name endings (after any prefix such as `v4_`) and the kind their lines hold.
_KINDS = (
    ("package_cert_hashes", "cert_hash"),
    ("cert_hashes", "cert_hash"),
    ("certificates", "cert_hash"),
    ("package_names", "app_id"),
    ("packages", "app_id"),
    ("android_properties", "android_property"),
    ("config_profiles", "profile_id"),
    ("configuration_profiles", "profile_id"),
    ("file_paths", "file_path"),
    ("file_names", "file_name"),
    ("files", "file_name"),
    ("processes", "process"),
    ("domains", "domain"),
    ("urls", "url"),
    ("emails", "email"),
    ("ip-addresses", "ip"),
    ("ip_addresses", "ip"),
    ("ips", "ip"),
    ("sha256", "file_hash"),
    ("sha1", "file_hash"),
    ("md5", "file_hash"),
    ("hashes", "file_hash"),
)
_STEM_END = re.compile(r"(?:^|[_-])(" + "|".join(re.escape(e) for e, _ in _KINDS) + r")\Z")
_KIND_OF_ENDING = dict(_KINDS)


def list_kind(path: Path) -> str | None:
    """The kind a list file holds, from its name; None if the name says nothing known."""
    if path.suffix.lower() not in (".txt", ".csv"):
        return None
    match = _STEM_END.search(path.stem.lower())
    return _KIND_OF_ENDING[match.group(1)] if match else None


def read_list(name: str, data: bytes, kind: str, malware: str) -> FeedContent:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError(f"{name}: not UTF-8 text ({exc})") from exc
    stix_path = STIX_PATH_OF_KIND[kind]
    found: list[RawIndicator] = []
    unsupported: list[Unsupported] = []
    for value in _values(name, text):
        if any(c.isspace() for c in value) and kind not in ("file_path", "file_name"):
            unsupported.append(Unsupported(value, "a value with spaces is not a single indicator"))
            continue
        found.append(RawIndicator(stix_path, value, malware))
    return FeedContent(found, unsupported)


def _values(name: str, text: str) -> list[str]:
    if name.lower().endswith(".csv"):
        rows = list(csv.reader(io.StringIO(text)))
        if rows and rows[0] and not _looks_like_value(rows[0][0]):
            rows = rows[1:]  # header such as "sha256,Description"
        return [row[0].strip() for row in rows if row and row[0].strip()]
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _looks_like_value(cell: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{32,128}", cell.strip()))
