"""iOS backups as iTunes and Finder write them (iOS 10 and later), plain or encrypted.

A backup folder is named by the device's UDID and holds Info.plist (device and iTunes facts,
XML), Manifest.plist (IsEncrypted, BackupKeyBag, ManifestKey, Lockdown, Applications...),
Status.plist and Manifest.db, whose `Files` table lists every item: fileID (SHA-1 of
"domain-relativePath"), domain, relativePath, flags (1 file, 2 folder, 4 symbolic link) and
file (an MBFile, see spytrace.formats.mbfile). The content of a file is stored at
`<fileID[:2]>/<fileID>` (Practical Mobile Forensics, 4th ed.; SANS FOR585 notes).

Accepted inputs: the backup folder; its parent (`MobileSync/Backup`) when it holds one backup;
a zip or tar of either, read lazily and safely (spytrace.sources.archive). Nothing is ever
written into the input: decrypted files, WAL pairs and archive members go to `scratch`.
"""

from __future__ import annotations

import itertools
import os
import plistlib
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import msgspec

from spytrace.artifacts.plist import loads_plist
from spytrace.artifacts.times import as_utc
from spytrace.errors import (
    EvidenceError,
    PasswordRequired,
    UnsupportedAcquisition,
    UserError,
)
from spytrace.formats.mbfile import MBFile, decode_mbfile
from spytrace.model import EvidenceFile
from spytrace.sources.archive import Archive, archive_kind
from spytrace.sources.base import SourceOptions, sha256_file
from spytrace.sources.ios_backup_crypto import (
    UnlockedKeybag,
    decrypt_file,
    decrypt_manifest_db,
    parse_keybag,
    unlock,
)
from spytrace.tempdir import copy_private, private_tempdir

TYPE = "ios_backup"
MANIFEST_DB = "Manifest.db"
METADATA_FILES = ("Manifest.db", "Info.plist", "Manifest.plist", "Status.plist")
FLAG_FILE, FLAG_DIRECTORY, FLAG_SYMLINK = 1, 2, 4
_FILE_ID = re.compile(r"[0-9a-fA-F]{40}")
_MAX_PLIST_BYTES = 64 << 20
_MISSING_EXAMPLES = 10
_ORDER = "ORDER BY domain, relativePath"
_HEX_DIGITS = "0123456789abcdef"
# Both read Manifest.db's fileID index alone (SQLite's index of the primary key).
_FOLDER_IDS = "SELECT json_group_array(fileID) FROM Files WHERE fileID >= ? AND fileID < ?"
_ODD_IDS = (
    "SELECT fileID FROM Files WHERE typeof(fileID) = 'text' AND fileID NOT GLOB '[0-9a-f][0-9a-f]*'"
)
_LISTED_FILES = (
    "SELECT domain, relativePath FROM Files"
    " WHERE fileID IN (SELECT value FROM json_each(?)) AND flags = ? ORDER BY fileID"
)
# A file listed with no fileID, or one that is not text, names nothing a backup could store.
# Numbers sort before text and blobs after it: both ends of the fileID index, never the table.
_WITHOUT_ID = (
    "SELECT domain, relativePath FROM Files WHERE rowid IN"
    " (SELECT rowid FROM Files WHERE fileID IS NULL OR fileID < '' OR fileID >= x'')"
    " AND flags = ? ORDER BY domain, relativePath"
)
_EMPTY = "empty"  # stands for a zero-length file the backup lists but did not store


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """One backup found under a path, enough for a person to choose it."""

    udid: str
    device_name: str
    date: datetime | None
    location: str  # the folder, or the folder inside an archive
    encrypted: bool | None = None

    def line(self) -> str:
        when = self.date.strftime("%Y-%m-%d %H:%M UTC") if self.date else "date unknown"
        return f"{self.udid} ({self.device_name or 'unnamed device'}, {when})"


@dataclass(frozen=True, slots=True)
class ManifestRow:
    file_id: str
    domain: str
    relative_path: str
    flags: int
    blob: bytes | None

    @property
    def logical_path(self) -> str:
        return f"{self.domain}/{self.relative_path}"


class _Store(Protocol):
    """Where the backup's own files live: a folder, or a folder inside an archive."""

    name: str
    private: bool  # local() hands out spytrace's own extracted copies

    def local(self, relative: str) -> Path | None: ...
    def stored_in(self, folder: str) -> set[str]: ...  # names in a fileID folder ("": top)
    def problems(self) -> list[str]: ...
    def close(self) -> None: ...


