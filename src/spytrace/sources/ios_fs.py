"""iOS full filesystem extractions: a folder, a tar(.gz) or a zip of the device's files.

Checkm8-based tools, jailbreak `tar` dumps and commercial "full file system" extractions
hand over the device's own tree: `private/var/mobile/...`, `System/...`, `usr/...`. Some
drop the leading `private/` (`var/mobile/...`), some wrap everything in one folder
(`filesystem1/`, `<udid>/`). Whatever the wrapping, logical paths are the device's paths
without the leading slash, always `private/var/...` for the data partition (iOS links `/var`
to `/private/var`), so every parser declaring `spytrace.artifacts.ios.paths` layouts runs
unchanged. Archives are read through spytrace.sources.archive (members listed once, skipped
hostile ones reported, each extracted only when asked); folders are read in place.

Nothing is ever written into the input: a database with a `-wal` beside it is copied with its
`-wal`/`-shm` into the private scratch folder (SQLite replays the log into the copy), archive
members are extracted there. A symbolic link in a dump is listed, never followed.

Besides the device's files the source offers one file of its own, the listing of every entry
(path, kind, size, mode, modification time, link target) that the `filesystem` artifact
reads: a walk of the whole dump without opening what it lists.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from spytrace.artifacts.ios.filesystem import LISTING_PATH
from spytrace.errors import EvidenceError, UnsupportedAcquisition, UserError
from spytrace.model import EvidenceFile
from spytrace.sources.archive import Archive, archive_kind
from spytrace.sources.base import SourceOptions, sha256_file
from spytrace.tempdir import copy_private, create_private

TYPE = "ios_fs"
# How deep below the given folder or archive root the device's root may sit.
_MAX_WRAPPING = 3
_WAL_SUFFIXES = ("-wal", "-shm")


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a tree, by its name inside the tree (relative, "/"-separated)."""

    name: str
    kind: str  # "file", "dir", "link" or "special" (device, fifo, socket)
    size: int = 0
    mtime: float | None = None
    mode: int | None = None  # permission bits only
    link: str | None = None


class Tree(Protocol):
    """The input's items: a folder read in place, or an archive extracted on demand."""

    label: str
    private: bool  # local() hands out spytrace's own copies

    def entries(self) -> Iterator[Entry]: ...
    def kind(self, name: str) -> str | None: ...
    def local(self, name: str) -> Path: ...
    def problems(self) -> list[str]: ...
    def close(self) -> None: ...


class FolderTree:
    """A folder read in place. Links are listed, never followed; special files never opened."""

    private = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)
        self._real_root = os.path.realpath(root)
        self._problems: list[str] = []
        self._special = 0

    def entries(self) -> Iterator[Entry]:
        self._special = 0
        yield from self._walk(self.root, "")
        if self._special:
            self._problems.append(
                f"{self._special} device, fifo or socket "
                f"entr{'y' if self._special == 1 else 'ies'} listed but not read"
            )

    def _walk(self, folder: Path, prefix: str) -> Iterator[Entry]:
        try:
            with os.scandir(folder) as scan:
                children = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            self._problems.append(f"{prefix or '.'}: folder not readable ({exc.strerror})")
            return
        for child in children:
            name = prefix + child.name
            try:
                info = child.stat(follow_symlinks=False)
            except OSError as exc:
                self._problems.append(f"{name}: not readable ({exc.strerror})")
                continue
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                try:
                    target = str(Path(child.path).readlink())
                except OSError:
                    target = None
                yield Entry(name, "link", 0, info.st_mtime, mode, target)
            elif stat.S_ISDIR(info.st_mode):
                yield Entry(name, "dir", 0, info.st_mtime, mode)
                yield from self._walk(Path(child.path), name + "/")
            elif stat.S_ISREG(info.st_mode):
                yield Entry(name, "file", info.st_size, info.st_mtime, mode)
            else:
                self._special += 1
                yield Entry(name, "special", 0, info.st_mtime, mode)

    def kind(self, name: str) -> str | None:
        try:
            info = (self.root / name).lstat()
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(info.st_mode):
            return "link"
        if stat.S_ISDIR(info.st_mode):
            return "dir"
        return "file" if stat.S_ISREG(info.st_mode) else "special"

    def local(self, name: str) -> Path:
        path = self.root / name
        # A link anywhere on the way could lead out of the evidence, onto this machine.
        real = os.path.realpath(path)
        if real != str(Path(self._real_root).joinpath(*name.split("/"))):
            raise EvidenceError(f"{name}: reached through a symbolic link; not read")
        if self.kind(name) != "file":
            raise EvidenceError(f"{name}: not a regular file")
        return path

    def problems(self) -> list[str]:
        return list(self._problems)

    def close(self) -> None:
        pass


