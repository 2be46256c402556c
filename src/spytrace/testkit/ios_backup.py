"""iOS backups in Apple's real layout, plain or encrypted, for source tests and benchmarks.

The folder is `<directory>/<udid>/` with Info.plist (XML, as iTunes/Finder write it),
Manifest.plist and Status.plist (binary), Manifest.db (the real `Files`/`Properties` schema
and indexes) and each file stored at `<fileID[:2]>/<fileID>`, fileID being the SHA-1 of
"domain-relativePath". Each `Files.file` is an MBFile NSKeyedArchiver in a binary plist laid
out like a real one: `$null`, the MBFile, its path, then NSMutableData key/attributes with
their class entry, and the MBFile class last (`$top` = {root: UID(1)}, `$version` 100000).

With a password the builder does what the phone does: a backup keybag (real TLV tags, random
UUIDs and salts, iteration counts low by default for test speed; REALISTIC_* gives the iOS
values), class keys RFC 3394-wrapped with the password key, a random per-file key wrapped by
its class key (EncryptionKey = 4-byte little-endian class + wrapped key), files and
Manifest.db AES-256-CBC with a zero IV and PKCS7 padding, ManifestKey wrapped with class 4.

Fast enough to add 100,000 files: stored files are written without fsync, the MBFile plists
come from a specialised encoder (plistlib takes ~140 µs each), rows go in one transaction.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import plistlib
import sqlite3
import stat
import struct
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from spytrace.model import EvidenceFile

# Manifest.db as iOS 10-17 create it (sqlite3 .schema of real backups).
MANIFEST_SCHEMA = (
    "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, "
    "flags INTEGER, file BLOB);\n"
    "CREATE INDEX FilesDomainIdx ON Files(domain);\n"
    "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);\n"
    "CREATE INDEX FilesFlagsIdx ON Files(flags);\n"
    "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);\n"
)

FLAG_FILE, FLAG_DIRECTORY, FLAG_SYMLINK = 1, 2, 4
MANIFEST_KEY_CLASS = 4  # ManifestKey is wrapped with NSFileProtectionNone's key
PROTECTION_CLASSES = tuple(range(1, 12))
# What iOS 10.2+ writes (hashcat's itunes_backup notes: 10,000,000 SHA256 rounds).
REALISTIC_DPIC = 10_000_000
REALISTIC_ITERATIONS = 10_000
DEFAULT_DATE = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
DEFAULT_UDID = "00008110-001A2B3C4D5E801E"


def file_id(domain: str, relative_path: str) -> str:
    return hashlib.sha1(f"{domain}-{relative_path}".encode()).hexdigest()


class BackupBuilder:
    def __init__(
        self,
        directory: Path,
        *,
        udid: str = DEFAULT_UDID,
        password: str | None = None,
        ios_version: str = "17.5.1",
        build: str = "21F90",
        product_type: str = "iPhone14,2",
        product_name: str = "iPhone 13 Pro",
        device_name: str = "Test iPhone",
        serial_number: str = "F2LXK0TESTQ1",
        imei: str = "356789104512345",
        iccid: str = "8933150319990000001",
        phone_number: str = "+33 6 00 00 00 00",
        date: datetime = DEFAULT_DATE,
        dpic: int = 1,
        iterations: int = 1,
        legacy_keybag: bool = False,
        unique_file_keys: bool = True,
        installed_applications: Iterable[str] = (),
        folder_name: str | None = None,
    ):
        self.directory = Path(directory)
        self.udid = udid
        self.password = password
        self.ios_version = ios_version
        self.build_version = build
        self.product_type = product_type
        self.product_name = product_name
        self.device_name = device_name
        self.serial_number = serial_number
        self.imei = imei
        self.iccid = iccid
        self.phone_number = phone_number
        self.date = date
        self.installed_applications = list(installed_applications)
        # Info.plist "Applications" and Manifest.plist "Applications", by bundle id.
        self.app_entries: dict[str, dict[str, object]] = {}
        self.app_containers: dict[str, dict[str, object]] = {}
        self.path = self.directory / (folder_name or udid)
        self.path.mkdir(parents=True, exist_ok=True)
        self._root = str(self.path)
        self.unique_file_keys = unique_file_keys
        self._shared_keys: dict[int, tuple[bytes, bytes]] = {}
        self._rows: dict[str, tuple[str, str, str, int, bytes]] = {}
        self._made_dirs: set[str] = set()
        self._inode = 100_000
        self.file_ids: dict[str, str] = {}
        self.keybag: bytes | None = None
        self.class_keys: dict[int, bytes] = {}
        if password is not None:
            self.keybag, self.class_keys = make_keybag(
                password, dpic=dpic, iterations=iterations, legacy=legacy_keybag
            )

    @property
    def encrypted(self) -> bool:
        return self.password is not None

    # -- content ---------------------------------------------------------------------------

    def add_file(
        self,
        domain: str,
        relative_path: str,
        data: bytes | Path,
        *,
        protection_class: int = 3,
        mode: int = 0o644,
        mtime: datetime | None = None,
        uid: int = 501,
        gid: int = 501,
        xattrs: Mapping[str, bytes] | None = None,
        stored: bool = True,
    ) -> str:
        """Store one file; `stored=False` lists it in Manifest.db without storing it."""
        fid = file_id(domain, relative_path)
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        key_blob = None
        if stored:
            target = self._stored_path(fid)
            if self.encrypted:
                key, wrapped = self._file_key(protection_class)
                key_blob = struct.pack("<I", protection_class) + wrapped
                _write_encrypted(target, data, key)
            else:
                _write_plain(target, data)
        elif self.encrypted:
            key_blob = struct.pack("<I", protection_class) + os.urandom(40)
        when = _unix(mtime or self.date)
        blob = mbfile_blob(
            relative_path,
            mode=stat.S_IFREG | mode,
            inode=self._next_inode(),
            uid=uid,
            gid=gid,
            modified=when,
            status_changed=when,
            birth=when,
            size=size,
            protection_class=protection_class,
            encryption_key=key_blob,
            xattrs=xattrs,
        )
        self._put(fid, domain, relative_path, FLAG_FILE, blob)
        return fid

    def add_evidence(self, evidence: EvidenceFile | Path, logical_path: str | None = None) -> str:
        """Store a file another builder made, under its logical path `Domain/relative/path`.

        A `-wal` or `-shm` beside the database on disk is stored with it, as iOS backs up
        both (a database written while its connection is still open keeps rows in the WAL).
        """
        if isinstance(evidence, EvidenceFile):
            path = evidence.path
            logical_path = logical_path or evidence.logical_path
        else:
            path = Path(evidence)
        if logical_path is None:
            raise ValueError("a Path needs its logical_path")
        domain, _, relative = logical_path.partition("/")
        fid = self.add_file(domain, relative, path)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                self.add_file(domain, relative + suffix, companion)
        return fid

    def add_directory(self, domain: str, relative_path: str, *, mode: int = 0o755) -> str:
        fid = file_id(domain, relative_path)
        when = _unix(self.date)
        blob = mbfile_blob(
            relative_path,
            mode=stat.S_IFDIR | mode,
            inode=self._next_inode(),
            uid=501,
            gid=501,
            modified=when,
            status_changed=when,
            birth=when,
            size=0,
            protection_class=0,
        )
        self._put(fid, domain, relative_path, FLAG_DIRECTORY, blob)
        return fid

    def add_symlink(self, domain: str, relative_path: str, target: str) -> str:
        fid = file_id(domain, relative_path)
        when = _unix(self.date)
        blob = mbfile_blob(
            relative_path,
            mode=stat.S_IFLNK | 0o755,
            inode=self._next_inode(),
            uid=501,
            gid=501,
            modified=when,
            status_changed=when,
            birth=when,
            size=0,
            protection_class=0,
            target=target,
        )
        self._put(fid, domain, relative_path, FLAG_SYMLINK, blob)
        return fid

    def add_application(
        self,
        bundle_id: str,
        metadata: Mapping[str, object] | None = None,
        *,
        version: str = "1",
        icon: bytes | None = b"\x89PNG\r\n\x1a\n",
    ) -> None:
        """An installed app, listed the way iTunes/Finder and idevicebackup2 list it.

        Info.plist gets the bundle id in "Installed Applications" and, with `metadata`, an
        "Applications" entry holding iTunesMetadata (a binary plist, kept as data),
        ApplicationSINF and PlaceholderIcon; Manifest.plist gets CFBundleIdentifier,
        CFBundleVersion, ContainerContentClass and the data container's Path.
        """
        if bundle_id not in self.installed_applications:
            self.installed_applications.append(bundle_id)
        if metadata is not None:
            entry: dict[str, object] = {
                "ApplicationSINF": b"sinf" + hashlib.sha1(bundle_id.encode()).digest(),
                "iTunesMetadata": plistlib.dumps(dict(metadata), fmt=plistlib.FMT_BINARY),
            }
            if icon is not None:
                entry["PlaceholderIcon"] = icon
            self.app_entries[bundle_id] = entry
        container = str(uuid.uuid5(uuid.NAMESPACE_DNS, bundle_id)).upper()
        self.app_containers[bundle_id] = {
            "CFBundleIdentifier": bundle_id,
            "CFBundleVersion": version,
            "ContainerContentClass": "Data/Application",
            "Path": f"/private/var/mobile/Containers/Data/Application/{container}",
        }

    def add_row(
        self, file_id_: str, domain: str, relative_path: str, flags: int, blob: bytes
    ) -> None:
        """A raw Manifest.db row, for damaged or hostile manifests."""
        self._put(file_id_, domain, relative_path, flags, blob)

    # -- writing ---------------------------------------------------------------------------

    def build(self) -> Path:
        """Write Manifest.db and the plists; the backup folder."""
        manifest_db = self.path / "Manifest.db"
        manifest_db.unlink(missing_ok=True)
        plain = self.path.with_name(f".{self.path.name}.Manifest.db.plain")
        plain.unlink(missing_ok=True)
        conn = sqlite3.connect(plain)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(MANIFEST_SCHEMA)
            with conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO Files (fileID, domain, relativePath, flags, file) "
                    "VALUES (?, ?, ?, ?, ?)",
                    self._rows.values(),
                )
        finally:
            conn.close()
        manifest_key = None
        if self.encrypted:
            key = os.urandom(32)
            wrapped = aes_key_wrap(self.class_keys[MANIFEST_KEY_CLASS], key)
            manifest_key = struct.pack("<I", MANIFEST_KEY_CLASS) + wrapped
            _write_encrypted(manifest_db, plain, key)
            plain.unlink()
        else:
            plain.replace(manifest_db)
        self._write_plist("Info.plist", self.info_plist(), plistlib.FMT_XML)
        self._write_plist("Manifest.plist", self.manifest_plist(manifest_key), plistlib.FMT_BINARY)
        self._write_plist("Status.plist", self.status_plist(), plistlib.FMT_BINARY)
        return self.path

    def info_plist(self) -> dict[str, object]:
        naive = self.date.astimezone(UTC).replace(tzinfo=None)
        return {
            "Applications": dict(self.app_entries),
            "Build Version": self.build_version,
            "Device Name": self.device_name,
            "Display Name": self.device_name,
            "GUID": uuid.uuid5(uuid.NAMESPACE_OID, self.udid).hex.upper(),
            "ICCID": self.iccid,
            "IMEI": self.imei,
            "Installed Applications": self.installed_applications,
            "Last Backup Date": naive,
            "Phone Number": self.phone_number,
            "Product Name": self.product_name,
            "Product Type": self.product_type,
            "Product Version": self.ios_version,
            "Serial Number": self.serial_number,
            "Target Identifier": self.udid,
            "Target Type": "Device",
            "Unique Identifier": self.udid,
            "iTunes Files": {},
            "iTunes Settings": {},
            "iTunes Version": "12.13.2.3",
        }

    def manifest_plist(self, manifest_key: bytes | None) -> dict[str, object]:
        plist: dict[str, object] = {
            "Applications": dict(self.app_containers),
            "Date": self.date.astimezone(UTC).replace(tzinfo=None),
            "IsEncrypted": self.encrypted,
            "Lockdown": {
                "BuildVersion": self.build_version,
                "DeviceName": self.device_name,
                "ProductType": self.product_type,
                "ProductVersion": self.ios_version,
                "SerialNumber": self.serial_number,
                "UniqueDeviceID": self.udid,
                "com.apple.MobileDeviceCrashCopy": {},
                "com.apple.TerminalFlashr": {},
                "com.apple.mobile.data_sync": {},
                "com.apple.Accessibility": {},
            },
            "SystemDomainsVersion": "24.0",
            "Version": "10.0",
            "WasPasscodeSet": True,
        }
        if self.encrypted:
            assert self.keybag is not None and manifest_key is not None
            plist["BackupKeyBag"] = self.keybag
            plist["ManifestKey"] = manifest_key
        return plist

    def status_plist(self) -> dict[str, object]:
        return {
            "BackupState": "new",
            "Date": self.date.astimezone(UTC).replace(tzinfo=None),
            "IsFullBackup": False,
            "SnapshotState": "finished",
            "UUID": str(uuid.uuid5(uuid.NAMESPACE_URL, self.udid)).upper(),
            "Version": "3.3",
        }

    def _write_plist(self, name: str, value: dict[str, object], fmt: plistlib.PlistFormat) -> None:
        (self.path / name).write_bytes(plistlib.dumps(value, fmt=fmt))

    def _put(self, fid: str, domain: str, relative: str, flags: int, blob: bytes) -> None:
        self._rows[fid] = (fid, domain, relative, flags, blob)
        self.file_ids[f"{domain}/{relative}"] = fid

    def _stored_path(self, fid: str) -> str:
        folder = fid[:2]
        if folder not in self._made_dirs:
            (self.path / folder).mkdir(exist_ok=True)
            self._made_dirs.add(folder)
        return f"{self._root}/{folder}/{fid}"

    def _file_key(self, protection_class: int) -> tuple[bytes, bytes]:
        """A per-file key and its wrapping by the class key (RFC 3394).

        Wrapping costs ~40 µs in Python; with `unique_file_keys=False` (bulk benchmark
        fixtures) files of one class share a key, which a reader cannot tell apart.
        """
        shared = self._shared_keys.get(protection_class)
        if shared is not None:
            return shared
        key = os.urandom(32)
        pair = key, aes_key_wrap(self.class_keys[protection_class], key)
        if not self.unique_file_keys:
            self._shared_keys[protection_class] = pair
        return pair

    def _next_inode(self) -> int:
        self._inode += 1
        return self._inode


# -- encryption, as the phone does it ---------------------------------------------------------


def _tlv(tag: bytes, value: bytes | int) -> bytes:
    raw = struct.pack(">I", value) if isinstance(value, int) else value
    return tag + struct.pack(">I", len(raw)) + raw


def password_key(
    password: str, salt: bytes, iterations: int, dpsl: bytes | None, dpic: int
) -> bytes:
    secret = password.encode()
    if dpsl is not None:
        secret = PBKDF2HMAC(hashes.SHA256(), 32, dpsl, dpic).derive(secret)
    return PBKDF2HMAC(hashes.SHA1(), 32, salt, iterations).derive(secret)


def make_keybag(
    password: str,
    *,
    dpic: int = 1,
    iterations: int = 1,
    legacy: bool = False,
    classes: Iterable[int] = PROTECTION_CLASSES,
    wraps: Mapping[int, int] | None = None,
) -> tuple[bytes, dict[int, bytes]]:
    """A backup keybag (TLV) and its class keys; `legacy` leaves out iOS 10.2's DPWT/DPIC/DPSL.

    `wraps` overrides a class key's WRAP value (2 = passcode); a key without the passcode bit
    is stored as random bytes, as the password cannot open it.
    """
    salt, dpsl = os.urandom(20), os.urandom(20)
    kek = password_key(password, salt, iterations, None if legacy else dpsl, dpic)
    parts = [
        _tlv(b"VERS", 3 if legacy else 4),
        _tlv(b"TYPE", 1),  # 1 = backup keybag
        _tlv(b"UUID", os.urandom(16)),
        _tlv(b"HMCK", os.urandom(40)),
        _tlv(b"WRAP", 0),
        _tlv(b"SALT", salt),
        _tlv(b"ITER", iterations),
    ]
    if not legacy:
        parts += [_tlv(b"DPWT", 1), _tlv(b"DPIC", dpic), _tlv(b"DPSL", dpsl)]
    keys: dict[int, bytes] = {}
    for protection_class in classes:
        key = os.urandom(32)
        wrap = (wraps or {}).get(protection_class, 2)
        wrapped = aes_key_wrap(kek, key) if wrap & 2 else os.urandom(40)
        if wrap & 2:
            keys[protection_class] = key
        parts += [
            _tlv(b"UUID", os.urandom(16)),
            _tlv(b"CLAS", protection_class),
            _tlv(b"WRAP", wrap),
            _tlv(b"KTYP", 0),
            _tlv(b"WPKY", wrapped),
        ]
    return b"".join(parts), keys


def encrypt(data: bytes, key: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()


def _write_encrypted(target: Path | str, data: bytes | Path, key: bytes) -> None:
    if isinstance(data, bytes):
        _write_bytes(target, encrypt(data, key))
        return
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    with data.open("rb") as src, Path(target).open("wb") as out:
        while chunk := src.read(1 << 20):
            out.write(encryptor.update(padder.update(chunk)))
        out.write(encryptor.update(padder.finalize()) + encryptor.finalize())


def _write_plain(target: str, data: bytes | Path) -> None:
    _write_bytes(target, data if isinstance(data, bytes) else data.read_bytes())


def _write_bytes(target: Path | str, data: bytes) -> None:
    # os-level calls: pathlib's overhead is a third of the cost of 100,000 small files.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


# -- MBFile records ----------------------------------------------------------------------------


def _marker(kind: int, count: int) -> bytes:
    if count < 15:
        return bytes((kind | count,))
    return bytes((kind | 0xF,)) + _int(count)


def _int(value: int) -> bytes:
    if 0 <= value < 1 << 8:
        return b"\x10" + value.to_bytes(1, "big")
    if 0 <= value < 1 << 16:
        return b"\x11" + value.to_bytes(2, "big")
    if 0 <= value < 1 << 32:
        return b"\x12" + value.to_bytes(4, "big")
    return b"\x13" + value.to_bytes(8, "big", signed=True)


def _str(text: str) -> bytes:
    if text.isascii():
        return _marker(0x50, len(text)) + text.encode("ascii")
    encoded = text.encode("utf-16-be")
    return _marker(0x60, len(encoded) // 2) + encoded


def _data(raw: bytes) -> bytes:
    return _marker(0x40, len(raw)) + raw


def _uid(value: int) -> bytes:
    return (
        bytes((0x80,)) + value.to_bytes(1, "big")
        if value < 256
        else b"\x81" + value.to_bytes(2, "big")
    )


_CONST = {
    s: _str(s)
    for s in (
        "$version", "$archiver", "$top", "$objects", "NSKeyedArchiver", "root", "$null",
        "$class", "$classes", "$classname", "NS.data", "MBFile", "NSObject", "NSMutableData",
        "NSData", "RelativePath", "Target", "EncryptionKey", "Mode", "InodeNumber", "UserID",
        "GroupID", "LastModified", "LastStatusChange", "Birth", "Size", "ProtectionClass",
        "ExtendedAttributes", "Flags",
    )
}  # fmt: skip
_VERSION = _int(100000)


class _Table:
    """A bplist00 object table written in order: containers name their children by index."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []
        self.consts: dict[str, int] = {}
        self.slots: dict[str, int] = {}

    def put(self, encoded: bytes) -> int:
        self.objects.append(encoded)
        return len(self.objects) - 1

    def slot(self, name: str) -> int:
        """A place for a value that changes from record to record."""
        self.slots[name] = self.put(b"")
        return self.slots[name]

    def const(self, name: str) -> int:
        index = self.consts.get(name)
        if index is None:
            index = self.consts[name] = self.put(_CONST[name])
        return index

    def reserve(self) -> int:
        return self.put(b"")

    def dict_(self, at: int, pairs: list[tuple[int, int]]) -> None:
        refs = [k for k, _ in pairs] + [v for _, v in pairs]
        self.objects[at] = _marker(0xD0, len(pairs)) + bytes(refs)

    def array(self, at: int, refs: list[int]) -> None:
        self.objects[at] = _marker(0xA0, len(refs)) + bytes(refs)