class _FolderStore:
    private = False

    def __init__(self, root: Path):
        self.root = root
        self.name = str(root)

    def local(self, relative: str) -> Path | None:
        path = self.root / relative
        # A link in the evidence could point anywhere on this machine: not backup content.
        if path.is_symlink() or not path.is_file():
            return None
        return path

    def stored_in(self, folder: str) -> set[str]:
        if not folder:
            with suppress(OSError), os.scandir(self.root) as entries:
                return {e.name for e in entries if e.is_file(follow_symlinks=False)}
            return set()
        path = self.root / folder
        if path.is_symlink() or not path.is_dir():
            return set()
        with suppress(OSError):
            # Names only: a Path per stored file costs more than the listing itself.
            return set(os.listdir(path))  # noqa: PTH208
        return set()

    def problems(self) -> list[str]:
        return []

    def close(self) -> None:
        pass


class _ArchiveStore:
    private = True

    def __init__(self, archive: Archive, prefix: str):
        self.archive = archive
        self.prefix = prefix
        self.name = f"{archive.path}:{prefix.rstrip('/')}" if prefix else str(archive.path)
        self._folders: dict[str, set[str]] | None = None

    def local(self, relative: str) -> Path | None:
        name = self.prefix + relative
        member = self.archive.members.get(name)
        if member is None or member.kind == "dir":
            return None
        return self.archive.extract(name)

    def stored_in(self, folder: str) -> set[str]:
        if self._folders is None:  # the archive's index is in memory anyway: grouped once
            self._folders = {}
            cut = len(self.prefix)
            for name in self.archive.files():
                if name.startswith(self.prefix):
                    head, _, tail = name[cut:].rpartition("/")
                    self._folders.setdefault(head, set()).add(tail)
        return self._folders.get(folder, set())

    def problems(self) -> list[str]:
        return [f"archive member skipped: {line}" for line in self.archive.skipped]

    def close(self) -> None:
        self.archive.close()


def open_ios_backup(
    path: Path,
    options: SourceOptions,
    scratch: Path,
    *,
    udid: str | None = None,
) -> IosBackup:
    """Open a backup folder, its parent with one backup, or a zip/tar of either.

    `udid` picks one backup where the path holds several; without it that is a UserError
    listing them (see `find_backups`). `scratch` is a private 0700 folder the caller owns.
    """
    path = Path(path)
    store = _locate(path, scratch, udid or options.device)
    try:
        return IosBackup(path, store, options, scratch)
    except BaseException:
        store.close()
        raise


