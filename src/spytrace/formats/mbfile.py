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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

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
    from the object table instead of decoding the whole graph with `unarchive`.
    """
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
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unix(value: Any) -> datetime | None:
    """Seconds since 1970 as BackupAgent2 encodes them (Int32); 0 means unset."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