class ArchiveTree:
    """A zip or tar, listed by spytrace.sources.archive and extracted member by member."""

    private = True

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.label = str(archive.path)
        self._ending = _tar_ending(archive)

    def entries(self) -> Iterator[Entry]:
        for member in list(self.archive.members.values()):
            mtime, mode = _member_meta(self.archive, member.name)
            yield Entry(member.name, member.kind, member.size, mtime, mode, member.link)

    def kind(self, name: str) -> str | None:
        member = self.archive.members.get(name)
        return member.kind if member is not None else None

    def local(self, name: str) -> Path:
        member = self.archive.members.get(name)
        if member is None or member.kind == "dir":
            raise EvidenceError(f"{name}: not a file in {self.archive.path.name}")
        return self.archive.extract(name)

    def problems(self) -> list[str]:
        found = [f"archive member skipped: {line}" for line in self.archive.skipped]
        return [*found, self._ending] if self._ending else found

    def close(self) -> None:
        self.archive.close()


def _tar_ending(archive: Archive) -> str | None:
    """Why the tar's listing stopped early, or None when it reached the end-of-archive block.

    tarfile ends its listing quietly at a header cut short, so a truncated download lists
    only the members before the cut. A complete tar ends with a zero block where the listing
    stopped; anything else means members may be missing.
    """
    tar = getattr(archive, "_tar", None)
    if tar is None:
        return None
    last = next(reversed(archive.members), None) if archive.members else None
    try:
        tar.fileobj.seek(tar.offset)
        block = tar.fileobj.read(512)
    except (OSError, EOFError, ValueError) as exc:
        block, reason = b"", f"{type(exc).__name__}: {exc}"
    else:
        reason = "no end-of-archive block"
    if len(block) == 512 and not block.strip(b"\0"):
        return None
    return (
        f"archive ends early ({reason}); it is truncated or damaged and the members after "
        f"{last or 'its start'} are missing"
    )


def _member_meta(archive: Archive, name: str) -> tuple[float | None, int | None]:
    """Modification time and permission bits from the member's header, where it has them.

    spytrace.sources.archive keeps its tar/zip headers to itself; until its Member carries
    these, read them from there (absent attributes simply give None).
    """
    tar_info = getattr(archive, "_tar_infos", {}).get(name)
    if tar_info is not None:
        return float(tar_info.mtime), stat.S_IMODE(tar_info.mode)
    zip_info = getattr(archive, "_zip_infos", {}).get(name)
    if zip_info is not None:
        mode = zip_info.external_attr >> 16
        year, month, day, hour, minute, second = zip_info.date_time
        try:  # zip times are the packing machine's local time, naive: read as UTC
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()
        except ValueError:
            moment = None
        return moment, stat.S_IMODE(mode) if mode else None
    return None, None


def open_tree(path: Path, scratch: Path) -> Tree:
    """A folder as it is, or a zip/tar extracted lazily into `scratch`."""
    if path.is_dir():
        return FolderTree(path)
    if path.is_file() and archive_kind(path) is not None:
        return ArchiveTree(Archive.open(path, scratch / "archive"))
    if not path.exists():
        raise UserError(f"{path}: no such file or folder")
    raise UnsupportedAcquisition(f"{path}: not a folder, zip or tar archive")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the device's root sits in the tree, and whether it has the `private/` level."""

    prefix: str  # "" or "wrapper/" — names outside it are not the device's
    has_private: bool

    def logical(self, name: str) -> str | None:
        if not name.startswith(self.prefix):
            return None
        rest = name[len(self.prefix) :]
        if not rest:
            return None
        if not self.has_private and (rest == "var" or rest.startswith(("var/", "etc/"))):
            return "private/" + rest
        return rest

    def physical(self, logical: str) -> str:
        if not self.has_private and logical.startswith(("private/var/", "private/etc/")):
            logical = logical[len("private/") :]
        return self.prefix + logical


