"""One normal form per kind, applied alike to indicators and to what evidence shows.

Each function returns None when the text cannot be that kind (an IP that is no IP), so the
loader can count the indicator as unsupported and the matcher can skip the observable.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable

_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_UUID_LENGTH = 36
_HEX = re.compile(r"[0-9a-f]+")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
# Labels of letters, digits, - and _ (seen in real hostnames); the last label is never all
# digits, which keeps dotted IPv4 addresses out.
_DOMAIN_CHARS = re.compile(r"(?:[a-z0-9_-]+\.)*[a-z0-9_-]*[a-z_-][a-z0-9_-]*")


# A device names the same few hosts in thousands of links: each is normalised once.
@functools.lru_cache(maxsize=16384)
def domain(text: str) -> str | None:
    value = text.strip().strip(".").lower()
    value = value.removeprefix("*.")
    if not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return value if _DOMAIN_CHARS.fullmatch(value) else None


def ip(text: str) -> str | None:
    value = text.strip().strip("[]")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def url_and_host(text: str) -> tuple[str, str] | None:
    """scheme://host[:port]/path?query, with case, default port and trailing slash evened out,
    and its host in normal form (no port, no brackets).

    A URL written without a scheme (`evil.com/x` in a message) keeps none: the matcher looks it
    up under http and https both. Parsed by hand rather than with urlsplit: this runs once
    for every link in every message and history row.
    """
    parts = _url_parts(text)
    if parts is None:
        return None
    scheme, host, port_text, tail = parts
    netloc = f"[{host}]" if ":" in host else host
    if port_text and int(port_text) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{int(port_text)}"
    path, _, query = tail.partition("#")[0].partition("?")
    path = path.rstrip("/")
    query = f"?{query}" if query else ""
    link = f"{scheme}://{netloc}{path}{query}" if scheme else f"{netloc}{path}{query}"
    return link, host


def url_host(text: str) -> str | None:
    """The host url_and_host would give, without building the link: with no URL indicator
    loaded, a link is only looked up by its host."""
    parts = _url_parts(text)
    return parts[1] if parts else None


def _url_parts(text: str) -> tuple[str, str, str, str] | None:
    """(lower-case scheme or "", host in normal form, port text, what follows the host)."""
    value = text.strip()
    scheme, sep, rest = value.partition("://")
    if not sep or not scheme.isalpha() or len(scheme) > 16:
        scheme, rest = "", value
    cut = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if 0 <= found < cut:
            cut = found
    authority = rest[:cut].rpartition("@")[2]
    if authority.startswith("["):
        host, _, after = authority[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else ""
    else:
        host, _, port_text = authority.partition(":")
    if port_text and not port_text.isdigit():
        return None
    host = (ip(host) if ":" in host or host[-1:].isdigit() else domain(host)) or ""
    if not host:
        return None
    return scheme.lower(), host, port_text, rest[cut:]


def url(text: str) -> str | None:
    parts = url_and_host(text)
    return parts[0] if parts else None


def email(text: str) -> str | None:
    value = text.strip().lower().removeprefix("mailto:")
    local, at, host = value.partition("@")
    return value if at and local and host and " " not in value else None


def exact(text: str) -> str | None:
    value = text.strip()
    return value or None


def file_path(text: str) -> str | None:
    """An absolute path with /var spelled /private/var and trailing UUID folders dropped.

    iOS 26 appends a per-boot UUID component to some process paths; /var is a link to
    /private/var on iOS, and feeds use both spellings.
    """
    value = text.strip()
    if "//" in value:
        value = re.sub(r"/{2,}", "/", value)
    value = value.rstrip("/")
    if not value:
        return None
    head, _, last = value.rpartition("/")
    while head.count("/") >= 1 and len(last) == _UUID_LENGTH and _UUID.fullmatch(last):
        value = head
        head, _, last = value.rpartition("/")
    if value.startswith("/var/"):
        value = "/private" + value
    return value


def file_name(text: str) -> str | None:
    value = text.strip().rsplit("/", 1)[-1]
    return value or None


def hex_digest(text: str) -> str | None:
    value = text.strip().lower().replace(":", "").replace(" ", "")
    return value if len(value) in (32, 40, 64, 128) and _HEX.fullmatch(value) else None


def profile_id(text: str) -> str | None:
    value = text.strip()
    return value.upper() if _UUID.fullmatch(value) else value or None


NORMALIZERS: dict[str, Callable[[str], str | None]] = {
    "domain": domain,
    "url": url,
    "ip": ip,
    "email": email,
    "process": exact,
    "file_path": file_path,
    "file_name": file_name,
    "file_hash": hex_digest,
    "cert_hash": hex_digest,
    "app_id": exact,
    "android_property": exact,
    "profile_id": profile_id,
}