class IosBackup:
    """An opened iOS backup: its files by logical path `Domain/relativePath`."""

    type = TYPE
    platform = "ios"

    def __init__(self, path: Path, store: _Store, options: SourceOptions, scratch: Path) -> None:
        self.path = path
        self._store = store
        self._scratch = scratch
        self._lock = threading.Lock()
        self._problems: list[str] = []
        self._missing_checked = False
        self._input_sha256: str | None = None
        self._opened: dict[str, tuple[Path, str | None, bool, tuple[str, ...]]] = {}
        self._unlocked: UnlockedKeybag | None = None
        self._opening: dict[str, threading.Lock] = {}
        self.manifest = self._plist("Manifest.plist") or {}
        self.info = self._plist("Info.plist") or {}
        self.status = self._plist("Status.plist") or {}
        self.encrypted = bool(self.manifest.get("IsEncrypted", False))
        stored_db = store.local(MANIFEST_DB)
        if stored_db is None:
            raise UserError(f"{store.name}: Manifest.db is missing; not a complete iOS backup")
        self._stored_manifest_db = stored_db
        self._manifest_db_sha256: str | None = None
        if self.encrypted:
            self._unlocked = self._unlock(options)
            self._index_path = scratch / "Manifest.db"
            try:
                self._manifest_db_sha256 = decrypt_manifest_db(
                    stored_db, self._index_path, self._unlocked, self._manifest_key()
                )
            except EvidenceError as exc:
                raise UserError(f"{store.name}/Manifest.db: cannot be decrypted ({exc})") from exc
        else:
            self._index_path = stored_db
        self._conn = self._connect()

    # -- opening ---------------------------------------------------------------------------

    def _plist(self, name: str) -> dict[str, Any] | None:
        """A metadata plist. Without a readable Manifest.plist the backup cannot be opened
        (it says whether and how it is encrypted); the others only cost their facts."""
        local = self._store.local(name)
        if local is None:
            if name != "Status.plist":  # older iTunes versions did not always write it
                self._problems.append(f"{name}: missing from the backup")
            return None
        try:
            if local.stat().st_size > _MAX_PLIST_BYTES:
                raise EvidenceError(f"{name}: too large for a property list")
            value = loads_plist(local.read_bytes(), name)
            if not isinstance(value, dict):
                raise EvidenceError(f"{name}: not a dictionary")
        except (EvidenceError, OSError) as exc:
            if name == "Manifest.plist":
                raise UserError(f"{self._store.name}/{exc}") from exc
            self._problems.append(str(exc))
            return None
        return value

    def _unlock(self, options: SourceOptions) -> UnlockedKeybag:
        keybag_blob = self.manifest.get("BackupKeyBag")
        if not isinstance(keybag_blob, bytes):
            raise UserError(f"{self._store.name}/Manifest.plist: encrypted but has no BackupKeyBag")
        try:
            keybag = parse_keybag(keybag_blob)
        except EvidenceError as exc:
            raise UserError(f"{self._store.name}/Manifest.plist: {exc}") from exc
        password = options.password
        if password is None and options.prompt is not None:
            summary = _summary_of(self.info, self.manifest, self.status, self._store.name)
            password = options.prompt(f"the encrypted backup {summary.line()}")
        if password is None:
            raise PasswordRequired(
                f"{self._store.name}: the backup is encrypted and no password was given"
            )
        try:
            return unlock(keybag, password)
        except EvidenceError as exc:
            raise UserError(f"{self._store.name}/Manifest.plist: {exc}") from exc

    def _manifest_key(self) -> bytes:
        key = self.manifest.get("ManifestKey")
        if not isinstance(key, bytes):
            raise UserError(f"{self._store.name}/Manifest.plist: encrypted but has no ManifestKey")
        return key

    def _connect(self) -> sqlite3.Connection:
        uri = f"file:{quote(str(self._index_path))}?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("SELECT fileID, domain, relativePath, flags, file FROM Files LIMIT 1")
        except sqlite3.Error as exc:
            raise UserError(
                f"{self._store.name}/Manifest.db: not a readable backup index ({exc})"
            ) from exc
        return conn

    # -- the Source protocol ---------------------------------------------------------------

    def files(self) -> Iterator[str]:
        for name in METADATA_FILES:
            if name == MANIFEST_DB or self._store.local(name) is not None:
                yield name
        previous = None
        # The logical path is joined by SQLite: one text per row to bring into Python.
        listed = (
            "SELECT coalesce(domain, '') || '/' || coalesce(relativePath, '') FROM Files"
            " WHERE flags = ?"
        )
        for (logical,) in self._query(f"{listed} {_ORDER}", (FLAG_FILE,)):
            if logical != previous:
                yield logical
            previous = logical

    def matching(self, patterns: Sequence[str]) -> Iterator[str]:
        """The files of each pattern's domains whose relative paths may match it, found through
        Manifest.db's indexes on domain and relativePath: a backup lists 100,000s of files,
        the artifacts want a few hundred. A superset: the plan matches each path exactly."""
        for name in METADATA_FILES:
            if name == MANIFEST_DB or self._store.local(name) is not None:
                yield name
        listed = (
            "SELECT coalesce(domain, '') || '/' || coalesce(relativePath, '') FROM Files"
            " WHERE +flags = ? AND domain GLOB ? AND relativePath GLOB ?"
        )
        for pattern in dict.fromkeys(patterns):
            domain, slash, relative = pattern.partition("/")
            if not slash:
                continue  # a name at the top: a metadata file, above
            # `**` in the domain part may reach into the relative path.
            prefix = "*" if "**" in domain else ""
            query = (FLAG_FILE, _sqlite_glob(domain), prefix + _sqlite_glob(relative))
            for (logical,) in self._query(listed, query):
                yield logical

    def open(self, logical_path: str) -> EvidenceFile:
        with self._lock:
            opening = self._opening.setdefault(logical_path, threading.Lock())
        with opening:  # two threads asking for one file decrypt it once
            cached = self._opened.get(logical_path)
            if cached is None:
                cached = self._opened[logical_path] = self._materialise(logical_path)
        path, sha256, private, notes = cached
        return EvidenceFile(
            logical_path, path, private_copy=private, sha256=sha256, notes=list(notes)
        )

    def input_sha256(self) -> str:
        """SHA-256 of the zip or tar as given; for a folder, of Manifest.db as stored.

        A backup folder has no single file to hash, and hashing every stored file would mean
        reading the whole backup (often 100+ GB) for a scan that reads a few hundred files.
        Manifest.db is the index naming (by fileID) every file and its metadata; the SHA-256
        of each file actually read is in its evidence entry.
        """
        if self._input_sha256 is None:
            if self.path.is_file():
                self._input_sha256 = sha256_file(self.path)
            else:
                self._input_sha256 = self._stored_db_sha256()
        return self._input_sha256

    def problems(self) -> list[str]:
        if not self._missing_checked:
            self._missing_checked = True
            line = self._missing_line()
            if line:
                self._problems.append(line)
        # The archive's list grows when extraction stops a member (a zip bomb, say).
        return self._store.problems() + self._problems

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._conn.close()
        self._store.close()

    def __enter__(self) -> IosBackup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the rest of the backup ------------------------------------------------------------

    def rows(self, *, flags: int | None = None, blobs: bool = True) -> Iterator[ManifestRow]:
        """Manifest.db rows in (domain, relativePath) order, read on their own connection."""
        column = "file" if blobs else "NULL"
        where = "WHERE flags = ?" if flags is not None else ""
        sql = f"SELECT fileID, domain, relativePath, flags, {column} FROM Files {where} {_ORDER}"  # noqa: S608 - literals only
        params: tuple[int, ...] = (flags,) if flags is not None else ()
        for file_id, domain, relative, row_flags, blob in self._query(sql, params):
            yield ManifestRow(
                str(file_id or ""),
                str(domain or ""),
                str(relative or ""),
                int(row_flags or 0),
                bytes(blob) if blob is not None else None,
            )

    def _open_index(self) -> sqlite3.Connection:
        """A connection of the caller's own to the (plain) Manifest.db."""
        return sqlite3.connect(f"file:{quote(str(self._index_path))}?mode=ro&immutable=1", uri=True)

    def _query(self, sql: str, params: tuple[int | str, ...]) -> Iterator[tuple[Any, ...]]:
        with closing(self._open_index()) as conn:
            done = 0
            try:
                for row in conn.execute(sql, params):
                    yield row
                    done += 1
            except sqlite3.OperationalError as exc:
                if "decode" not in str(exc):
                    self._damaged(exc)
                    return
                # A path that is not UTF-8 (rare): the rest again, undecodable bytes replaced,
                # so the usual listing keeps SQLite's own decoding.
                conn.text_factory = lambda b: b.decode("utf-8", "replace")
                yield from itertools.islice(conn.execute(sql, params), done, None)
            except sqlite3.DatabaseError as exc:
                self._damaged(exc)

    def _damaged(self, exc: sqlite3.Error) -> None:
        # Said once, however many of the queries (one per artifact path) run into the damage.
        line = f"Manifest.db damaged part-way through the list: {exc}"
        if line not in self._problems:
            self._problems.append(line)

    def row(self, logical_path: str) -> ManifestRow | None:
        domain, sep, relative = logical_path.partition("/")
        if not sep:
            return None
        with self._lock:
            found = self._conn.execute(
                "SELECT fileID, domain, relativePath, flags, file FROM Files "
                "WHERE domain = ? AND relativePath = ? ORDER BY fileID LIMIT 1",
                (domain, relative),
            ).fetchone()
        if found is None:
            return None
        file_id, domain, relative, flags, blob = found
        return ManifestRow(str(file_id), domain, relative, int(flags or 0), blob)

    def export(self, row: ManifestRow, destination: Path) -> str:
        """The plaintext of a file row written to `destination` (new, 0600); the stored SHA-256."""
        stored = self._stored(row)
        if self._unlocked is None:
            return copy_private(stored, destination)
        record = _mbfile(row)
        if record.encryption_key is None:
            if stored.stat().st_size:
                raise EvidenceError(f"{row.logical_path}: stored data but no encryption key")
            return copy_private(stored, destination)
        key = self._unlocked.unwrap(record.protection_class, record.encryption_key)
        return decrypt_file(stored, destination, key, record.size)

    @property
    def index_path(self) -> Path:
        """The plain Manifest.db: the stored one, or the decrypted copy in scratch."""
        return self._index_path

    # -- internals -------------------------------------------------------------------------

    def _materialise(self, logical_path: str) -> tuple[Path, str | None, bool, tuple[str, ...]]:
        if logical_path in METADATA_FILES:
            return self._metadata(logical_path)
        row = self.row(logical_path)
        if row is None:
            raise EvidenceError(f"{logical_path}: not in this backup")
        if row.flags != FLAG_FILE:
            kind = {FLAG_DIRECTORY: "a folder", FLAG_SYMLINK: "a symbolic link"}
            raise EvidenceError(f"{logical_path}: is {kind.get(row.flags, 'not a file')}")
        companions = [
            r
            for suffix in ("-wal", "-shm")
            if (r := self.row(logical_path + suffix)) is not None and r.flags == FLAG_FILE
        ]
        has_wal = any(r.relative_path.endswith("-wal") for r in companions)
        if self._unlocked is None and not has_wal:
            stored = self._stored(row)
            private = self._store.private or stored == self._scratch / _EMPTY
            # The evidence itself is hashed by the run that reads it; a private copy here, as
            # opened (SQLite may write into a copy it opens).
            return stored, sha256_file(stored) if private else None, private, ()
        # Decrypting, or copying a database with its WAL so SQLite replays the log into the
        # copy (never into the evidence): the pair goes into one private folder.
        folder = self._scratch / "files" / row.file_id.lower()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The file keeps its own name (a parser may look at it; SQLite needs "<db>-wal"),
        # unless Manifest.db gives one that is no plain name.
        base = row.relative_path.rsplit("/", 1)[-1]
        if base in ("", ".", "..") or "\x00" in base:
            base = row.file_id.lower()
        target = folder / base
        notes: list[str] = []
        fresh = not target.exists()
        sha256 = self.export(row, target) if fresh else sha256_file(self._stored(row))
        self._check_size(row, target, notes)
        for companion in companions:
            suffix = companion.relative_path[len(row.relative_path) :]
            extra = folder / (base + suffix)
            if extra.exists():
                continue
            try:
                self.export(companion, extra)
            except EvidenceError as exc:
                notes.append(f"{companion.logical_path} could not be read: {exc}")
        return target, sha256, True, tuple(notes)

    def _check_size(self, row: ManifestRow, target: Path, notes: list[str]) -> None:
        if self._unlocked is None or row.blob is None:
            return
        record = _mbfile(row)
        got = target.stat().st_size
        if got < record.size:
            notes.append(f"decrypted {got} bytes where Manifest.db records {record.size}")

    def _metadata(self, name: str) -> tuple[Path, str | None, bool, tuple[str, ...]]:
        if name == MANIFEST_DB:
            if self._unlocked is not None:
                return self._index_path, self._stored_db_sha256(), True, ()
            return self._stored_manifest_db, self._stored_db_sha256(), self._store.private, ()
        local = self._store.local(name)
        if local is None:
            raise EvidenceError(f"{name}: not in this backup")
        private = self._store.private
        return local, sha256_file(local) if private else None, private, ()  # as above

    def _stored_db_sha256(self) -> str:
        if self._manifest_db_sha256 is None:
            self._manifest_db_sha256 = sha256_file(self._stored_manifest_db)
        return self._manifest_db_sha256

    def _stored(self, row: ManifestRow) -> Path:
        if not _FILE_ID.fullmatch(row.file_id):
            raise EvidenceError(f"{row.logical_path}: Manifest.db gives a malformed fileID")
        for relative in (f"{row.file_id[:2]}/{row.file_id}", row.file_id):
            local = self._store.local(relative)
            if local is not None:
                return local
        if row.blob is not None and _empty_record(row):
            return self._empty_file()
        raise EvidenceError(f"{row.logical_path}: listed in Manifest.db but not stored")

    def _empty_file(self) -> Path:
        path = self._scratch / _EMPTY
        if not path.exists():
            path.touch(mode=0o600)
        return path

    def _missing_line(self) -> str | None:
        # Folder by folder (00 to ff, in fileID order): the fileIDs under one come from
        # Manifest.db's fileID index alone (never the 80 MB of file records), are compared with
        # the stored names in C, and only those not stored (folders, links, missing files) are
        # looked up. Memory stays at one folder's names however large the backup.
        missing, examples = 0, list[str]()
        top = self._store.stored_in("")
        with closing(self._open_index()) as conn:
            # A few values per folder: decoded leniently, so a path that is not UTF-8 is
            # counted like any other.
            conn.text_factory = lambda b: b.decode("utf-8", "replace")
            try:
                for logical_path in self._not_stored(conn, top):
                    full = self.row(logical_path)
                    if full is not None and full.blob is not None and _empty_record(full):
                        continue  # an empty file need not be stored
                    missing += 1
                    if len(examples) < _MISSING_EXAMPLES:
                        examples.append(logical_path)
            except sqlite3.DatabaseError as exc:
                self._damaged(exc)
        if not missing:
            return None
        more = f" and {missing - len(examples)} more" if missing > len(examples) else ""
        return (
            f"{missing} file(s) listed in Manifest.db are not stored in the backup: "
            f"{', '.join(examples)}{more}"
        )

    def _not_stored(self, conn: sqlite3.Connection, top: set[str]) -> Iterator[str]:
        """The logical paths of the files Manifest.db lists that no stored file stands for."""
        for domain, relative in conn.execute(_WITHOUT_ID, (FLAG_FILE,)).fetchall():
            yield f"{domain or ''}/{relative or ''}"
        for folder, ids in _fileids_by_folder(conn):
            yield from _listed_files(conn, sorted(ids - self._store.stored_in(folder) - top))


