"""dumpsys adb: the computers trusted for USB debugging and when each last connected.

AdbDebuggingManager dumps `user_keys=` (the content of /data/misc/adb/adb_keys: one
`<base64 RSA key> <user@host>` per line) and `keystore=`, the adb_keys.xml file with one
`<adbKey key="..." lastConnection="<epoch ms>" />` per key — plain XML up to Android 11, Android
Binary XML (see abx.py) since Android 12, printed raw into the dump. One record per key; its
fingerprint is the MD5 of the decoded key, as Settings shows it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from spytrace.artifacts.android import abx, dumpsys
from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "dumpsys_adb"
PATHS = dumpsys.DUMPSYS_PATHS
_KEY_LINE = re.compile(rb"(?:user_keys=)?\s*([A-Za-z0-9+/]{40,}={0,2})(?: (\S+))?\s*$")
_XML_KEY = re.compile(rb"<adbKey\s+key=\"([^\"]+)\"\s+lastConnection=\"(-?\d+)\"")


@dataclass(slots=True)
class _Key:
    line: int
    comment: str = ""
    last_connection: int | None = None
    listed_in: list[str] = field(default_factory=list)


def parse(file: EvidenceFile) -> Iterator[Record]:
    for section in dumpsys.service(file, "adb"):
        data = dumpsys.raw(file, section)
        keys: dict[str, _Key] = {}
        keystore_at = data.find(b"keystore=")
        user_keys = data[: keystore_at if keystore_at >= 0 else len(data)]
        number = section.line
        for raw_line in user_keys.split(b"\n"):
            match = _KEY_LINE.search(raw_line)
            # Keys follow `user_keys=` one per line; `system_keys=` (the vendor's) is indented.
            if match and (b"user_keys=" in raw_line or raw_line[:1] not in (b" ", b"\t")):
                entry = keys.setdefault(match.group(1).decode("ascii"), _Key(number))
                entry.comment = (match.group(2) or b"").decode("utf-8", "replace")
                entry.listed_in.append("adb_keys")
            number += 1
        if keystore_at >= 0:
            number = section.line + data.count(b"\n", 0, keystore_at)
            for key, last in _keystore(data[keystore_at + len(b"keystore=") :]):
                text, _, comment = key.partition(" ")
                entry = keys.setdefault(text, _Key(number))
                entry.comment = entry.comment or comment
                entry.last_connection = last
                entry.listed_in.append("adb_keys.xml")
        for key, entry in keys.items():
            yield _record(file, key, entry)


def _keystore(data: bytes) -> Iterator[tuple[str, int | None]]:
    start = data.find(abx.MAGIC)
    if 0 <= start < 8:
        try:
            for element in abx.elements(data[start:]):
                key = element.attributes.get("key")
                last = element.attributes.get("lastConnection")
                if element.tag == "adbKey" and isinstance(key, str):
                    yield key, last if isinstance(last, int) else None
        except abx.AbxError:
            return
        return
    for match in _XML_KEY.finditer(data):
        yield match.group(1).decode("ascii", "replace"), int(match.group(2))


def _record(file: EvidenceFile, key: str, entry: _Key) -> Record:
    last = entry.last_connection
    when = datetime.fromtimestamp(last / 1000, UTC) if last and last > 0 else None
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {entry.line}",
        time=when,
        message="Computer trusted for USB debugging: "
        + (entry.comment or fingerprint(key) or key[:16]),
        fields=fields_of(
            {
                "key": key,
                "comment": entry.comment,
                "fingerprint": fingerprint(key),
                "last_connection": iso(when),
                "listed_in": entry.listed_in,
            }
        ),
        time_desc="ADB key last connected",
    )


def fingerprint(key: str) -> str | None:
    """MD5 of the decoded public key, colon-separated (Settings > Wireless debugging)."""
    try:
        decoded = base64.b64decode(key.split(" ", 1)[0], validate=True)
    except (binascii.Error, ValueError):
        return None
    digest = hashlib.md5(decoded, usedforsecurity=False).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


ARTIFACT = Artifact(NAME, PATHS, parse)