def _dumps(objects: list[bytes]) -> bytes:
    count = len(objects)
    assert count < 256, "one-byte object references"
    body = b"".join(objects)
    table = 8 + len(body)
    offsets = list(itertools.accumulate(map(len, objects[:-1]), initial=8))
    size = 1 if table < 1 << 8 else 2 if table < 1 << 16 else 4
    fmt = {1: "B", 2: "H", 4: "I"}[size]
    return b"".join(
        (
            b"bplist00",
            body,
            struct.pack(f">{count}{fmt}", *offsets),
            struct.pack(">6xBBQQQ", size, 1, count, 0, table),
        )
    )


_INT_FIELDS = (
    "Mode",
    "InodeNumber",
    "UserID",
    "GroupID",
    "LastModified",
    "LastStatusChange",
    "Birth",
    "Size",
    "ProtectionClass",
)


@functools.cache
def _template(
    has_key: bool, has_xattrs: bool, has_target: bool
) -> tuple[list[bytes], dict[str, int]]:
    """The object table of an MBFile archive with these optional parts, values left blank."""
    # Archive-level $objects, in the order a real record has them (what the UIDs point to).
    archived = ["$null", "MBFile", "path"]
    archived += ["key"] if has_key else []
    archived += ["xattrs"] if has_xattrs else []
    archived += ["NSMutableData class"] if has_key or has_xattrs else []
    archived += ["target"] if has_target else []
    archived.append("MBFile class")
    uid_of = {name: i for i, name in enumerate(archived)}

    table = _Table()
    top = table.reserve()
    objects_array = table.reserve()
    top_dict = table.reserve()
    refs: list[int] = []
    for name in archived:
        if name == "$null":
            refs.append(table.const("$null"))
        elif name in ("path", "target"):
            refs.append(table.slot(name))
        elif name in ("key", "xattrs"):
            at = table.reserve()
            data = table.slot(name)
            cls = table.put(_uid(uid_of["NSMutableData class"]))
            table.dict_(at, [(table.const("NS.data"), data), (table.const("$class"), cls)])
            refs.append(at)
        elif name == "NSMutableData class":
            classes = ("NSMutableData", "NSData", "NSObject")
            refs.append(_class_entry(table, "NSMutableData", classes))
        elif name == "MBFile class":
            refs.append(_class_entry(table, "MBFile", ("MBFile", "NSObject")))
        else:
            refs.append(table.reserve())
    # The keys -[MBFile encodeWithCoder:] writes, in its order.
    pairs = [
        (table.const("$class"), table.put(_uid(uid_of["MBFile class"]))),
        (table.const("RelativePath"), table.put(_uid(uid_of["path"]))),
    ]
    if has_target:
        pairs.append((table.const("Target"), table.put(_uid(uid_of["target"]))))
    if has_key:
        pairs.append((table.const("EncryptionKey"), table.put(_uid(uid_of["key"]))))
    pairs += [(table.const(name), table.slot(name)) for name in _INT_FIELDS]
    if has_xattrs:
        pairs.append((table.const("ExtendedAttributes"), table.put(_uid(uid_of["xattrs"]))))
    pairs.append((table.const("Flags"), table.slot("Flags")))
    table.dict_(refs[1], pairs)
    table.array(objects_array, refs)
    table.dict_(top_dict, [(table.const("root"), table.put(_uid(1)))])
    table.dict_(
        top,
        [
            (table.const("$version"), table.put(_VERSION)),
            (table.const("$archiver"), table.const("NSKeyedArchiver")),
            (table.const("$top"), top_dict),
            (table.const("$objects"), objects_array),
        ],
    )
    return table.objects, table.slots


