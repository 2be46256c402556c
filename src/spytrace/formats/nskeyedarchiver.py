"""NSKeyedArchiver property lists turned back into plain Python values.

An archive is a property list with `$archiver`, `$top` (named roots) and `$objects` (a flat
table). Objects point at each other with UIDs, indexes into `$objects`; index 0 is the string
`$null`. A class instance is a dictionary whose `$class` UID names a `{$classname, $classes}`
entry. Foundation collections and values (NSDictionary, NSArray, NSSet, NSData, NSString,
NSDate, NSUUID, NSURL and their mutable kinds) become dict, list, bytes, str, datetime; any
other class becomes a dict of its decoded fields plus `$class` holding its class name.

Evidence is hostile input: every object is decoded once (a table of shared references cannot
blow up into an exponential tree), a reference back to an object still being decoded becomes
a `Cycle` marker, and nesting deeper than `max_depth` raises EvidenceError.
"""

from __future__ import annotations

import plistlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from spytrace.errors import EvidenceError

ARCHIVER = "NSKeyedArchiver"
MAX_DEPTH = 64

_COCOA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
_DICTIONARIES = frozenset({"NSDictionary", "NSMutableDictionary"})
_LISTS = frozenset(
    {"NSArray", "NSMutableArray", "NSSet", "NSMutableSet", "NSOrderedSet", "NSMutableOrderedSet"}
)
_DATA = frozenset({"NSData", "NSMutableData"})
_STRINGS = frozenset({"NSString", "NSMutableString"})
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Cycle:
    """Where an object refers back to one of its own containers (`uid` is its index)."""

    uid: int


def unarchive(data: bytes | Mapping[str, Any], *, max_depth: int = MAX_DEPTH) -> Any:
    """The decoded `root` object of an archive (bytes, or a plist already loaded).

    An archive without a `root` entry in `$top` gives a dict of every `$top` entry decoded.
    """
    archive = _load(data)
    top = archive["$top"]
    decoder = _Decoder(archive["$objects"], max_depth)
    if "root" in top:
        return decoder.value(top["root"], 0)
    return {str(name): decoder.value(ref, 0) for name, ref in top.items()}


def is_archive(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("$objects"), list)
        and isinstance(value.get("$top"), Mapping)
    )


def loads(data: bytes) -> Any:
    """A property list (binary or XML) from bytes; EvidenceError when it is not one."""
    try:
        return plistlib.loads(data)
    except Exception as exc:  # plistlib and expat raise many types on broken input
        raise EvidenceError(f"not a readable property list ({exc})") from exc


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


def _load(data: bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(data, bytes | bytearray):
        loaded: Any = loads(bytes(data))
    else:
        loaded = data
    if not is_archive(loaded):
        raise EvidenceError("not an NSKeyedArchiver archive ($objects or $top missing)")
    archiver = loaded.get("$archiver", ARCHIVER)
    if archiver != ARCHIVER:
        raise EvidenceError(f"archived by {archiver!r}, not {ARCHIVER}")
    result: Mapping[str, Any] = loaded
    return result


class _Decoder:
    def __init__(self, objects: list[Any], max_depth: int):
        self.objects = objects
        self.max_depth = max_depth
        self.done: dict[int, Any] = {}
        self.busy: set[int] = set()

    def value(self, item: Any, depth: int) -> Any:
        """An inline value, with any UIDs inside it resolved."""
        if depth > self.max_depth:
            raise EvidenceError(f"archive nested deeper than {self.max_depth} levels")
        if isinstance(item, plistlib.UID):
            return self.object(item.data, depth + 1)
        if isinstance(item, list):
            return [self.value(v, depth + 1) for v in item]
        if isinstance(item, dict):
            return {_key(k): self.value(v, depth + 1) for k, v in item.items()}
        return item

    def object(self, index: int, depth: int) -> Any:
        if index in self.done:
            return self.done[index]
        if index in self.busy:
            return Cycle(index)
        if not 0 <= index < len(self.objects):
            raise EvidenceError(f"archive refers to object {index} of {len(self.objects)}")
        raw = self.objects[index]
        if raw == "$null":
            return None
        self.busy.add(index)
        try:
            decoded = self._decode(raw, depth)
        finally:
            self.busy.discard(index)
        self.done[index] = decoded
        return decoded

    def _decode(self, raw: Any, depth: int) -> Any:
        if not isinstance(raw, dict) or "$class" not in raw:
            return self.value(raw, depth)
        name = self._class_name(raw["$class"])
        fields = {k: v for k, v in raw.items() if k != "$class"}
        if name in _DICTIONARIES:
            keys = self.value(fields.get("NS.keys", []), depth)
            values = self.value(fields.get("NS.objects", []), depth)
            return {_key(k): v for k, v in zip(keys, values, strict=False)}
        if name in _LISTS:
            return list(self.value(fields.get("NS.objects", []), depth))
        if name in _DATA:
            data = self.value(fields.get("NS.data", b""), depth)
            return bytes(data) if isinstance(data, bytes | bytearray) else data
        if name in _STRINGS:
            text = fields.get("NS.string", _MISSING)
            if text is _MISSING:  # some archivers keep the UTF-8 bytes instead
                raw_bytes = fields.get("NS.bytes", b"")
                text = bytes(raw_bytes).decode("utf-8", "replace")
            return self.value(text, depth)
        if name == "NSDate":
            return _cocoa_datetime(fields.get("NS.time"))
        if name == "NSUUID":
            raw_uuid = fields.get("NS.uuidbytes")
            if isinstance(raw_uuid, bytes) and len(raw_uuid) == 16:
                return str(uuid.UUID(bytes=raw_uuid))
            return None
        if name == "NSURL":
            base = self.value(fields.get("NS.base"), depth)
            relative = self.value(fields.get("NS.relative"), depth)
            return f"{base or ''}{relative or ''}" if base or relative else None
        instance = {_key(k): self.value(v, depth) for k, v in fields.items()}
        instance["$class"] = name
        return instance

    def _class_name(self, ref: Any) -> str:
        entry = ref
        if isinstance(ref, plistlib.UID):
            entry = self.objects[ref.data] if 0 <= ref.data < len(self.objects) else None
        if isinstance(entry, dict) and isinstance(entry.get("$classname"), str):
            return str(entry["$classname"])
        raise EvidenceError("archived object with an unreadable $class")


def _key(key: Any) -> Any:
    return _hashable(key)


def _cocoa_datetime(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return _COCOA_EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        return None