# Folders of the data partition: `var/<one of these>` marks a dump without `private/`.
DATA_FOLDERS = frozenset(
    {"mobile", "wireless", "db", "root", "containers", "preferences", "networkd", "Keychains"}
)


def find_layout(names: Iterator[str] | list[str], label: str) -> Layout:
    """The shallowest `private/var/` (or `var/mobile/`...) in the tree's names decides the root."""
    best: Layout | None = None
    best_depth = _MAX_WRAPPING + 1
    for name in names:
        parts = name.split("/")
        for depth in range(min(len(parts) - 1, _MAX_WRAPPING + 1)):
            if depth >= best_depth:
                break
            here, below = parts[depth], parts[depth + 1]
            prefix = "/".join(parts[:depth]) + ("/" if depth else "")
            if here == "private" and below == "var":
                best, best_depth = Layout(prefix, True), depth
            elif here == "var" and below in DATA_FOLDERS and (best is None or depth < best_depth):
                best, best_depth = Layout(prefix, False), depth
        if best_depth == 0 and best is not None and best.has_private:
            break
    if best is None:
        raise UnsupportedAcquisition(
            f"{label}: no iOS data partition (private/var or var/mobile) found; "
            "not an iOS filesystem dump"
        )
    return best


def has_data_partition(root: Path) -> bool:
    """Whether a folder holds an iOS data partition, at its top or a few wrapper levels down."""
    try:
        find_layout(_folder_names(root), str(root))
    except UnsupportedAcquisition:
        return False
    return True


def _folder_names(root: Path) -> Iterator[str]:
    """Names a few levels deep, enough to find the device's root without walking it all."""
    frontier = [("", root)]
    for _ in range(_MAX_WRAPPING + 2):
        following = []
        for prefix, folder in frontier:
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in children:
                name = prefix + child.name
                yield name
                following.append((name + "/", child))
        frontier = following


