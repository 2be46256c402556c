"""Which files of an acquisition each artifact parser reads.

Artifacts name their files by logical-path globs. Most globs end in a literal file name, so a
file is only tested against the globs ending in its own name; the few globs with a wildcard
in the name are joined into one expression that turns most files away in a single test.
Planning stays one pass over the files however many artifacts there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from spytrace.model import Artifact
from spytrace.pathglob import compile_globs, is_pattern

_Match = Callable[[str], re.Match[str] | None]


def plan_files(artifacts: Sequence[Artifact], files: Iterable[str]) -> dict[str, list[str]]:
    """Each artifact's files, sorted; `files` is streamed (a backup may list millions)."""
    found: dict[str, dict[str, None]] = {a.name: {} for a in artifacts}
    literal: dict[str, list[str]] = {}
    by_name: dict[str, list[tuple[str, _Match]]] = {}
    wild: list[tuple[str, _Match]] = []
    for artifact in artifacts:
        for pattern in artifact.paths:
            if not is_pattern(pattern):
                literal.setdefault(pattern, []).append(artifact.name)
                continue
            name = pattern.rpartition("/")[2]
            matcher = (artifact.name, compile_globs([pattern]).match)
            if is_pattern(name):
                wild.append(matcher)
            else:
                by_name.setdefault(name, []).append(matcher)
    any_wild = compile_globs(p for a in artifacts for p in a.paths if _wild_name(p)).match
    for path in files:
        for name in literal.get(path, ()):
            found[name].setdefault(path, None)
        for name, match in by_name.get(path[path.rfind("/") + 1 :], ()):
            if match(path):
                found[name].setdefault(path, None)
        if wild and any_wild(path):
            for name, match in wild:
                if match(path):
                    found[name].setdefault(path, None)
    return {name: sorted(paths) for name, paths in found.items()}


def _wild_name(pattern: str) -> bool:
    return is_pattern(pattern.rpartition("/")[2])
