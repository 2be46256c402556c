"""An indicator: a normalised value of one observable kind, and where it was published."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spytrace.iocs import normalize

# STIX object paths as feeds write them, mapped to the observable kind they match.
_PATHS = {
    "domain-name:value": "domain",
    "url:value": "url",
    "ipv4-addr:value": "ip",
    "ipv6-addr:value": "ip",
    "email-addr:value": "email",
    "email-message:from_ref.value": "email",
    "email-message:sender_ref.value": "email",
    "user-account:account_login": "email",
    "process:name": "process",
    "process:binary_ref.name": "process",
    "file:path": "file_path",
    "file:parent_directory_ref.path": "file_path",
    "directory:path": "file_path",
    "file:name": "file_name",
    "app:id": "app_id",
    "android-property:name": "android_property",
    "configuration-profile:id": "profile_id",
}
# Hash algorithms under any spelling feeds use: sha256, 'SHA-256', SHA256, sha-256 ...
_HASH_PATH = re.compile(r"(file|artifact):hashes\.(?:md5|sha-?1|sha-?256|sha-?512)", re.IGNORECASE)
_CERT_PATH = re.compile(
    r"(app:cert\.[a-z0-9_-]+|x509-certificate:hashes\.[a-z0-9_-]+)", re.IGNORECASE
)

# The STIX object path to show for an indicator that came from a plain list.
STIX_PATH_OF_KIND = {
    "domain": "domain-name:value",
    "url": "url:value",
    "ip": "ipv4-addr:value",
    "email": "email-addr:value",
    "process": "process:name",
    "file_path": "file:path",
    "file_name": "file:name",
    "file_hash": "file:hashes.sha256",
    "cert_hash": "app:cert.sha256",
    "app_id": "app:id",
    "android_property": "android-property:name",
    "profile_id": "configuration-profile:id",
}


def kind_of_path(path: str) -> str | None:
    """The observable kind a STIX object path matches, or None if spytrace cannot match it."""
    if kind := _PATHS.get(path):
        return kind
    if _HASH_PATH.fullmatch(path):
        return "file_hash"
    if _CERT_PATH.fullmatch(path):
        return "cert_hash"
    return None


def key_of(kind: str, raw: str) -> tuple[str, str] | None:
    """(kind, normalised value) for an indicator value, or None if it is not a usable value.

    A `domain-name` holding a path (`evil.xyz/x`, as in a real feed) is a URL without scheme,
    and one holding an address is an IP: they are indexed as what they are.
    """
    if kind == "domain" and raw[-1:].isdigit() and (address := normalize.ip(raw)) is not None:
        return "ip", address
    value = normalize.NORMALIZERS[kind](raw)
    if value is not None:
        return kind, value
    if kind == "domain":
        if (address := normalize.ip(raw)) is not None:
            return "ip", address
        if "/" in raw and (link := normalize.url(raw)) is not None:
            return "url", link
    return None


@dataclass(frozen=True, slots=True)
class Origin:
    """Shared by all indicators of one malware in one feed file (few objects, many indicators)."""

    feed: str
    malware: str
    file: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Indicator:
    kind: str
    value: str  # normalised
    raw: str  # as the feed wrote it
    path: str  # the STIX object path it came from (or the one matching its kind)
    origin: Origin
    # The feed's pattern text, kept only where it differs from simple_pattern(path, raw):
    # a million indicators should not cost a million copies of what can be rebuilt.
    full_pattern: str | None = None

    @property
    def pattern(self) -> str:
        return (
            self.full_pattern
            if self.full_pattern is not None
            else simple_pattern(self.path, self.raw)
        )


def simple_pattern(path: str, raw: str) -> str:
    """The pattern text feeds write for one comparison: `[domain-name:value='x']`."""
    escaped = raw.replace("\\", "\\\\").replace("'", "\\'")
    return f"[{path}='{escaped}']"
