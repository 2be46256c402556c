"""Private scratch folders: 0700, inside the system temp, removed when done."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def private_tempdir(prefix: str = "spytrace-") -> Iterator[Path]:
    # mkdtemp creates the folder 0700 already; decrypted evidence goes nowhere else.
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