def _fileids_by_folder(conn: sqlite3.Connection) -> Iterator[tuple[str, set[str]]]:
    """Every fileID, grouped by its first two characters (the folder it is stored in): the 256
    hex folders as ranges of the fileID index, then any malformed fileIDs."""
    for high in _HEX_DIGITS:
        for low in _HEX_DIGITS:
            # From "ab" up to "ac" (or "a9" up to "a:"): exactly the IDs that start with "ab".
            end = high + chr(ord(low) + 1)
            [(ids,)] = conn.execute(_FOLDER_IDS, (high + low, end)).fetchall()
            yield high + low, set(msgspec.json.decode(ids))
    odd: dict[str, set[str]] = {}
    for (file_id,) in conn.execute(_ODD_IDS):
        odd.setdefault(file_id[:2], set()).add(file_id)
    yield from sorted(odd.items())


def _listed_files(conn: sqlite3.Connection, file_ids: list[str]) -> list[str]:
    """The logical paths of those of `file_ids` Manifest.db lists as files, in fileID order."""
    if not file_ids:
        return []
    found = conn.execute(_LISTED_FILES, (msgspec.json.encode(file_ids).decode(), FLAG_FILE))
    return [f"{domain or ''}/{relative or ''}" for domain, relative in found.fetchall()]


