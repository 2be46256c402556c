"""Which files of an acquisition each artifact parser reads.

Artifacts name their files by logical-path globs. Most globs end in a literal file name, so
files are first grouped by name and only those candidates are tested: planning stays linear
in the number of files however many artifacts there are.
"""

from __future__ import annotations

from collections.abc import Sequence

from spytrace.model import Artifact
from spytrace.pathglob import compile_globs, is_pattern


def plan_files(artifacts: Sequence[Artifact], files: Sequence[str]) -> dict[str, list[str]]:
    present = set(files)
    by_name: dict[str, list[str]] = {}
    for path in files:
        by_name.setdefault(path.rpartition("/")[2], []).append(path)
    planned: dict[str, list[str]] = {}
    for artifact in artifacts:
        found: dict[str, None] = {}
        for pattern in artifact.paths:
            if not is_pattern(pattern):
                if pattern in present:
                    found.setdefault(pattern, None)
                continue
            name = pattern.rpartition("/")[2]
            candidates = files if is_pattern(name) else by_name.get(name, [])
            regex = compile_globs([pattern])
            for path in candidates:
                if regex.match(path):
                    found.setdefault(path, None)
        planned[artifact.name] = sorted(found)
    return planned
