"""Private scratch: folders 0700 inside the system temp, removed when done; new files 0600.

Decrypted and extracted evidence goes nowhere else. A new file is created exclusively and
never through a symbolic link, so a link planted in a scratch folder cannot redirect it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


@contextmanager
def private_tempdir(prefix: str = "spytrace-") -> Iterator[Path]:
    # mkdtemp creates the folder 0700 already.
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def create_private(path: Path) -> BinaryIO:
    """A new file only its owner can read; fails if anything is at `path` already."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "wb")


def copy_private(source: Path, destination: Path) -> str:
    """`source` copied to a new private file; the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    with source.open("rb") as src, create_private(destination) as out:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()