def _mbfile(row: ManifestRow) -> MBFile:
    if row.blob is None:
        raise EvidenceError(f"{row.logical_path}: Manifest.db row has no file record")
    try:
        return decode_mbfile(row.blob)
    except EvidenceError as exc:
        raise EvidenceError(f"{row.logical_path}: {exc}") from exc


def _empty_record(row: ManifestRow) -> bool:
    try:
        return _mbfile(row).size == 0
    except EvidenceError:
        return False


# -- finding the backup ------------------------------------------------------------------


def _is_backup_folder(path: Path) -> bool:
    return (path / MANIFEST_DB).is_file() or (path / "Manifest.plist").is_file()


def _locate(path: Path, scratch: Path, udid: str | None) -> _Store:
    if path.is_dir():
        if _is_backup_folder(path):
            return _FolderStore(path)
        if (path / "Manifest.mbdb").is_file():
            raise UnsupportedAcquisition(
                f"{path}: an iOS 9 or older backup (Manifest.mbdb), which is not supported"
            )
        found = [p for p in sorted(path.iterdir()) if p.is_dir() and _is_backup_folder(p)]
        chosen = _choose(path, found, udid, lambda p: _folder_summary(p))
        return _FolderStore(chosen)
    if path.is_file() and archive_kind(path) is not None:
        archive = Archive.open(path, scratch / "archive")
        try:
            prefixes = _archive_prefixes(archive)
            prefix = _choose(path, prefixes, udid, lambda p: _archive_summary(archive, p))
        except BaseException:
            archive.close()
            raise
        return _ArchiveStore(archive, prefix)
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    raise UnsupportedAcquisition(f"{path}: not an iOS backup folder, zip or tar")