def mbfile_blob(
    relative_path: str,
    *,
    mode: int,
    inode: int,
    uid: int,
    gid: int,
    modified: int,
    status_changed: int,
    birth: int,
    size: int,
    protection_class: int,
    flags: int = 0,
    encryption_key: bytes | None = None,
    target: str | None = None,
    xattrs: Mapping[str, bytes] | None = None,
) -> bytes:
    """The `Files.file` blob iOS writes for one item (see the module docstring)."""
    template, slots = _template(encryption_key is not None, bool(xattrs), target is not None)
    objects = template.copy()
    objects[slots["path"]] = _str(relative_path)
    if encryption_key is not None:
        objects[slots["key"]] = _data(encryption_key)
    if xattrs:
        objects[slots["xattrs"]] = _data(plistlib.dumps(dict(xattrs), fmt=plistlib.FMT_BINARY))
    if target is not None:
        objects[slots["target"]] = _str(target)
    values = (mode, inode, uid, gid, modified, status_changed, birth, size, protection_class)
    for name, value in zip(_INT_FIELDS, values, strict=True):
        objects[slots[name]] = _int(value)
    objects[slots["Flags"]] = _int(flags)
    return _dumps(objects)


def _class_entry(table: _Table, name: str, classes: tuple[str, ...]) -> int:
    at = table.reserve()
    names = table.reserve()
    table.array(names, [table.const(c) for c in classes])
    table.dict_(
        at, [(table.const("$classes"), names), (table.const("$classname"), table.const(name))]
    )
    return at


def wal_pair(conn: sqlite3.Connection, path: Path) -> tuple[bytes, bytes]:
    """A WAL database's file and its -wal, read while `conn` still holds them open."""
    conn.commit()
    return path.read_bytes(), path.with_name(path.name + "-wal").read_bytes()


__all__ = [
    "BackupBuilder",
    "encrypt",
    "file_id",
    "make_keybag",
    "mbfile_blob",
    "password_key",
    "wal_pair",
]
