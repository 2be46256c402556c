"""A Source over a plain folder, for pipeline tests that must not depend on a real format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from spytrace.errors import EvidenceError
from spytrace.model import EvidenceFile


class FolderSource:
    type = "ios_backup"
    platform = "ios"

    def __init__(self, root: Path, problems: list[str] | None = None) -> None:
        self.path = root
        self._problems = problems or []

    def files(self) -> Iterator[str]:
        for path in sorted(self.path.rglob("*")):
            if path.is_file():
                yield path.relative_to(self.path).as_posix()

    def open(self, logical_path: str) -> EvidenceFile:
        path = self.path / logical_path
        if not path.is_file():
            raise EvidenceError(f"{logical_path}: missing from the acquisition")
        return EvidenceFile(logical_path, path)  # the evidence itself: the run hashes it

    def input_sha256(self) -> str:
        return "0" * 64

    def problems(self) -> list[str]:
        return list(self._problems)

    def close(self) -> None:
        pass
