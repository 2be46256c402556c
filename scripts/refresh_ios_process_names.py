#!/usr/bin/env python3
"""Add iOS process names to src/spytrace/data/ios_process_names.txt from clean references.

Run by a maintainer, by hand, offline; never during a scan or a test. It reads what the
maintainer points it at and merges the names into the bundled list (names already there stay,
comments stay on top):

- a folder holding an iOS root filesystem: an IPSW's extracted system volume or a clean
  device's filesystem dump. Every Mach-O file (by its magic number, not its name) under
  System/, usr/, sbin/, bin/, Applications/, private/preboot/Cryptexes and
  System/Cryptexes gives its file name, which is the process name iOS reports;
- ps.txt files of clean sysdiagnoses: the executable name of each COMMAND.

    python scripts/refresh_ios_process_names.py --root /mnt/iPhone_26.1_23B85
    python scripts/refresh_ios_process_names.py --ps clean1/ps.txt clean2/ps.txt --dry-run

Only feed it references known to be clean: a name added here is never flagged as imitating.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

LIST = Path(__file__).resolve().parents[1] / "src/spytrace/data/ios_process_names.txt"
SYSTEM_FOLDERS = (
    "System",
    "usr",
    "sbin",
    "bin",
    "Applications",
    "private/preboot/Cryptexes",
)
# 64-bit and 32-bit Mach-O, both byte orders, and fat binaries.
MACHO_MAGICS = {
    b"\xcf\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",
    b"\xbe\xba\xfe\xca",
}
SKIP_SUFFIXES = (".dylib", ".so", ".bundle", ".framework", ".kext")


def macho_names(root: Path) -> Iterator[str]:
    for folder in SYSTEM_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for directory, _dirs, files in os.walk(base, followlinks=False):
            for name in files:
                path = Path(directory) / name
                if name.endswith(SKIP_SUFFIXES) or path.is_symlink() or not path.is_file():
                    continue
                try:
                    with path.open("rb") as handle:
                        head = handle.read(4)
                except OSError:
                    continue
                if head in MACHO_MAGICS and not name.startswith("."):
                    yield name


def ps_names(files: Iterable[Path]) -> Iterator[str]:
    for file in files:
        lines = file.read_text("utf-8", "replace").splitlines()
        if not lines:
            continue
        header = lines[0].split()
        if "COMMAND" not in header:
            print(f"{file}: no COMMAND column, skipped", file=sys.stderr)
            continue
        for line in lines[1:]:
            values = line.split(None, len(header) - 1)
            if len(values) < len(header):
                continue
            command = values[-1]
            executable = command.split(" -", 1)[0] if command.startswith("/") else command
            name = executable.rstrip("/").rpartition("/")[2].split(" ", 1)[0]
            if name:
                yield name


def merge(found: Iterable[str]) -> tuple[list[str], list[str], int]:
    text = LIST.read_text("utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    names = {line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"}
    added = sorted(set(found) - names)
    return comments, sorted(names | set(added), key=str.lower), len(added)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, action="append", default=[])
    parser.add_argument("--ps", type=Path, nargs="*", default=[])
    parser.add_argument("--dry-run", action="store_true", help="print the list, do not write")
    args = parser.parse_args()
    if not args.root and not args.ps:
        parser.error("give --root and/or --ps")
    found: set[str] = set()
    for root in args.root:
        found.update(macho_names(root))
    found.update(ps_names(args.ps))
    comments, names, added = merge(found)
    output = "\n".join([*comments, *names]) + "\n"
    if args.dry_run:
        sys.stdout.write(output)
    else:
        LIST.write_text(output, "utf-8")
    print(f"{added} name(s) added, {len(names)} in all", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
