"""The logical file tree the Android sources share: folders and archives mounted under prefixes.

A source builds one `Tree`: the acquisition's own files at the root, a bugreport under
`bugreport/` (its main dumpstate text as `bugreport/dumpstate.txt`), an adb backup's content
under `backup/`. Parsers see only those logical paths. Folders are read in place (links are
never followed); archives through spytrace.sources.archive (safe, lazy extraction into
scratch, skipped members reported as problems); nested archives are extracted first.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec, Protocol, Self, TypeVar

from spytrace.errors import EvidenceError, UserError
from spytrace.model import EvidenceFile
from spytrace.sources.archive import Archive, archive_kind
from spytrace.sources.base import sha256_file

DUMPSTATE = "dumpstate.txt"
_T = TypeVar("_T")
_P = ParamSpec("_P")


class Provider(Protocol):
    """Where files of one part of the acquisition come from."""

    name: str
    private: bool  # local() hands out spytrace's own copies

    def names(self) -> Iterator[str]: ...
    def local(self, name: str) -> Path: ...
    def problems(self) -> list[str]: ...
    def close(self) -> None: ...


class FolderProvider:
    private = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)
        self._skipped: list[str] = []

    def names(self) -> Iterator[str]:
        self._skipped = []
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            base = Path(folder)
            dirs.sort()
            for file in sorted(files):
                path = base / file
                relative = path.relative_to(self.root).as_posix()
                if path.is_symlink():
                    self._skipped.append(f"{relative}: symbolic link, not followed")
                    continue
                if path.is_file():
                    yield relative

    def local(self, name: str) -> Path:
        path = self.root / name
        if path.is_symlink() or not path.is_file():
            raise EvidenceError(f"{name}: not a file in {self.root}")
        return path

    def problems(self) -> list[str]:
        return list(self._skipped)

    def close(self) -> None:
        pass


class ArchiveProvider:
    private = True

    def __init__(self, archive: Archive, prefix: str = "", label: str = "") -> None:
        self.archive = archive
        self.prefix = prefix
        self.name = label or archive.path.name

    def names(self) -> Iterator[str]:
        cut = len(self.prefix)
        for name in self.archive.files():
            if name.startswith(self.prefix):
                yield name[cut:]

    def local(self, name: str) -> Path:
        return self.archive.extract(self.prefix + name)

    def problems(self) -> list[str]:
        return [f"{self.name}: member skipped: {line}" for line in self.archive.skipped]

    def close(self) -> None:
        self.archive.close()


def open_container(path: Path, scratch: Path, label: str) -> Provider:
    """A folder in place, or a zip/tar read lazily into `scratch`; a single top folder is
    looked through (archives of an acquisition folder usually hold just that folder)."""
    if path.is_dir():
        return FolderProvider(path)
    if archive_kind(path) is None:
        raise UserError(f"{label}: neither a folder nor a zip or tar archive")
    archive = Archive.open(path, scratch)
    names = list(archive.files())
    tops = {n.split("/", 1)[0] for n in names}
    prefix = ""
    if len(tops) == 1 and all("/" in n for n in names):
        prefix = f"{next(iter(tops))}/"
    return ArchiveProvider(archive, prefix, label)


class Tree:
    """Logical paths mapped to the providers that hold them; files opened with their SHA-256."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Provider, str]] = {}
        self._providers: list[Provider] = []
        self._problems: list[str] = []
        self._opened: dict[str, EvidenceFile] = {}
        self._lock = threading.Lock()

    def mount(
        self,
        prefix: str,
        provider: Provider,
        rename: Callable[[str], str | None] = lambda name: name,
    ) -> None:
        """Every file of `provider` under `prefix`, named by `rename` (None leaves it out)."""
        self._providers.append(provider)
        for name in provider.names():
            logical = rename(name)
            if logical is not None:
                self._entries.setdefault(prefix + logical, (provider, name))

    def add_problem(self, line: str) -> None:
        self._problems.append(line)

    def has(self, logical: str) -> bool:
        return logical in self._entries

    def inner(self, logical: str) -> tuple[Provider, str] | None:
        return self._entries.get(logical)

    def files(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def local(self, logical: str) -> Path:
        entry = self._entries.get(logical)
        if entry is None:
            raise EvidenceError(f"{logical}: not in this acquisition")
        provider, name = entry
        return provider.local(name)

    def open(self, logical: str) -> EvidenceFile:
        with self._lock:
            cached = self._opened.get(logical)
        if cached is None:
            entry = self._entries.get(logical)
            if entry is None:
                raise EvidenceError(f"{logical}: not in this acquisition")
            provider, name = entry
            path = provider.local(name)
            # The evidence itself is hashed by the run that reads it; a private copy here, as
            # opened (SQLite may write into a copy it opens).
            digest = sha256_file(path) if provider.private else None
            cached = EvidenceFile(logical, path, provider.private, digest)
            with self._lock:
                self._opened[logical] = cached
        return EvidenceFile(
            cached.logical_path, cached.path, cached.private_copy, cached.sha256, notes=[]
        )

    def problems(self) -> list[str]:
        lines = list(self._problems)
        for provider in self._providers:
            lines.extend(provider.problems())
        return lines

    def index_sha256(self) -> str:
        """SHA-256 of the sorted list of logical paths with their providers' names: a folder's
        fingerprint without reading every file (each file read has its own hash)."""
        digest = hashlib.sha256()
        for logical in sorted(self._entries):
            provider, name = self._entries[logical]
            digest.update(f"{logical}\t{provider.name}\t{name}\n".encode())
        return digest.hexdigest()

    def close(self) -> None:
        for provider in reversed(self._providers):
            provider.close()


def bugreport_names(provider: Provider) -> Callable[[str], str | None]:
    """How a bugreport's members are named: the main dumpstate text (named by main_entry.txt,
    else the largest top-level `bugreport-*.txt` / `dumpstate*.txt`) as `dumpstate.txt`, the
    rest as stored."""
    names = list(provider.names())
    main = main_entry(provider, names)

    def rename(name: str) -> str | None:
        if name == main:
            return DUMPSTATE
        if name == DUMPSTATE and main is not None:
            return None
        return name

    return rename


def main_entry(provider: Provider, names: list[str]) -> str | None:
    if "main_entry.txt" in names:
        try:
            text = provider.local("main_entry.txt").read_bytes()[:4096]
        except EvidenceError:
            text = b""
        entry = text.decode("utf-8", "replace").strip().lstrip("./")
        if entry in names:
            return entry
    candidates = [
        n
        for n in names
        if "/" not in n
        and (
            (n.startswith("bugreport-") and n.endswith(".txt"))
            or n.startswith(("dumpstate", "dumpState_"))
        )
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda n: (_size(provider, n), n))


def _size(provider: Provider, name: str) -> int:
    if isinstance(provider, ArchiveProvider):
        member = provider.archive.members.get(provider.prefix + name)
        return member.size if member else 0
    try:
        return provider.local(name).stat().st_size
    except (EvidenceError, OSError):
        return 0


class MountedSource:
    """An Android source: a Tree of mounted containers, as the Source protocol wants it.

    Subclasses mount what they read into `self._tree` in their constructor; a failure there
    closes what was mounted.
    """

    type = ""
    platform = "android"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tree = Tree()
        self._input_sha256: str | None = None

    def files(self) -> Iterator[str]:
        return self._tree.files()

    def open(self, logical_path: str) -> EvidenceFile:
        return self._tree.open(logical_path)

    def input_sha256(self) -> str:
        """The input file's hash, or for a folder the hash of its listing."""
        if self._input_sha256 is None:
            self._input_sha256 = (
                sha256_file(self.path) if self.path.is_file() else self._tree.index_sha256()
            )
        return self._input_sha256

    def problems(self) -> list[str]:
        return self._tree.problems()

    def close(self) -> None:
        self._tree.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
