"""Output files: 0600 in 0700 folders, and a refusal to overwrite someone's work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from spytrace.errors import OutputExists

# What a scan writes; --force removes exactly these, nothing else the folder holds.
OUTPUT_NAMES = (
    "findings.json",
    "coverage.json",
    "custody.json",
    "timeline.csv",
    "timeline.jsonl",
    "records",
    "report.html",
    "report.pdf",
    "report-redacted.html",
    "report-redacted.pdf",
)


def check_output(path: Path, force: bool) -> None:
    """Refuse, before any work, an output that is a file or holds something, unless forced."""
    if path.exists() and not path.is_dir():
        raise OutputExists(f"{path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise OutputExists(f"{path} is not empty; choose another folder or add --force")


def prepare_output(path: Path, force: bool) -> None:
    check_output(path, force)
    if path.is_dir():
        for name in OUTPUT_NAMES:
            target = path / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
    make_private_dir(path)


def make_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


def open_private(path: Path) -> BinaryIO:
    """A new file only its owner can read; refuses to follow a planted symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


def write_private(path: Path, data: bytes) -> None:
    with open_private(path) as handle:
        handle.write(data)
