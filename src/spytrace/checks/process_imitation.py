"""A process name that is not iOS's but is one or two letters away from one of its daemons.

Pegasus named its processes after iOS daemons with a letter changed, added or dropped:
"CommsCenterRootHelper" for CommCenterRootHelper, "fmld" for fmfd, "bluetoothfs" for
bluetoothd (Amnesty International, Forensic Methodology Report, 2021). Names from DataUsage,
netusage and the sysdiagnose process list are compared with the iOS process names bundled in
spytrace/data/ios_process_names.txt (refreshed by scripts/refresh_ios_process_names.py). A
close miss is only a lead (a new iOS release adds daemons, apps pick odd names), so the
finding is low and says which real name the process resembles. App processes (a bundle id
that is not Apple's, or a binary in an app bundle) are not compared, nor are names iOS cut
short (DataUsage keeps 15-16 characters) that begin a known name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from spytrace.checks.ios_locations import APP, location
from spytrace.model import Check, Finding, Observable, Record, Severity

READS = ("datausage", "netusage", "ps")
TRUNCATED_AT = 15


@cache
def known_names() -> frozenset[str]:
    text = resources.files("spytrace").joinpath("data/ios_process_names.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def _known_lower() -> dict[str, str]:
    return {name.lower(): name for name in known_names()}


def check(records: Iterable[Record]) -> Iterator[Finding]:
    seen: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        name = _name(record)
        if name and not _is_app(record) and _resembled(name) is not None:
            seen[name].append(record)
    for name in sorted(seen):
        found = seen[name]
        real, distance = _resembled(name) or ("", 0)
        where = ", ".join(sorted({r.artifact for r in found}))
        yield Finding.heuristic(
            found[0],
            Severity.LOW,
            f"Process {name!r} ({where}) is not an iOS process name but is {distance} "
            f"letter{'s' if distance > 1 else ''} away from the iOS process {real!r}, the way "
            "Pegasus disguised its processes; check it against the device's iOS version",
            observable=Observable("process", name),
            related=found[1:],
        )


def _name(record: Record) -> str:
    value = record.fields.get("process_name")
    if not isinstance(value, str):
        return ""
    return value.partition("/")[0].strip()


def _is_app(record: Record) -> bool:
    bundle = record.fields.get("bundle_id")
    if isinstance(bundle, str) and bundle and not bundle.startswith("com.apple."):
        return True
    path = record.fields.get("process_path")
    return isinstance(path, str) and location(path) == APP


def _resembled(name: str) -> tuple[str, int] | None:
    """The known name `name` imitates and how many edits apart, or None."""
    lower = name.lower()
    known = _known_lower()
    if lower in known or len(lower) < 4:
        return None
    if len(lower) >= TRUNCATED_AT and any(k.startswith(lower) for k in known):
        return None
    limit = 2 if len(lower) >= 10 else 1
    best: tuple[str, int] | None = None
    for candidate, original in known.items():
        if abs(len(candidate) - len(lower)) > limit or len(candidate) < 4:
            continue
        if len(lower) < 5 and not (lower.endswith("d") and candidate.endswith("d")):
            continue  # four letters: only daemon-style names, or everything resembles something
        distance = _distance(lower, candidate, limit)
        if distance is not None and (best is None or distance < best[1]):
            best = (original, distance)
    return best


def _distance(a: str, b: str, limit: int) -> int | None:
    """Edits (insert, delete, replace, swap two neighbours) from a to b, if at most `limit`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


CHECK = Check("process_imitation", reads=READS, run=check)
