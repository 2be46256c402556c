"""The `file` column of an iOS backup's Manifest.db: one MBFile, NSKeyedArchiver-encoded.

Since iOS 10 each row of `Files` keeps its metadata as a binary-plist NSKeyedArchiver of class
MBFile. The keys are those BackupAgent2's `-[MBFile encodeWithCoder:]` writes (seen in the
decompiled iOS 26 BackupAgent2, EthanArbuckle/iPhone18-3_26.1_23B85_Restore): RelativePath,
Target (symlinks), Digest, EncryptionKey (encrypted backups), Mode, InodeNumber, UserID,
GroupID, LastModified, LastStatusChange, Birth (Unix seconds), Size, ProtectionClass,
ExtendedAttributes (an NSData holding a binary plist of name -> bytes) and Flags.
"""

from __future__ import annotations

import plistlib
import stat
import struct
import sys
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from types import MappingProxyType
from typing import Any

import msgspec

from spytrace.errors import EvidenceError
from spytrace.formats.nskeyedarchiver import is_archive, loads

# The NSData under EncryptionKey starts with the protection class as a 4-byte little-endian
# integer, then the RFC 3394-wrapped per-file key (40 bytes) - the same layout as the
# ManifestKey of Manifest.plist (jsharkey13/iphone_backup_decrypt reads it that way).
_KEY_CLASS_PREFIX = 4


