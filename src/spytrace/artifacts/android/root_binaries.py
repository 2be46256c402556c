"""androidqf root_binaries.json: where `which -a` found su, busybox, magisk and the like.

modules/root_binaries.go runs `which -a` for su, busybox, supersu, Superuser.apk,
KingoUser.apk, SuperSu.apk, magisk, magiskhide, magiskinit and magiskpolicy, and saves the
non-empty outputs as a JSON list of strings (one output may hold several paths, one a line).
One record per path found.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "android_root_binaries"
PATHS = ("root_binaries.json",)


def parse(file: EvidenceFile) -> Iterator[Record]:
    try:
        found = msgspec.json.decode(file.path.read_bytes())
    except msgspec.DecodeError as exc:
        raise EvidenceError(f"{file.logical_path}: not valid JSON ({exc})") from exc
    if not isinstance(found, list):
        raise EvidenceError(f"{file.logical_path}: not a JSON list")
    for index, output in enumerate(found):
        if not isinstance(output, str):
            continue
        for path in (p.strip() for p in output.splitlines()):
            if not path or "not found" in path:
                continue
            name = path.rsplit("/", 1)[-1]
            yield Record(
                artifact=NAME,
                source=file.logical_path,
                locator=f"[{index}]",
                time=None,
                message=f"Root tool {name} found at {path}",
                fields={"path": path, "binary": name},
                # The matcher also tries a path's last component against file names.
                observables=Observable.of(
                    file_path=path if path.startswith("/") else None,
                    file_name=None if path.startswith("/") else name,
                ),
            )


ARTIFACT = Artifact(NAME, PATHS, parse)
