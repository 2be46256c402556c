"""Zip and tar(.gz/.bz2/.xz) acquisitions, read safely and lazily into a private folder.

An uploaded archive is hostile until proven otherwise. Members are listed once; those that
could write outside the folder (absolute names, `..`, links pointing out), device and fifo
members, encrypted zip members and members whose declared size is over the cap are skipped,
each recorded as one line (name and reason) for the coverage report. Nothing is extracted
until asked: `extract(name)` writes one member, streaming, counting the bytes really written
(headers can lie) against a per-member cap, a total cap and a compression-ratio cap that stop
zip bombs. No link is ever created on disk: a member that is a link inside the archive reads
as a copy of the member it points to. Files are 0600, folders 0700.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tarfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from spytrace.errors import EvidenceError, UnsafeArchiveMember, UserError
from spytrace.tempdir import create_private

_CHUNK = 1 << 20
_MAX_LINK_HOPS = 8
_MAX_LINK_BYTES = 4096
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The errors zipfile, tarfile and the decompressors raise on damaged input.
_READ_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)

Kind = Literal["file", "dir", "link"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps against hostile archives. Ratio caps only apply past `ratio_floor` bytes, since
    small runs of zeros (an empty database page) legitimately compress a thousandfold."""

    max_member_bytes: int = 8 << 30
    max_total_bytes: int = 256 << 30
    max_ratio: int = 250
    ratio_floor: int = 64 << 20
    max_members: int = 5_000_000


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # normalised: relative, "/"-separated, no "." or ".." parts
    kind: Kind
    size: int  # as the header declares it; extraction counts the real bytes
    link: str | None = None  # for links: the member name it points to


