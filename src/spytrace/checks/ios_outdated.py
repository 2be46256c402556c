"""The device runs an iOS release older than the newest of its line: it misses security fixes.

Mercenary spyware is delivered through flaws Apple has since fixed; a phone behind the newest
release of its major line stays open to them. The releases spytrace knows are bundled in
data/ios_releases.json (rebuilt offline by scripts/refresh_ios_releases.py), so the answer is
only as fresh as that table: a build the table does not know gets an info finding, never a
guess. Releases only Apple's iPads received (late iOS 17) are compared only for iPads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from spytrace.model import Check, Finding, Record, Severity

READS = ("backup_info", "device_info", "sysdiagnose_info")


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    builds: tuple[str, ...]
    released: date | None
    ipad_only: bool = False

    @property
    def key(self) -> tuple[int, ...]:
        return version_key(self.version) or ()


@dataclass(frozen=True, slots=True)
class ReleaseTable:
    releases: tuple[Release, ...]
    updated: str

    def by_build(self, build: str) -> Release | None:
        return next((r for r in self.releases if build in r.builds), None)

    def by_version(self, version: tuple[int, ...]) -> Release | None:
        return next((r for r in self.releases if r.key == version), None)

    def line(self, major: int, *, ipad: bool | None) -> list[Release]:
        """The releases of one major version a device of that kind could install, oldest first.

        `ipad` is None when the device kind is unknown: then only releases every device got.
        """
        return sorted(
            (r for r in self.releases if r.key[:1] == (major,) and (ipad or not r.ipad_only)),
            key=lambda r: r.key,
        )


def version_key(text: object) -> tuple[int, ...] | None:
    """ "17.5.1" -> (17, 5, 1); "18.0" and "18" compare equal; anything else -> None."""
    if not isinstance(text, str):
        return None
    try:
        parts = [int(p) for p in text.strip().split(".")]
    except ValueError:
        return None
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts) if parts and parts[0] > 0 else None


def table_from(data: Mapping[str, Any]) -> ReleaseTable:
    releases = []
    for item in data.get("releases", []):
        released = item.get("released")
        releases.append(
            Release(
                version=str(item["version"]),
                builds=tuple(item.get("builds", ())),
                released=date.fromisoformat(released) if released else None,
                ipad_only=item.get("platform") == "iPadOS",
            )
        )
    return ReleaseTable(tuple(releases), str(data.get("updated", "")))


@cache
def bundled_table() -> ReleaseTable:
    text = resources.files("spytrace").joinpath("data/ios_releases.json").read_text("utf-8")
    return table_from(json.loads(text))


def check(records: Iterable[Record], table: ReleaseTable | None = None) -> Iterator[Finding]:
    table = table or bundled_table()
    judged: set[tuple[str, str]] = set()
    # Info.plist first: it also says which kind of device it is.
    for record in sorted(
        records, key=lambda r: READS.index(r.artifact) if r.artifact in READS else len(READS)
    ):
        version = record.fields.get("product_version")
        build = record.fields.get("build_version")
        if not version and not build:
            continue
        seen = (str(version or ""), str(build or ""))
        if seen in judged:
            continue
        judged.add(seen)
        yield from _judge(record, table, version, build)


def _judge(record: Record, table: ReleaseTable, version: Any, build: Any) -> Iterator[Finding]:
    known = table.by_build(build) if isinstance(build, str) else None
    running = known.key if known else version_key(version)
    shown = f"iOS {version or (known.version if known else '?')}" + (f" ({build})" if build else "")
    if running is None or not table.line(running[0], ipad=None):
        yield Finding.heuristic(
            record,
            Severity.INFO,
            f"Unknown iOS build: {shown} is not in spytrace's release table (updated "
            f"{table.updated}), so it cannot tell whether the device is up to date",
        )
        return
    product = record.fields.get("product_type")
    ipad = product.startswith("iPad") if isinstance(product, str) and product else None
    line = table.line(running[0], ipad=ipad)
    newer = [r for r in line if r.key > running]
    if not newer:
        return
    newest = newer[-1]
    when = f", released {newest.released.isoformat()}" if newest.released else ""
    build_text = f" ({newest.builds[0]})" if newest.builds else ""
    count = len(newer)
    yield Finding.heuristic(
        record,
        Severity.LOW,
        f"{shown} is {count} release{'s' if count > 1 else ''} behind iOS {newest.version}"
        f"{build_text}{when}, the newest iOS {running[0]} release spytrace knows; the updates "
        "it misses fix security flaws",
    )


CHECK = Check("ios_outdated", reads=READS, run=check)
