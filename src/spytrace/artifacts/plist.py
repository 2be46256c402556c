"""Property lists from evidence, XML or binary, with one clear error when they are broken.

plistlib refuses XML entity declarations outright, so entity-expansion tricks in a hostile
plist fail to load instead of expanding.
"""

from __future__ import annotations

import plistlib
from typing import Any

from spytrace.errors import EvidenceError
from spytrace.model import EvidenceFile

# A plist larger than this is not a settings file; refuse it rather than fill memory.
MAX_PLIST_BYTES = 64 << 20


def load_plist(file: EvidenceFile) -> Any:
    return loads_plist(_read(file), file.logical_path)


def loads_plist(data: bytes, name: str) -> Any:
    try:
        return plistlib.loads(data)
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError) as exc:
        raise EvidenceError(f"{name}: not a readable property list ({exc})") from exc
    except Exception as exc:  # expat raises its own error types on broken XML
        raise EvidenceError(f"{name}: not a readable property list ({exc})") from exc


def _read(file: EvidenceFile) -> bytes:
    size = file.path.stat().st_size
    if size > MAX_PLIST_BYTES:
        raise EvidenceError(f"{file.logical_path}: {size} bytes is too large for a property list")
    return file.path.read_bytes()