def archive_kind(path: Path) -> Literal["zip", "tar"] | None:
    """ "zip" or "tar" from the file's first bytes (not its name), None for anything else."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return None
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if head[:2] == b"\x1f\x8b" or head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00":
        return "tar"  # compressed: only tar.* is accepted, which opening will confirm
    if head[257:262] == b"ustar":
        return "tar"
    return None


class Archive:
    """One archive, listed at open, its members extracted on demand into `dest`."""

    def __init__(self, path: Path, dest: Path, limits: Limits | None = None):
        self.path = path
        self.dest = dest
        self.limits = limits or Limits()
        self.members: dict[str, Member] = {}
        self.skipped: list[str] = []
        self._extracted: dict[str, Path] = {}
        self._total = 0
        self._lock = threading.Lock()
        self._archive_size = max(path.stat().st_size, 1)
        kind = archive_kind(path)
        self.kind = kind
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._zip_infos: dict[str, zipfile.ZipInfo] = {}
        self._tar_infos: dict[str, tarfile.TarInfo] = {}
        _private_dir(dest)
        try:
            if kind == "zip":
                self._open_zip()
            elif kind == "tar":
                self._open_tar()
            else:
                raise UserError(f"{path.name}: not a zip or tar archive")
        except _READ_ERRORS as exc:
            self.close()
            raise UserError(f"{path.name}: truncated or corrupt {kind} archive ({exc})") from exc

    @classmethod
    def open(cls, path: Path, dest: Path, limits: Limits | None = None) -> Archive:
        return cls(path, dest, limits)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def names(self) -> list[str]:
        return list(self.members)

    def files(self) -> Iterator[str]:
        """The names of members that read as files (regular files and links to them)."""
        return (m.name for m in self.members.values() if m.kind != "dir")

    # -- listing ---------------------------------------------------------------------------

    def _open_zip(self) -> None:
        self._zip = zipfile.ZipFile(self.path)
        for info in self._zip.infolist():
            if not self._room_for_more(info.filename):
                break
            name = self._checked_name(info.filename)
            if name is None:
                continue
            mode = info.external_attr >> 16
            if info.flag_bits & 0x1:
                self._skip(info.filename, "encrypted zip member")
            elif stat.S_ISLNK(mode):
                self._add_link(info.filename, name, self._zip_link_text(info), hard=False)
            elif _is_special(mode):
                self._skip(info.filename, "device, fifo or socket member")
            elif info.is_dir():
                self._add(info.filename, Member(name, "dir", 0))
            elif self._add(info.filename, Member(name, "file", info.file_size)):
                self._zip_infos[name] = info

    def _zip_link_text(self, info: zipfile.ZipInfo) -> str | None:
        assert self._zip is not None
        if info.file_size > _MAX_LINK_BYTES:
            return None
        try:
            return self._zip.read(info).decode("utf-8", "replace")
        except _READ_ERRORS:  # a damaged link costs the link, not the archive
            return None

    def _open_tar(self) -> None:
        self._tar = tarfile.open(self.path, "r:*")  # noqa: SIM115 - closed in close()
        for info in self._tar:
            if not self._room_for_more(info.name):
                break
            name = self._checked_name(info.name)
            if name is None:
                continue
            if info.issym():
                self._add_link(info.name, name, info.linkname, hard=False)
            elif info.islnk():
                self._add_link(info.name, name, info.linkname, hard=True)
            elif info.ischr() or info.isblk() or info.isfifo():
                self._skip(info.name, "device or fifo member")
            elif info.isdir():
                self._add(info.name, Member(name, "dir", 0))
            elif info.isreg():
                if self._add(info.name, Member(name, "file", info.size)):
                    self._tar_infos[name] = info
            else:
                self._skip(info.name, f"unsupported tar member type {info.type!r}")

    def _room_for_more(self, raw: str) -> bool:
        if len(self.members) + len(self.skipped) < self.limits.max_members:
            return True
        self._skip(raw, f"more than {self.limits.max_members} members; the rest were not read")
        return False

    def _checked_name(self, raw: str) -> str | None:
        name, reason = safe_name(raw)
        if name is None:
            self._skip(raw, reason)
        return name

    def _add(self, raw: str, member: Member) -> bool:
        if member.name in self.members:
            if member.kind == "dir" and self.members[member.name].kind == "dir":
                return False
            self._skip(raw, "duplicate of an earlier member (the first is kept)")
            return False
        if member.size > self.limits.max_member_bytes:
            self._skip(
                raw,
                f"declares {member.size} bytes, over the {self.limits.max_member_bytes}-byte cap",
            )
            return False
        self.members[member.name] = member
        return True

    def _add_link(self, raw: str, name: str, target: str | None, *, hard: bool) -> None:
        kind = "hard link" if hard else "symbolic link"
        if not target:
            self._skip(raw, f"{kind} with an unreadable target")
            return
        target = target.replace("\\", "/")
        if target.startswith("/") or _DRIVE.match(target):
            self._skip(raw, f"{kind} pointing outside the archive ({_printable(target)})")
            return
        # A hard link names a member from the archive root, a symbolic link from its folder.
        joined = target if hard else str(PurePosixPath(name).parent / target)
        resolved, _ = safe_name(os.path.normpath(joined))
        if resolved is None:
            self._skip(raw, f"{kind} pointing outside the archive ({_printable(target)})")
            return
        self._add(raw, Member(name, "link", 0, link=resolved))

    def _skip(self, raw: str, reason: str) -> None:
        self.skipped.append(f"{_printable(raw)}: {reason}")

    # -- extraction ------------------------------------------------------------------------

    def extract(self, name: str) -> Path:
        """The member as a private local file; EvidenceError when it cannot be had safely."""
        with self._lock:
            return self._extract(name)

    def extract_many(self, names: list[str]) -> dict[str, Path]:
        """Several members in archive order: one pass through a compressed tar instead of one
        per member (a .tar.gz cannot seek backwards without decompressing from the start).
        Members that cannot be had are left out; their reasons are in `skipped`."""

        def position(name: str) -> int:
            info = self._tar_infos.get(name)
            return info.offset if info is not None else 0

        found: dict[str, Path] = {}
        for name in sorted(names, key=position):
            try:
                found[name] = self.extract(name)
            except UnsafeArchiveMember:
                if self._total_exceeded():
                    raise
            except EvidenceError as exc:
                self._skip(name, str(exc))
        return found

    def extract_all(self) -> list[Path]:
        """Every safe member; those that fail are skipped and recorded. Stops at a total cap."""
        paths = []
        for member in list(self.members.values()):
            if member.kind == "dir":
                try:
                    _private_dirs(self.dest, member.name.split("/"))
                except OSError:
                    self._skip(member.name, "folder clashes with another member")
                continue
            try:
                paths.append(self.extract(member.name))
            except UnsafeArchiveMember:
                if self._total_exceeded():
                    raise
                # _copy has already recorded why.
            except EvidenceError as exc:
                self._skip(member.name, str(exc))
        return paths

    def _extract(self, name: str) -> Path:
        if name in self._extracted:
            return self._extracted[name]
        source = self._follow(name)
        if source in self._extracted:
            self._extracted[name] = self._extracted[source]
            return self._extracted[source]
        if self._total_exceeded():
            raise UnsafeArchiveMember(f"{self.path.name}: extraction stopped at the total cap")
        target: Path | None = None
        try:
            target = self._target(source)
            with self._open_member(source) as stream:
                self._copy(stream, target, source)
        except _READ_ERRORS as exc:
            if target is not None and not isinstance(exc, FileExistsError):
                target.unlink(missing_ok=True)
            if isinstance(exc, FileExistsError | IsADirectoryError | NotADirectoryError):
                raise EvidenceError(
                    f"{self.path.name}: {name}: clashes with another member"
                ) from exc
            raise EvidenceError(f"{self.path.name}: {name}: truncated or corrupt ({exc})") from exc
        self._extracted[source] = self._extracted[name] = target
        return target

    def _follow(self, name: str) -> str:
        for _ in range(_MAX_LINK_HOPS):
            member = self.members.get(name)
            if member is None:
                raise EvidenceError(f"{self.path.name}: no member {name!r}")
            if member.kind == "file":
                return name
            if member.kind == "dir":
                raise EvidenceError(f"{self.path.name}: {name} is a folder")
            assert member.link is not None
            name = member.link
        raise EvidenceError(f"{self.path.name}: {name}: too many links in a row")

    def _target(self, name: str) -> Path:
        parts = name.split("/")
        folder = _private_dirs(self.dest, parts[:-1])
        target = folder / parts[-1]
        root = os.path.realpath(self.dest)
        if os.path.commonpath([root, os.path.realpath(folder)]) != root:
            raise UnsafeArchiveMember(f"{self.path.name}: {name} would land outside")
        return target

    @contextlib.contextmanager
    def _open_member(self, name: str) -> Iterator[IO[bytes]]:
        if self._zip is not None:
            with self._zip.open(self._zip_infos[name]) as stream:
                yield stream
            return
        assert self._tar is not None
        member = self._tar.extractfile(self._tar_infos[name])
        if member is None:
            raise EvidenceError(f"{self.path.name}: {name} has no content")
        with member:
            yield member

    def _copy(self, stream: IO[bytes], target: Path, name: str) -> None:
        info = self._zip_infos.get(name)
        compressed = info.compress_size if info is not None else None
        written = 0
        try:
            with create_private(target) as out:
                while chunk := stream.read(_CHUNK):
                    written += len(chunk)
                    self._total += len(chunk)
                    problem = self._over_cap(written, compressed)
                    if problem:
                        self._skip(name, problem)
                        raise UnsafeArchiveMember(f"{self.path.name}: {name}: {problem}")
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def _over_cap(self, written: int, compressed: int | None) -> str | None:
        limits = self.limits
        if written > limits.max_member_bytes:
            return f"more than {limits.max_member_bytes} bytes once decompressed"
        if self._total > limits.max_total_bytes:
            return f"archive expands past the {limits.max_total_bytes}-byte total cap"
        if (
            compressed is not None
            and written > limits.ratio_floor
            and written > limits.max_ratio * max(compressed, 1)
        ):
            return f"expands more than {limits.max_ratio}:1 (zip bomb?)"
        if self._total > limits.ratio_floor and self._total > limits.max_ratio * self._archive_size:
            return f"archive expands more than {limits.max_ratio}:1 overall (zip bomb?)"
        return None

    def _total_exceeded(self) -> bool:
        limits = self.limits
        return self._total > limits.max_total_bytes or (
            self._total > limits.ratio_floor and self._total > limits.max_ratio * self._archive_size
        )


def safe_name(raw: str) -> tuple[str | None, str]:
    """A member name made relative and "/"-separated, or None and why it is refused."""
    name = raw.replace("\\", "/")
    if "\x00" in name:
        return None, "NUL byte in the name"
    if name.startswith("/") or _DRIVE.match(name):
        return None, "absolute path"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None, "path traversal (..)"
    if not parts:
        return None, "empty name"
    return "/".join(parts), ""


def _is_special(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _printable(text: str) -> str:
    return _CONTROL.sub("?", text)


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _private_dirs(root: Path, parts: list[str]) -> Path:
    folder = root
    for part in parts:
        folder = folder / part
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if folder.is_symlink() or not folder.is_dir():
                raise NotADirectoryError(f"{folder.name} is not a folder") from None
    return folder