@dataclass(frozen=True, slots=True)
class MBFile:
    relative_path: str
    size: int
    mode: int
    uid: int
    gid: int
    inode: int
    birth: datetime | None
    modified: datetime | None
    status_changed: datetime | None
    protection_class: int
    # The wrapped per-file key without its 4-byte class prefix, ready for RFC 3394 unwrapping
    # with the class key; the prefix only repeats the class, kept in `key_class`.
    encryption_key: bytes | None = None
    key_class: int | None = None
    target: str | None = None
    digest: bytes | None = None
    flags: int = 0
    extended_attributes: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_file(self) -> bool:
        return stat.S_ISREG(self.mode)

    @property
    def is_directory(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def is_symlink(self) -> bool:
        return stat.S_ISLNK(self.mode)


def decode_mbfile(blob: bytes) -> MBFile:
    """The MBFile of one Manifest.db row; EvidenceError when the blob is not one.

    Manifest.db holds one archive per file, so this reads the MBFile's own fields straight
    from the object table instead of decoding the whole graph with `unarchive`: lazily from
    the binary plist first (several times faster), through plistlib when that fails.
    """
    try:
        return _decode_lazily(blob)
    except _NOT_LAZY:
        return _decode_fully(blob)


class MBFileTimes(msgspec.Struct, frozen=True, gc=False):
    """What a listing of the backup's files shows of an MBFile (one per Manifest row: a
    Struct, built in C)."""

    size: int
    mode: int
    protection_class: int
    birth: datetime | None
    modified: datetime | None
    status_changed: datetime | None


def decode_mbfile_times(blob: bytes) -> MBFileTimes:
    """Size, mode, protection class and times alone, as decode_mbfile reads them: a listing of
    100,000 files skips the texts, keys and attributes it never shows."""
    try:
        plan = _plan_for(blob)
        # A key the archive lacks points past the read, at the 0 appended to it.
        size, mode, protection, birth, modified, changed = plan.times_at(
            (*plan.numbers.unpack_from(blob), 0)
        )
    except _NOT_LAZY:
        full = _decode_fully(blob)
        return MBFileTimes(
            full.size, full.mode, full.protection_class, full.birth, full.modified,
            full.status_changed,
        )  # fmt: skip
    return MBFileTimes(size, mode, protection, _unix(birth), _unix(modified), _unix(changed))


# What the lazy reader raises on an archive it does not handle: plistlib reads those.
_NOT_LAZY = (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError, struct.error)


# The MBFile keys read, by their ASCII bytes as the archive stores them.
_NUMBERS = frozenset(
    name.encode()
    for name in (
        "Size", "Mode", "UserID", "GroupID", "InodeNumber", "Birth", "LastModified",
        "LastStatusChange", "ProtectionClass", "Flags",
    )
)  # fmt: skip
_POINTED = frozenset(
    {b"RelativePath", b"Target", b"Digest", b"EncryptionKey", b"ExtendedAttributes"}
)
_TRAILER = struct.Struct(">6xBBQQQ")


def _decode_lazily(blob: bytes) -> MBFile:
    return _build(blob, _plan_for(blob))


def _plan_for(blob: bytes) -> _Plan:
    """Where an MBFile's own values lie, read straight from the binary plist's bytes (Apple's
    CFBinaryPList layout): with a plan, about four times faster than plistlib.

    It handles the archives BackupAgent2 writes (one-byte references, offsets of one or
    two bytes); anything else raises and `decode_mbfile` falls back to plistlib.

    The rows of one backup share a few layouts: the same objects at the same offsets, only
    the numbers and texts differ. The first row of a layout is walked and leaves a plan (where
    each value lies, and every other byte as it was); a later row whose offset table is the
    same and whose every byte outside the values matches the plan is read from it directly,
    nearly twice as fast again, and exactly as the walk would read it.
    """
    offset_size, ref_size, count, top, table = _TRAILER.unpack_from(blob, len(blob) - 32)
    layout = blob[table:]
    plan = _PLANS.get(layout)
    # Every byte outside the values compared at once, as one masked integer.
    if plan is not None and int.from_bytes(blob) & plan.mask == plan.structure:
        return plan
    if ref_size != 1 or offset_size not in (1, 2) or not blob.startswith(b"bplist00"):
        raise ValueError("not the usual MBFile archive layout")
    if offset_size == 1:
        offsets: bytes | array[int] = blob[table : table + count]
    else:
        offsets = array("H", blob[table : table + 2 * count])
        if sys.byteorder == "little":
            offsets.byteswap()
    if len(offsets) != count:
        raise ValueError("offset table cut short")
    slots = _slots(blob, offsets, top)
    plan = _plan(blob, table, slots)
    # The class name must be part of what every row of the plan repeats.
    if len(_PLANS) < _MAX_PLANS and b"MBFile" in _outside_values(blob, table, slots):
        _PLANS[layout] = plan
    return plan


@dataclass(frozen=True, slots=True)
class _Plan:
    # The archive as one big-endian integer, with the bytes of its values masked out: a row
    # with the plan's layout has exactly `structure` outside its values.
    mask: int
    structure: int
    numbers: struct.Struct  # every integer in one read
    number_keys: tuple[bytes, ...]
    number_at: Callable[[tuple[int, ...]], tuple[int, ...]]  # each key's value in the read
    # Size, Mode, ProtectionClass, Birth, LastModified, LastStatusChange from the read with a 0
    # appended (what a missing key reads as).
    times_at: Callable[[tuple[int, ...]], tuple[int, ...]]
    pointed: tuple[_Slot, ...]


# (MBFile key, what the bytes hold, start, end) of one value in the archive.
_Slot = tuple[bytes, int, int, int]
_UNSIGNED, _SIGNED, _ASCII, _UTF16, _DATA, _NULL = range(6)
_INT_CODES = {(1, _UNSIGNED): "B", (2, _UNSIGNED): "H", (4, _UNSIGNED): "I", (8, _SIGNED): "q"}
_PLANS: dict[bytes, _Plan] = {}
_MAX_PLANS = 4096


def _plan(blob: bytes, table: int, slots: tuple[_Slot, ...]) -> _Plan:
    mask = bytearray(b"\xff" * len(blob))
    for _, _, start, stop in slots:
        mask[start:stop] = bytes(stop - start)
    mask_number = int.from_bytes(mask)
    # Equal integers are one object in a binary plist: two keys may share a value.
    places = sorted({(start, stop, kind) for _, kind, start, stop in slots if kind <= _SIGNED})
    layout, at = [">"], 0
    for start, stop, kind in places:
        layout.append(f"{start - at}x{_INT_CODES[stop - start, kind]}")
        at = stop
    number_slots = [slot for slot in slots if slot[1] <= _SIGNED]
    place_of = {place: i for i, place in enumerate(places)}
    indexes = [place_of[start, stop, kind] for _, kind, start, stop in number_slots]
    keys = [slot[0] for slot in number_slots]
    missing = len(places)
    times = [indexes[keys.index(k)] if k in keys else missing for k in _TIMES_KEYS]
    return _Plan(
        mask=mask_number,
        structure=int.from_bytes(blob) & mask_number,
        numbers=struct.Struct("".join(layout)),
        number_keys=tuple(keys),
        number_at=_picker(indexes),
        times_at=_picker(times),
        pointed=tuple(slot for slot in slots if slot[1] > _SIGNED),
    )


_TIMES_KEYS = (b"Size", b"Mode", b"ProtectionClass", b"Birth", b"LastModified", b"LastStatusChange")


def _outside_values(blob: bytes, table: int, slots: tuple[_Slot, ...]) -> bytes:
    """The archive's objects with their values cut out."""
    kept, at = [], 0
    for _, _, start, stop in sorted(slots, key=lambda slot: slot[2]):
        kept.append(blob[at:start])
        at = max(at, stop)
    kept.append(blob[at:table])
    return b"".join(kept)


def _picker(indexes: list[int]) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    if len(indexes) > 1:
        return itemgetter(*indexes)
    # itemgetter of one index gives the value itself, not a tuple of one.
    only = indexes[0]
    return lambda values: (values[only],)


def _slots(blob: bytes, offsets: bytes | array[int], top: int) -> tuple[_Slot, ...]:
    """Where the MBFile's numbers and pointed objects lie, found by walking the archive."""
    top_refs = _dict_refs(blob, offsets, top)
    objects = _array_refs(blob, offsets, top_refs[b"$objects"])
    root_uid = _uid(blob, offsets, _dict_refs(blob, offsets, top_refs[b"$top"])[b"root"])
    slots: list[_Slot] = []
    for key, ref in _dict_refs(blob, offsets, objects[root_uid]).items():
        if key in _NUMBERS:
            at = offsets[ref]
            marker = blob[at]
            if marker >> 4 != 0x1:
                raise ValueError("expected an integer")
            width = 1 << (marker & 0x0F)
            if width > 8:
                raise ValueError("a 128-bit integer")
            slots.append((key, _SIGNED if width == 8 else _UNSIGNED, at + 1, at + 1 + width))
        elif key in _POINTED:
            uid = _uid(blob, offsets, ref)
            slots.append(
                (key, _NULL, 0, 0) if uid == 0 else _object_slot(blob, offsets, key, objects[uid])
            )
    # MBFile's own keys stand for its class name, which would cost another lookup per row.
    if not any(slot[0] == b"LastModified" for slot in slots) or b"MBFile" not in blob:
        raise ValueError("not an MBFile")
    return tuple(slots)


def _object_slot(blob: bytes, offsets: bytes | array[int], key: bytes, ref: int) -> _Slot:
    """A string or data object, or the NS.data / NS.string an NSData / NSString wraps."""
    kind, length, at = _head(blob, offsets, ref)
    if kind == 0x5:
        return key, _ASCII, at, at + length
    if kind == 0x6:
        return key, _UTF16, at, at + 2 * length
    if kind == 0x4:
        return key, _DATA, at, at + length
    if kind == 0xD:
        inner = _dict_refs(blob, offsets, ref)
        wrapped = inner.get(b"NS.data", inner.get(b"NS.string"))
        return (key, _NULL, 0, 0) if wrapped is None else _object_slot(blob, offsets, key, wrapped)
    raise ValueError("expected a string or data")


def _numbers(blob: bytes, plan: _Plan) -> dict[bytes, int]:
    values = plan.number_at(plan.numbers.unpack_from(blob))
    return dict(zip(plan.number_keys, values, strict=True))


def _build(blob: bytes, plan: _Plan) -> MBFile:
    numbers = _numbers(blob, plan)
    pointed: dict[bytes, object] = {}
    for key, kind, start, end in plan.pointed:
        if kind == _ASCII:
            pointed[key] = blob[start:end].decode("ascii")
        elif kind == _UTF16:
            pointed[key] = blob[start:end].decode("utf-16-be")
        elif kind == _DATA:
            pointed[key] = blob[start:end]
        else:
            pointed[key] = None
    key_class, wrapped_key = _split_key(pointed.get(b"EncryptionKey"))
    target, digest = pointed.get(b"Target"), pointed.get(b"Digest")
    return MBFile(
        relative_path=_text(pointed.get(b"RelativePath")),
        size=numbers.get(b"Size", 0),
        mode=numbers.get(b"Mode", 0),
        uid=numbers.get(b"UserID", 0),
        gid=numbers.get(b"GroupID", 0),
        inode=numbers.get(b"InodeNumber", 0),
        birth=_unix(numbers.get(b"Birth")),
        modified=_unix(numbers.get(b"LastModified")),
        status_changed=_unix(numbers.get(b"LastStatusChange")),
        protection_class=numbers.get(b"ProtectionClass", 0),
        encryption_key=wrapped_key,
        key_class=key_class,
        target=target if isinstance(target, str) else None,
        digest=digest if isinstance(digest, bytes) else None,
        flags=numbers.get(b"Flags", 0),
        extended_attributes=MappingProxyType(_xattrs(pointed.get(b"ExtendedAttributes"))),
    )


def _head(blob: bytes, offsets: bytes | array[int], ref: int) -> tuple[int, int, int]:
    """(type nibble, length, payload start) of object `ref`, long lengths included."""
    at = offsets[ref]
    marker = blob[at]
    kind, length = marker >> 4, marker & 0x0F
    at += 1
    if length == 0x0F and kind in (0x4, 0x5, 0x6, 0xA, 0xD):
        width = 1 << (blob[at] & 0x0F)
        length = int.from_bytes(blob[at + 1 : at + 1 + width], "big")
        at += 1 + width
    return kind, length, at


def _dict_refs(blob: bytes, offsets: bytes | array[int], ref: int) -> dict[bytes, int]:
    """A dictionary's keys (raw string bytes) and value references."""
    kind, length, at = _head(blob, offsets, ref)
    if kind != 0xD:
        raise ValueError("expected a dictionary")
    names = [_key_name(blob, offsets, key) for key in blob[at : at + length]]
    return dict(zip(names, blob[at + length : at + 2 * length], strict=True))


def _key_name(blob: bytes, offsets: bytes | array[int], key: int) -> bytes:
    key_at = offsets[key]
    marker = blob[key_at]
    if marker >> 4 != 0x5:
        return b""
    key_length = marker & 0x0F
    key_at += 1
    if key_length == 0x0F:
        width = 1 << (blob[key_at] & 0x0F)
        key_length = int.from_bytes(blob[key_at + 1 : key_at + 1 + width], "big")
        key_at += 1 + width
    return blob[key_at : key_at + key_length]


def _array_refs(blob: bytes, offsets: bytes | array[int], ref: int) -> bytes:
    kind, length, at = _head(blob, offsets, ref)
    if kind != 0xA:
        raise ValueError("expected an array")
    return blob[at : at + length]


def _uid(blob: bytes, offsets: bytes | array[int], ref: int) -> int:
    kind, length, at = _head(blob, offsets, ref)
    if kind != 0x8:
        raise ValueError("expected a UID")
    return int.from_bytes(blob[at : at + length + 1], "big")


def _decode_fully(blob: bytes) -> MBFile:
    archive = loads(blob)
    if not is_archive(archive):
        raise EvidenceError("Manifest.db file record is not an NSKeyedArchiver archive")
    objects: list[Any] = archive["$objects"]
    root = _deref(objects, archive["$top"].get("root"))
    kind = _class_name(objects, root)
    if kind != "MBFile":
        raise EvidenceError(f"Manifest.db file record is a {kind}, not an MBFile")
    key_class, key = _split_key(_deref(objects, root.get("EncryptionKey")))
    target = _deref(objects, root.get("Target"))
    digest = _deref(objects, root.get("Digest"))
    return MBFile(
        relative_path=_text(_deref(objects, root.get("RelativePath"))),
        size=_int(root.get("Size")),
        mode=_int(root.get("Mode")),
        uid=_int(root.get("UserID")),
        gid=_int(root.get("GroupID")),
        inode=_int(root.get("InodeNumber")),
        birth=_unix(root.get("Birth")),
        modified=_unix(root.get("LastModified")),
        status_changed=_unix(root.get("LastStatusChange")),
        protection_class=_int(root.get("ProtectionClass")),
        encryption_key=key,
        key_class=key_class,
        target=target if isinstance(target, str) else None,
        digest=digest if isinstance(digest, bytes) else None,
        flags=_int(root.get("Flags")),
        extended_attributes=MappingProxyType(
            _xattrs(_deref(objects, root.get("ExtendedAttributes")))
        ),
    )


def _deref(objects: list[Any], value: Any) -> Any:
    """A field's value: UIDs followed (one level), NSData and NSString unwrapped."""
    if isinstance(value, plistlib.UID):
        if not 0 <= value.data < len(objects):
            raise EvidenceError(f"MBFile refers to object {value.data} of {len(objects)}")
        value = objects[value.data]
        if value == "$null":
            return None
    if isinstance(value, dict):
        for inner in ("NS.data", "NS.string"):
            if inner in value:
                unwrapped = value[inner]
                return unwrapped if not isinstance(unwrapped, plistlib.UID) else None
    return value


def _class_name(objects: list[Any], root: Any) -> str:
    if not isinstance(root, dict):
        return type(root).__name__
    entry = _deref(objects, root.get("$class"))
    if isinstance(entry, dict) and isinstance(entry.get("$classname"), str):
        return str(entry["$classname"])
    return "object without a class"


def _split_key(value: Any) -> tuple[int | None, bytes | None]:
    if not isinstance(value, bytes) or len(value) <= _KEY_CLASS_PREFIX:
        return None, None
    (key_class,) = struct.unpack("<I", value[:_KEY_CLASS_PREFIX])
    return key_class, value[_KEY_CLASS_PREFIX:]


def _xattrs(value: Any) -> dict[str, bytes]:
    if isinstance(value, dict):  # an archiver that stored the dictionary itself
        loaded: Any = value
    elif isinstance(value, bytes):
        try:
            loaded = loads(value)
        except EvidenceError:  # a damaged attribute blob costs the attributes, not the row
            return {}
    else:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(k): v if isinstance(v, bytes) else str(v).encode() for k, v in loaded.items()}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unix(value: Any) -> datetime | None:
    """Seconds since 1970 as BackupAgent2 encodes them (Int32); 0 means unset."""
    # Exact type tests (a bool is not a time): three per row of a listing.
    kind = type(value)
    if (kind is not int and kind is not float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