def _choose(path: Path, found: list[Any], udid: str | None, summarise: Any) -> Any:
    if not found:
        raise UnsupportedAcquisition(f"{path}: no iOS backup (Manifest.db) found there")
    summaries = [summarise(item) for item in found]
    if udid is not None:
        for item, summary in zip(found, summaries, strict=True):
            if summary.udid.lower() == udid.lower():
                return item
        raise UserError(f"{path}: no backup of device {udid}")
    if len(found) == 1:
        return found[0]
    listing = "; ".join(s.line() for s in summaries)
    raise UserError(f"{path} holds {len(found)} backups, choose one: {listing}")


def _archive_prefixes(archive: Archive) -> list[str]:
    prefixes = set()
    for name in archive.files():
        head, sep, tail = name.rpartition("/")
        if tail in (MANIFEST_DB, "Manifest.plist"):
            prefixes.add(head + sep)
    return sorted(prefixes)


def find_backups(path: Path) -> list[BackupSummary]:
    """Every backup under `path` (a backup, its parent, or an archive), for the CLI to list."""
    path = Path(path)
    if path.is_dir():
        if _is_backup_folder(path):
            return [_folder_summary(path)]
        return [
            _folder_summary(p)
            for p in sorted(path.iterdir())
            if p.is_dir() and _is_backup_folder(p)
        ]
    if path.is_file() and archive_kind(path) is not None:
        with private_tempdir() as scratch, Archive.open(path, scratch / "archive") as archive:
            return [_archive_summary(archive, p) for p in _archive_prefixes(archive)]
    return []


