"""What every acquisition source offers the scan, whatever its format."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from spytrace.model import EvidenceFile

# Asked only when an acquisition turns out to be encrypted and no password was given; the
# argument names what is encrypted ("the encrypted backup 0000… (Anna's iPhone, …)").
PasswordPrompt = Callable[[str], str]

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SourceOptions:
    password: str | None = None
    prompt: PasswordPrompt | None = None
    # Which device's backup, where one folder or archive holds several (a UDID).
    device: str | None = None


class Source(Protocol):
    """An opened acquisition. Parsers never see which format it was; they see logical paths.

    Logical paths have no leading slash: `HomeDomain/Library/SMS/sms.db` in an iOS backup,
    `private/var/mobile/Library/SMS/sms.db` in a filesystem dump.
    """

    type: str  # the acquisition type of the output contract, e.g. "ios_backup"
    platform: str  # "ios" or "android": which artifact catalog applies
    path: Path  # the input as the user gave it

    def files(self) -> Iterator[str]:
        """Every logical path present, each once, in a stable order."""
        ...

    def open(self, logical_path: str) -> EvidenceFile:
        """The file ready to read: decrypted or extracted when needed, WAL pairs copied together.

        Raises EvidenceError when the file cannot be had (missing, undecryptable).
        """
        ...

    def input_sha256(self) -> str:
        """The chain-of-custody hash of the input as given (file), or of its index (folder)."""
        ...

    def problems(self) -> list[str]:
        """What the source itself could not read (missing files, skipped members), one line each."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class IndexedSource(Protocol):
    """A source whose index finds the files that may match path patterns faster than listing
    every file does (an iOS backup's Manifest.db)."""

    def matching(self, patterns: Sequence[str]) -> Iterator[str]:
        """Logical paths that may match the patterns (a superset, files() order not kept)."""
        ...


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