class EvidenceCache:
    """What each opened file resolved to, so a second artifact reading it gets the same."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.opened: dict[str, EvidenceFile] = {}


class TreeSource:
    """A device tree (filesystem dump or sysdiagnose) behind the Source protocol."""

    type = ""
    platform = "ios"

    def __init__(self, path: Path, tree: Tree, layout: Layout, scratch: Path) -> None:
        self.path = path
        self._tree = tree
        self._layout = layout
        self._scratch = scratch
        self._cache = EvidenceCache()
        self._copies = 0
        self._input_sha256: str | None = None

    # -- the Source protocol ---------------------------------------------------------------

    def files(self) -> Iterator[str]:
        for entry in self._tree.entries():
            if entry.kind in ("file", "link") and self._is_readable(entry):
                logical = self._layout.logical(entry.name)
                if logical is not None:
                    yield logical

    def _is_readable(self, entry: Entry) -> bool:
        # In a folder a link is not content; in an archive it reads as the member it names.
        return entry.kind == "file" or self._tree.private

    def open(self, logical_path: str) -> EvidenceFile:
        with self._cache.lock:
            cached = self._cache.opened.get(logical_path)
        if cached is None:
            cached = self._materialise(logical_path)
            with self._cache.lock:
                self._cache.opened.setdefault(logical_path, cached)
        return EvidenceFile(
            cached.logical_path,
            cached.path,
            private_copy=cached.private_copy,
            sha256=cached.sha256,
            notes=list(cached.notes),
        )

    def input_sha256(self) -> str:
        """SHA-256 of the archive as given; for a folder, of its entry listing (see module)."""
        if self._input_sha256 is None:
            if self.path.is_file():
                self._input_sha256 = sha256_file(self.path)
            else:
                self._input_sha256 = self._listing_sha256()
        return self._input_sha256

    def _listing_sha256(self) -> str:
        digest = hashlib.sha256()
        for entry in self._tree.entries():
            digest.update(json.dumps(_entry_json(entry, entry.name), sort_keys=True).encode())
            digest.update(b"\n")
        return digest.hexdigest()

    def problems(self) -> list[str]:
        return self._tree.problems()

    def close(self) -> None:
        self._tree.close()

    # -- reading a file ----------------------------------------------------------------------

    def _materialise(self, logical_path: str) -> EvidenceFile:
        name = self._layout.physical(logical_path)
        if self._tree.kind(name) not in ("file", "link"):
            raise EvidenceError(f"{logical_path}: not in this acquisition")
        companions = [
            name + suffix
            for suffix in _WAL_SUFFIXES
            if self._tree.kind(name + suffix) in ("file", "link")
        ]
        has_wal = any(c.endswith("-wal") for c in companions)
        if not has_wal:
            local = self._tree.local(name)
            # The evidence itself is hashed by the run that reads it; a private copy here, as
            # opened (SQLite may write into a copy it opens).
            private = self._tree.private
            return EvidenceFile(
                logical_path, local, private, sha256_file(local) if private else None
            )
        # SQLite replays a WAL into the database it opens: never the evidence, so the three
        # files go together into a private folder and the copy is opened instead.
        folder = self._private_folder()
        base = name.rsplit("/", 1)[-1]
        target = folder / base
        sha256 = copy_private(self._tree.local(name), target)
        notes: list[str] = []
        for companion in companions:
            suffix = companion[len(name) :]
            try:
                copy_private(self._tree.local(companion), folder / (base + suffix))
            except (EvidenceError, OSError) as exc:
                notes.append(f"{logical_path}{suffix} could not be read: {exc}")
        return EvidenceFile(logical_path, target, private_copy=True, sha256=sha256, notes=notes)

    def _private_folder(self) -> Path:
        with self._cache.lock:
            self._copies += 1
            number = self._copies
        folder = self._scratch / "copies" / str(number)
        folder.mkdir(mode=0o700, parents=True)
        return folder

    def listing(self, destination: Path) -> None:
        """Every entry of the device's tree as JSON lines, written to `destination` (0600)."""
        with create_private(destination) as out:
            for entry in self._tree.entries():
                logical = self._layout.logical(entry.name)
                if logical is None:
                    continue
                out.write(json.dumps(_entry_json(entry, logical), sort_keys=True).encode())
                out.write(b"\n")


def _entry_json(entry: Entry, path: str) -> dict[str, object]:
    return {
        "path": path,
        "kind": entry.kind,
        "size": entry.size,
        "mtime": entry.mtime,
        "mode": entry.mode,
        "link": entry.link,
    }


class IosFs(TreeSource):
    """An opened filesystem dump: the device's files by logical path `private/var/...`."""

    type = TYPE

    def files(self) -> Iterator[str]:
        yield from super().files()
        yield LISTING_PATH

    def _materialise(self, logical_path: str) -> EvidenceFile:
        if logical_path != LISTING_PATH:
            return super()._materialise(logical_path)
        target = self._scratch / "filesystem-listing.jsonl"
        self.listing(target)
        # spytrace's own description of the tree, not evidence bytes: no evidence hash.
        return EvidenceFile(logical_path, target, private_copy=True)


def open_ios_fs(path: Path, options: SourceOptions, scratch: Path) -> IosFs:
    """Open a dump folder, tar or zip; `scratch` is a private 0700 folder the caller owns."""
    path = Path(path)
    tree = open_tree(path, scratch)
    try:
        if isinstance(tree, FolderTree):
            layout = find_layout(_folder_names(path), str(path))
        else:
            layout = find_layout((e.name for e in tree.entries()), str(path))
        return IosFs(path, tree, layout, scratch)
    except BaseException:
        tree.close()
        raise


__all__ = [
    "ArchiveTree",
    "Entry",
    "FolderTree",
    "IosFs",
    "Layout",
    "TreeSource",
    "open_ios_fs",
    "open_tree",
]