def _folder_summary(folder: Path) -> BackupSummary:
    info, manifest, status = (
        _quiet_plist(folder / n) for n in ("Info.plist", "Manifest.plist", "Status.plist")
    )
    return _summary_of(info, manifest, status, str(folder), folder.name)


def _archive_summary(archive: Archive, prefix: str) -> BackupSummary:
    plists: list[dict[str, Any]] = []
    for name in ("Info.plist", "Manifest.plist", "Status.plist"):
        member = prefix + name
        try:
            local = archive.extract(member) if member in archive.members else None
        except EvidenceError:
            local = None
        plists.append(_quiet_plist(local) if local else {})
    folder = prefix.rstrip("/")
    info, manifest, status = plists
    return _summary_of(
        info,
        manifest,
        status,
        f"{archive.path}:{folder}" if folder else str(archive.path),
        folder.rsplit("/", 1)[-1] or archive.path.stem,
    )


def _quiet_plist(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > _MAX_PLIST_BYTES:
            return {}
        value = plistlib.loads(path.read_bytes())
    except Exception:  # a summary is best effort; opening the backup reports the damage
        return {}
    return value if isinstance(value, dict) else {}


def _summary_of(
    info: Mapping[str, Any],
    manifest: Mapping[str, Any],
    status: Mapping[str, Any],
    location: str,
    fallback_udid: str = "",
) -> BackupSummary:
    lockdown = manifest.get("Lockdown")
    lockdown = lockdown if isinstance(lockdown, Mapping) else {}
    udid = info.get("Unique Identifier") or lockdown.get("UniqueDeviceID") or fallback_udid
    name = info.get("Device Name") or lockdown.get("DeviceName") or ""
    date = info.get("Last Backup Date") or status.get("Date") or manifest.get("Date")
    return BackupSummary(
        udid=str(udid),
        device_name=str(name),
        date=as_utc(date) if isinstance(date, datetime) else None,
        location=location,
        encrypted=bool(manifest["IsEncrypted"]) if "IsEncrypted" in manifest else None,
    )


def _sqlite_glob(pattern: str) -> str:
    """A logical-path pattern as an SQLite GLOB matching at least the same texts: `*` and `**`
    both become `*` (GLOB's crosses folders), `**/` may match nothing, `[` is literal."""
    return pattern.replace("**/", "*").replace("**", "*").replace("[", "[[]")


__all__ = [
    "BackupSummary",
    "IosBackup",
    "ManifestRow",
    "find_backups",
    "open_ios_backup",
]
