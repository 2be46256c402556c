"""The ground-truth corpus: every acquisition type in sizes S, M and L, infected and clean.

Each variant is a testkit scenario (real formats) written to
`bench/out/corpus/<type>/<size>-<infected|clean>/` with `planted.json` beside it: the traces
a correct scan must report (artifact, ioc or heuristic, value, malware), the indicator file
that matches them, and the password if any. A clean twin is the same acquisition, the same
size and the same indicator file, with no trace: a scan of it must report no indicator.
`manifest.json` lists every variant built, with its size parameters.

Sizes grow tenfold per step. iOS backups: 10k, 100k and 1M messages, Safari history a tenth
of that, as many extra Manifest.db files (each stored, as a backup stores them). androidqf:
20k, 200k and 2M files in files.json, a hundredth as many packages. The others alike: the
filesystem dump's messages and photos, the sysdiagnose's reboots, crash reports and
processes, the bugreport's packages, the adb backup's texts. XS (a tenth of S) is for smoke
tests (`bench.run_all --quick`).

Built lazily: a variant whose planted.json exists is reused; one half-built (no planted.json)
is removed and built again.

    python -m bench.corpus                         # S and M of every type, both twins
    python -m bench.corpus --sizes L --types ios_backup android_androidqf
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.common import WORK
from spytrace.testkit import scenarios
from spytrace.testkit.scenarios import Scenario, load_scenario

ROOT = WORK / "corpus"
SIZES = ("XS", "S", "M", "L")
SCALE = {"XS": 1, "S": 10, "M": 100, "L": 1000}  # S is ten times XS, and so on
TYPES = (
    "ios_backup",
    "ios_fs",
    "ios_sysdiagnose",
    "android_bugreport",
    "android_androidqf",
    "android_backup",
)
# Messages in one in this many link to the exploit domain (as bench_scans' backup).
LINK_EVERY = 1000

Builder = Callable[[Path, bool], Scenario]


def _parameters(kind: str, size: str) -> dict[str, int]:
    """What grows with the size, for each type (XS values times SCALE)."""
    k = SCALE[size]
    return {
        "ios_backup": {"messages": 1000 * k, "visits": 100 * k, "extra_files": 1000 * k},
        "ios_fs": {"messages": 1000 * k, "files": 100 * k},
        "ios_sysdiagnose": {"reboots": 100 * k, "crashes": 10 * k, "processes": 10 * k},
        "android_bugreport": {"packages": 100 * k},
        "android_androidqf": {"files": 2000 * k, "packages": 20 * k},
        "android_backup": {"messages": 1000 * k},
    }[kind]


def _builder(kind: str, size: str) -> Builder:
    p = _parameters(kind, size)
    if kind == "ios_backup":
        return lambda d, infected: scenarios.pegasus_backup(
            d, infected=infected, link_every=LINK_EVERY, **p
        )
    if kind == "ios_fs":
        return lambda d, infected: scenarios.pegasus_fs(
            d, infected=infected, link_every=LINK_EVERY, **p
        )
    if kind == "ios_sysdiagnose":
        return lambda d, infected: scenarios.pegasus_sysdiagnose(d, infected=infected, **p)
    if kind == "android_bugreport":
        return lambda d, infected: scenarios.stalkerware_bugreport(d, infected=infected, **p)
    if kind == "android_androidqf":
        return lambda d, infected: scenarios.stalkerware_androidqf(d, infected=infected, **p)
    if kind == "android_backup":
        return lambda d, infected: scenarios.stalkerware_adb_backup(d, infected=infected, **p)
    raise ValueError(f"unknown acquisition type {kind}")


@dataclass(frozen=True, slots=True)
class Variant:
    type: str
    size: str
    infected: bool
    scenario: Scenario
    parameters: dict[str, int]
    built_s: float | None  # None: reused from an earlier run

    @property
    def label(self) -> str:
        return f"{self.type} {self.size} {'infected' if self.infected else 'clean'}"


def folder(kind: str, size: str, infected: bool, root: Path = ROOT) -> Path:
    return root / kind / f"{size}-{'infected' if infected else 'clean'}"


def variant(kind: str, size: str, infected: bool = True, root: Path = ROOT) -> Variant:
    """One variant, built unless a complete one is there already."""
    target = folder(kind, size, infected, root)
    parameters = _parameters(kind, size)
    scenario = load_scenario(target)
    if scenario is not None and scenario.path.exists():
        return Variant(kind, size, infected, scenario, parameters, None)
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    scenario = _builder(kind, size)(target, infected)
    return Variant(kind, size, infected, scenario, parameters, time.perf_counter() - start)


def ensure(
    types: Iterable[str] = TYPES,
    sizes: Iterable[str] = ("S", "M"),
    twins: bool = True,
    root: Path = ROOT,
    progress: Callable[[Variant], None] | None = None,
) -> list[Variant]:
    """Every requested variant, built where missing; manifest.json rewritten to list them all."""
    built = []
    for kind in types:
        for size in sizes:
            for infected in (True, False) if twins else (True,):
                done = variant(kind, size, infected, root)
                built.append(done)
                if progress is not None:
                    progress(done)
    _write_manifest(root)
    return built


def _write_manifest(root: Path) -> None:
    entries = []
    for kind in TYPES:
        for size in SIZES:
            for infected in (True, False):
                target = folder(kind, size, infected, root)
                scenario = load_scenario(target)
                if scenario is None:
                    continue
                entries.append(
                    {
                        "type": kind,
                        "size": size,
                        "infected": infected,
                        "parameters": _parameters(kind, size),
                        "path": str(scenario.path),
                        "indicators": str(scenario.indicators),
                        "planted": str(target / scenarios.PLANTED),
                        "planted_traces": len(set(scenario.planted)),
                    }
                )
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.json").write_text(json.dumps(entries, indent=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--types", nargs="+", choices=TYPES, default=list(TYPES))
    parser.add_argument("--sizes", nargs="+", choices=SIZES, default=["S", "M"])
    parser.add_argument("--no-twins", action="store_true", help="infected variants only")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)

    def show(done: Variant) -> None:
        how = "reused" if done.built_s is None else f"built in {done.built_s:.1f} s"
        traces = len(set(done.scenario.planted))
        print(f"{done.label:<36} {how:<18} {traces:>2} planted  {done.scenario.path}")

    ensure(args.types, args.sizes, not args.no_twins, args.root, show)
    print(f"manifest: {args.root / 'manifest.json'}")


if __name__ == "__main__":
    main()
