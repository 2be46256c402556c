"""Android bugreports (`adb bugreport`, or Settings > Developer options > Take bug report).

Accepted inputs: the bugreport zip, or its unpacked folder. A bugreport holds
`main_entry.txt` naming the main dumpstate text (`bugreport-<device>-<build>-<date>.txt`),
`version.txt`, `FS/...` (copies of files: `FS/data/tombstones/tombstone_NN[.pb]`,
`FS/data/anr/*`, `FS/proc/<pid>/mountinfo`...), and more (frameworks/native dumpstate,
bugreport format documentation).

Logical layout (the same as the bugreport nested in an androidqf acquisition):
- `bugreport/dumpstate.txt`: the main dumpstate text (dumpsys sections, SYSTEM PROPERTIES,
  PROCESSES AND THREADS...); without main_entry.txt, the largest top-level
  `bugreport-*.txt` or `dumpstate*` file;
- `bugreport/<member>` for every other member, e.g. `bugreport/FS/data/tombstones/tombstone_00`.
Nothing is written into the input; archive members are extracted lazily into `scratch`.
"""

from __future__ import annotations

from pathlib import Path

from spytrace.errors import UserError
from spytrace.sources.android_tree import (
    MountedSource,
    Tree,
    bugreport_names,
    open_container,
)
from spytrace.sources.base import SourceOptions

TYPE = "android_bugreport"
PREFIX = "bugreport/"
DUMPSTATE = PREFIX + "dumpstate.txt"


def mount_bugreport(tree: Tree, path: Path, scratch: Path, label: str) -> None:
    """Mount a bugreport (zip or folder) under `bugreport/`."""
    provider = open_container(path, scratch, label)
    try:
        tree.mount(PREFIX, provider, bugreport_names(provider))
    except BaseException:
        provider.close()
        raise
    if not tree.has(DUMPSTATE):
        tree.add_problem(f"{label}: no main dumpstate text found (main_entry.txt missing?)")


def open_android_bugreport(path: Path, options: SourceOptions, scratch: Path) -> AndroidBugreport:
    return AndroidBugreport(Path(path), options, scratch)


class AndroidBugreport(MountedSource):
    type = TYPE

    def __init__(self, path: Path, options: SourceOptions, scratch: Path) -> None:
        super().__init__(path)
        mount_bugreport(self._tree, path, scratch / "bugreport", path.name)
        if not any(True for _ in self._tree.files()):
            self._tree.close()
            raise UserError(f"{path}: an empty bugreport")
