"""Links in free text (messages, notes, titles), as a person would see them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from spytrace.model import Observable

# A scheme'd URL, or a bare host with a dot and a letter-only TLD followed by a path or the end
# of the word ("www.example.com", "evil.example/abc"). Bare hosts need a known-looking shape so
# "e.g." and version numbers are not taken for links. Both begin with a run of word characters
# and hyphens ending in "." or ":": the lookahead turns every other word away in one step.
_URL = re.compile(
    r"""(?ix)
    \b(?=[\w-]*+[.:])(?:
        (?:https?|ftp|itms-services|sms|tel|file)://[^\s<>"'\x00-\x1f]+
      | (?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}
        (?::\d{2,5})?(?:/[^\s<>"'\x00-\x1f]*)?
    )
    """
)
_TRAILING = ".,;:!?)]}'\""
# Common file extensions that look like TLDs in text ("photo.jpg", "report.pdf").
_NOT_TLDS = frozenset(
    [
        "jpg",
        "jpeg",
        "png",
        "gif",
        "heic",
        "mov",
        "mp4",
        "pdf",
        "doc",
        "docx",
        "txt",
        "zip",
        "plist",
        "db",
        "sqlite",
        "json",
        "xml",
        "html",
        "js",
        "py",
        "sh",
        "exe",
        "apk",
        "ipa",
        "log",
    ]
)


def urls_in(text: str | None) -> list[str]:
    """Every link in `text`, in order, each once; bare hosts without a scheme included."""
    # Every link has a "://" or a dot: most messages have neither and skip the expression.
    if not text or ("." not in text and ":" not in text):
        return []
    found: dict[str, None] = {}
    # A link holds no white space, so it lies within one word: only the words with a dot or a
    # colon go through the expression (three times faster than searching the whole text).
    for word in text.split():
        if "." not in word and ":" not in word:
            continue
        for url in _URL.findall(word):
            url = url.rstrip(_TRAILING)
            if "://" not in url:
                host = url.split("/", 1)[0].split(":", 1)[0]
                if host.rsplit(".", 1)[-1].lower() in _NOT_TLDS:
                    continue
            found.setdefault(url, None)
    return list(found)


# A phone number as messaging and call databases store it: digits, maybe a leading +,
# separators; short codes included. Group-chat ids ("chat1234...") and names are not.
_PHONE = re.compile(r"\+?\d[\d ()./-]{2,}")


def contact_observables(identifiers: Iterable[str | None]) -> tuple[Observable, ...]:
    """Handles, addresses and mailto:/tel: URIs as email or phone observables, each once.

    Messages, calls, calendar invitations and interaction logs all name their people so.
    """
    found: dict[Observable, None] = {}
    for identifier in identifiers:
        if isinstance(identifier, str) and identifier:
            observable = _contact(identifier)
            if observable is not None:
                found.setdefault(observable, None)
    return tuple(found)


# A database names the same few people on thousands of rows: each handle is read once.
@functools.lru_cache(maxsize=4096)
def _contact(identifier: str) -> Observable | None:
    value = identifier.strip()
    scheme, colon, rest = value.partition(":")
    if colon and scheme.lower() in ("mailto", "tel"):
        value = rest.strip()
    if "@" in value:
        return Observable("email", value) if " " not in value else None
    return Observable("phone", value) if _PHONE.fullmatch(value) else None
