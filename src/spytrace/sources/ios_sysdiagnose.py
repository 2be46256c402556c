"""iOS sysdiagnose archives, as the device writes them, packed or extracted.

A sysdiagnose (side button and both volume buttons, or Settings > Privacy > Analytics Data)
is `sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_iPhone-OS_<device>_<build>.tar.gz` holding one top
folder of the same name: `system_logs.logarchive/` (the unified log, its `Extra/` holding
shutdown.log), `logs/` (SystemVersion, MCState profiles, MobileInstallation, ...),
`crashes_and_spins/*.ips`, `ps.txt`, `ps_thread.txt`, `sysdiagnose.log`, `WiFi/`, ...
(layout as the EU's EC-DIGIT-CSIRC/sysdiagnose parsers and Kaspersky's iShutdown read it).
Logical paths are the paths inside that top folder, so `ps.txt`, `logs/...`. Accepted: the
tar(.gz), a zip of it, the extracted top folder, or a folder holding it.

A gzip tar can only be read front to back: opening members in the order artifacts ask for
them would decompress the archive again for every step back. The first file asked for
therefore extracts, in one pass in archive order, every member but the unified log's
tracev3 chunks (the bulk of the archive, which spytrace does not parse); later files come
from that copy. Members that cannot be had are listed in problems().
"""

from __future__ import annotations

import threading
from pathlib import Path

from spytrace.errors import EvidenceError, UnsupportedAcquisition
from spytrace.model import EvidenceFile
from spytrace.sources.base import SourceOptions
from spytrace.sources.ios_fs import ArchiveTree, FolderTree, Layout, Tree, TreeSource, open_tree

TYPE = "ios_sysdiagnose"
TOP_PREFIX = "sysdiagnose_"
LOGARCHIVE = "system_logs.logarchive/"
# The small files of the log archive that are read (shutdown.log, the archive's Info.plist).
LOGARCHIVE_READ = (LOGARCHIVE + "Extra/", LOGARCHIVE + "Info.plist")
# Files at the top of a sysdiagnose, to recognise one that was extracted without its folder.
MARKERS = ("sysdiagnose.log", "ps.txt", "system_logs.logarchive", "crashes_and_spins")


def _worth_extracting(logical: str) -> bool:
    return not logical.startswith(LOGARCHIVE) or logical.startswith(LOGARCHIVE_READ)


def open_ios_sysdiagnose(path: Path, options: SourceOptions, scratch: Path) -> IosSysdiagnose:
    """Open a sysdiagnose tar(.gz), zip or folder; `scratch`: a private folder the caller owns."""
    path = Path(path)
    tree = open_tree(path, scratch)
    try:
        return IosSysdiagnose(path, tree, _find_top(tree, path), scratch)
    except BaseException:
        tree.close()
        raise


def _find_top(tree: Tree, path: Path) -> Layout:
    if isinstance(tree, FolderTree):
        if path.name.startswith(TOP_PREFIX) and has_sysdiagnose_markers(path):
            return Layout("", True)
        folders = sorted(
            c.name for c in path.iterdir() if c.is_dir() and c.name.startswith(TOP_PREFIX)
        )
        if folders:
            return Layout(folders[0] + "/", True)
        if has_sysdiagnose_markers(path):
            return Layout("", True)
        raise UnsupportedAcquisition(f"{path}: no sysdiagnose_* folder or sysdiagnose files")
    tops: set[str] = set()
    flat = False
    for entry in tree.entries():
        head = entry.name.partition("/")[0]
        if head.startswith(TOP_PREFIX):
            tops.add(head)
        elif head in MARKERS:
            flat = True
    if tops:
        return Layout(sorted(tops)[0] + "/", True)
    if flat:
        return Layout("", True)
    raise UnsupportedAcquisition(f"{path}: no sysdiagnose_* folder in the archive")


def has_sysdiagnose_markers(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in MARKERS)


class IosSysdiagnose(TreeSource):
    """An opened sysdiagnose: its members by the path inside the top folder."""

    type = TYPE

    def __init__(self, path: Path, tree: Tree, layout: Layout, scratch: Path) -> None:
        super().__init__(path, tree, layout, scratch)
        self._prefetched = False
        self._prefetch_lock = threading.Lock()
        self._prefetch_problems: list[str] = []

    @property
    def folder_name(self) -> str:
        """The top folder's name: it carries the capture time, the device and the build."""
        return self._layout.prefix.rstrip("/")

    def _materialise(self, logical_path: str) -> EvidenceFile:
        self._prefetch()
        return super()._materialise(logical_path)

    def _prefetch(self) -> None:
        tree = self._tree
        if not isinstance(tree, ArchiveTree) or self._prefetched:
            return
        with self._prefetch_lock:
            if self._prefetched:
                return
            self._prefetched = True
            for member in list(tree.archive.members.values()):
                logical = self._layout.logical(member.name)
                if member.kind == "dir" or logical is None or not _worth_extracting(logical):
                    continue
                try:
                    tree.archive.extract(member.name)
                except EvidenceError as exc:
                    # Asked for later, the member fails again and its artifact says so.
                    self._prefetch_problems.append(f"{logical}: {exc}")

    def problems(self) -> list[str]:
        return [*super().problems(), *self._prefetch_problems]


__all__ = ["IosSysdiagnose", "open_ios_sysdiagnose"]
