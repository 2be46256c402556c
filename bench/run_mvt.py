"""Run Amnesty's MVT offline on an acquisition and read back what it detected.

Everything here drives MVT from the outside: its CLI as a subprocess, or a few lines
of Python run by the MVT venv's interpreter that call MVT's public classes. No MVT
code is copied. See docs/mvt-parity.md for what each MVT command reads and checks.

Offline: MVT contacts the network at start-up (PyPI version check, GitHub indicator
update check, plugin update check) and during checks (HEAD requests to expand known
URL shorteners, VirusTotal with ``--virustotal``). ``offline_env`` and ``mvt_argv``
switch all of that off:

* ``--disable-update-check --disable-indicator-update-check`` (group options, before
  the command name) skip the start-up checks;
* ``MVT_NETWORK_ACCESS_ALLOWED=false`` makes URL expansion a no-op;
* ``MVT_DATA_FOLDER`` points at an empty folder, so MVT neither loads indicators it
  downloaded earlier (it loads every ``*.stix2`` there on top of ``--iocs``) nor
  finds an update timestamp that would trigger a check; ``MVT_STIX2`` is removed for
  the same reason;
* ``MVT_CONFIG_FOLDER`` points at a scratch folder: MVT writes ``config.yaml`` there
  each time it is imported;
* ``HTTP(S)_PROXY`` point at a closed local port, so anything that still tries the
  network fails at once instead of leaking or hanging.

    python -m bench.run_mvt load                   # indicator loading: feeds + 1k/10k/100k
    python -m bench.run_mvt ios-backup BACKUP --iocs F [--iocs F]... -o OUT
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import mvt_env
from bench.measure import Measurement, markdown_table, measure
from bench.stix_bundle import write_domain_bundle

SHARED_IOCS = Path(
    os.environ.get("SPYTRACE_SHARED_IOCS")
    or Path(__file__).resolve().parents[2] / "shared" / "iocs"
)
_CLOSED_PORT_PROXY = "http://127.0.0.1:9"


# --------------------------------------------------------------------------- running


def offline_env(state_dir: Path) -> dict[str, str]:
    """The environment for an MVT run that touches no network and no user state."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MVT_")}
    (state_dir / "data").mkdir(parents=True, exist_ok=True)
    (state_dir / "config").mkdir(parents=True, exist_ok=True)
    env.update(
        MVT_NETWORK_ACCESS_ALLOWED="false",
        MVT_DATA_FOLDER=str(state_dir / "data"),
        MVT_CONFIG_FOLDER=str(state_dir / "config"),
        HTTP_PROXY=_CLOSED_PORT_PROXY,
        HTTPS_PROXY=_CLOSED_PORT_PROXY,
        http_proxy=_CLOSED_PORT_PROXY,
        https_proxy=_CLOSED_PORT_PROXY,
        NO_COLOR="1",
        COLUMNS="200",  # rich wraps log lines at the terminal width otherwise
    )
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return env


def mvt_argv(
    executable: Path,
    command: str,
    target: Path,
    iocs: Sequence[Path] = (),
    output: Path | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """``mvt-xxx --disable-…-checks COMMAND --iocs F… [--output DIR] [EXTRA] TARGET``."""
    argv = [str(executable), "--disable-update-check", "--disable-indicator-update-check"]
    argv.append(command)
    for ioc in iocs:
        argv += ["--iocs", str(ioc)]
    if output is not None:
        argv += ["--output", str(output)]
    argv += list(extra)
    argv.append(str(target))
    return argv


@dataclass(frozen=True, slots=True)
class MvtHit:
    """One MVT alert, reduced to what a comparison needs."""

    module: str  # MVT module slug, e.g. "sms", "safari_history"
    level: str  # INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL
    message: str
    event_time: str
    indicator_type: str | None = None  # MVT collection key: domains, processes, app_ids…
    indicator_value: str | None = None
    malware: str | None = None
    stix2_file: str | None = None

    @property
    def is_ioc(self) -> bool:
        return self.indicator_value is not None


@dataclass(frozen=True, slots=True)
class MvtRun:
    command: str
    output_dir: Path
    log_path: Path
    measurement: Measurement
    hits: tuple[MvtHit, ...]

    @property
    def ioc_pairs(self) -> frozenset[tuple[str, str]]:
        """The (module, indicator value) pairs MVT matched."""
        return ioc_pairs(self.hits)


def ioc_pairs(hits: Iterable[MvtHit]) -> frozenset[tuple[str, str]]:
    return frozenset((h.module, h.indicator_value) for h in hits if h.indicator_value is not None)


def _hit(alert: dict[str, Any]) -> MvtHit:
    ioc = alert.get("matched_indicator")
    ioc = ioc if isinstance(ioc, dict) else {}
    return MvtHit(
        module=str(alert.get("module") or ""),
        level=str(alert.get("level") or ""),
        message=str(alert.get("message") or ""),
        event_time=str(alert.get("event_time") or ""),
        indicator_type=ioc.get("type"),
        indicator_value=ioc.get("value"),
        malware=ioc.get("name"),
        stix2_file=ioc.get("stix2_file_name"),
    )


def read_hits(output_dir: Path) -> tuple[MvtHit, ...]:
    """MVT's alerts from an output folder.

    ``alerts.json`` (written by the top-level command, nested commands included) is
    preferred: two modules sharing a slug (androidqf's and bugreport's ``Mounts``)
    overwrite each other's ``<slug>_detected.json``. Without it, the union of the
    ``*_detected.json`` files.
    """
    alerts_path = output_dir / "alerts.json"
    paths = [alerts_path] if alerts_path.exists() else sorted(output_dir.glob("*_detected.json"))
    hits: list[MvtHit] = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        hits.extend(_hit(alert) for alert in data if isinstance(alert, dict))
    return tuple(hits)


def read_timeline(output_dir: Path, name: str = "timeline.csv") -> list[dict[str, str]]:
    """MVT's ``timeline.csv`` (or ``alerts_timeline.csv``) as a list of rows."""
    path = output_dir / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, escapechar="\\"))


def run_mvt(
    platform: str,
    command: str,
    target: Path,
    iocs: Sequence[Path],
    output_dir: Path,
    extra: Sequence[str] = (),
    timeout: float | None = None,
) -> MvtRun:
    """Run one MVT command offline, measured, and read its alerts back."""
    env = mvt_env.ensure()
    executable = env.mvt_ios if platform == "ios" else env.mvt_android
    output_dir.mkdir(parents=True, exist_ok=True)
    log_path = output_dir.parent / f"{output_dir.name}.console.log"
    with tempfile.TemporaryDirectory(prefix="mvt-state-") as state:
        m = measure(
            mvt_argv(executable, command, target, iocs, output_dir, extra),
            env=offline_env(Path(state)),
            stdout=log_path,
            stderr=log_path.with_suffix(".err"),
            timeout=timeout,
        )
    return MvtRun(command, output_dir, log_path, m, read_hits(output_dir))


def check_ios_backup(backup: Path, iocs: Sequence[Path], out: Path, fast: bool = False) -> MvtRun:
    return run_mvt("ios", "check-backup", backup, iocs, out, ["--fast"] if fast else [])


def check_ios_fs(dump: Path, iocs: Sequence[Path], out: Path, fast: bool = False) -> MvtRun:
    return run_mvt("ios", "check-fs", dump, iocs, out, ["--fast"] if fast else [])


def check_androidqf(
    path: Path, iocs: Sequence[Path], out: Path, backup_password: str | None = None
) -> MvtRun:
    # -n: never prompt (an encrypted backup.ab inside would otherwise wait on stdin).
    extra = ["-n"] + (["--backup-password", backup_password] if backup_password else [])
    return run_mvt("android", "check-androidqf", path, iocs, out, extra)


def check_android_bugreport(
    path: Path, iocs: Sequence[Path], out: Path, timezone: str | None = None
) -> MvtRun:
    extra = ["--timezone", timezone] if timezone else []
    return run_mvt("android", "check-bugreport", path, iocs, out, extra)


def check_android_backup(
    path: Path, iocs: Sequence[Path], out: Path, backup_password: str | None = None
) -> MvtRun:
    extra = ["-n"] + (["--backup-password", backup_password] if backup_password else [])
    return run_mvt("android", "check-backup", path, iocs, out, extra)


# check-iocs re-checks the JSON results of an earlier run and writes nothing: its
# detections only reach the console. This driver runs the real CLI entry point and
# records every alert as MVT's own AlertStore receives it.
_CHECK_IOCS_DRIVER = r"""
import json, sys
from mvt.common import alerts
from mvt.common.utils import CustomJSONEncoder
seen = []
_add = alerts.AlertStore.add
def add(self, alert):
    seen.append(alert)
    _add(self, alert)
alerts.AlertStore.add = add
out_path, platform = sys.argv[1], sys.argv[2]
sys.argv = ["mvt-" + platform] + sys.argv[3:]
try:
    if platform == "ios":
        from mvt.ios.cli import main
    else:
        from mvt.android.cli import main
    main()
finally:
    store = alerts.AlertStore()
    store.alerts.extend(seen)
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(store.as_json(), handle, indent=1, cls=CustomJSONEncoder)
"""


def check_iocs(platform: str, results_dir: Path, iocs: Sequence[Path], out: Path) -> MvtRun:
    """``mvt-<platform> check-iocs --iocs F… RESULTS_DIR`` with its alerts captured."""
    env = mvt_env.ensure()
    out.mkdir(parents=True, exist_ok=True)
    alerts_path = out / "alerts.json"
    log_path = out.parent / f"{out.name}.console.log"
    cli = mvt_argv(Path("x"), "check-iocs", results_dir, iocs)[1:]
    with tempfile.TemporaryDirectory(prefix="mvt-state-") as state:
        m = measure(
            [str(env.python), "-c", _CHECK_IOCS_DRIVER, str(alerts_path), platform, *cli],
            env=offline_env(Path(state)),
            stdout=log_path,
            stderr=log_path.with_suffix(".err"),
        )
    return MvtRun("check-iocs", out, log_path, m, read_hits(out))


# ------------------------------------------------------------------ parity with spytrace


def _norm(value: str) -> str:
    return value.strip().strip("'").lower().rstrip(".")


@dataclass(frozen=True, slots=True)
class Comparison:
    """Indicator values matched by MVT and by spytrace on the same input."""

    both: tuple[str, ...]
    only_mvt: tuple[str, ...]
    only_spytrace: tuple[str, ...]
    mvt_modules: dict[str, tuple[str, ...]]  # value -> MVT modules that hit it
    spytrace_artifacts: dict[str, tuple[str, ...]]  # value -> spytrace artifacts
    mvt_heuristics: tuple[MvtHit, ...]  # alerts with no indicator: review by hand

    @property
    def parity(self) -> bool:
        """spytrace found every indicator MVT found."""
        return not self.only_mvt


def spytrace_hits(findings_json: Path) -> list[tuple[str, str]]:
    """(artifact, indicator value) for each IOC finding in a spytrace findings.json."""
    data = json.loads(findings_json.read_text(encoding="utf-8"))
    pairs = []
    for finding in data.get("findings", []):
        indicator = finding.get("indicator") or {}
        if finding.get("kind") == "ioc" and indicator.get("value"):
            pairs.append((str(finding.get("artifact") or ""), str(indicator["value"])))
    return pairs


def compare(mvt_hits: Iterable[MvtHit], findings_json: Path) -> Comparison:
    """Which indicator values each tool matched (case-insensitive, quotes stripped)."""
    hits = list(mvt_hits)
    mvt: dict[str, set[str]] = {}
    for h in hits:
        if h.indicator_value is not None:
            mvt.setdefault(_norm(h.indicator_value), set()).add(h.module)
    spy: dict[str, set[str]] = {}
    for artifact, value in spytrace_hits(findings_json):
        spy.setdefault(_norm(value), set()).add(artifact)
    return Comparison(
        both=tuple(sorted(mvt.keys() & spy.keys())),
        only_mvt=tuple(sorted(mvt.keys() - spy.keys())),
        only_spytrace=tuple(sorted(spy.keys() - mvt.keys())),
        mvt_modules={k: tuple(sorted(v)) for k, v in sorted(mvt.items())},
        spytrace_artifacts={k: tuple(sorted(v)) for k, v in sorted(spy.items())},
        mvt_heuristics=tuple(h for h in hits if not h.is_ioc),
    )


# ------------------------------------------------------------------ indicator loading

# Runs in MVT's venv: times MVT's own loader (mvt.common.indicators.Indicators) and
# its URL check, which builds an Aho-Corasick automaton on first use.
_LOAD_DRIVER = r"""
import json, sys, time
t = time.perf_counter()
from mvt.common.indicators import Indicators
import_s = time.perf_counter() - t
checks = int(sys.argv[1])
files = sys.argv[2:]
ind = Indicators()
t = time.perf_counter()
ind.load_indicators_files(files, load_default=False)
load_s = time.perf_counter() - t
t = time.perf_counter()
ind.check_url("https://first.nomatch.example.org/")
first_s = time.perf_counter() - t
t = time.perf_counter()
for i in range(checks):
    ind.check_url(f"https://host{i}.nomatch.example.org/page")
per_s = (time.perf_counter() - t) / checks if checks else 0.0
print(json.dumps({"import_s": import_s, "load_s": load_s, "first_check_s": first_s,
                  "per_check_s": per_s, "indicators": ind.total_ioc_count,
                  "collections": len(ind.ioc_collections)}))
"""


@dataclass(frozen=True, slots=True)
class LoadTiming:
    label: str
    files: int
    indicators: int  # MVT's total_ioc_count (unique per collection)
    load_s: float  # Indicators.load_indicators_files
    first_check_s: float  # first check_url: builds the domain automaton
    per_check_us: float  # mean check_url after that, distinct non-matching URLs
    measurement: Measurement  # the whole process: interpreter + import + load + checks


def stix_files(root: Path = SHARED_IOCS) -> list[Path]:
    return sorted(root.rglob("*.stix2"))


def measure_mvt_load(
    files: Sequence[Path], label: str, checks: int = 1000, timeout: float | None = None
) -> LoadTiming:
    env = mvt_env.ensure()
    with tempfile.TemporaryDirectory(prefix="mvt-state-") as state:
        result = Path(state) / "load.json"
        m = measure(
            [str(env.python), "-c", _LOAD_DRIVER, str(checks), *map(str, files)],
            env=offline_env(Path(state)),
            stdout=result,
            timeout=timeout,
        )
        text = result.read_text(encoding="utf-8").strip() if m.ok else ""
    if not text:
        nan = float("nan")
        return LoadTiming(label, len(files), 0, nan, nan, nan, m)
    data = json.loads(text.splitlines()[-1])
    return LoadTiming(
        label=label,
        files=len(files),
        indicators=int(data["indicators"]),
        load_s=float(data["load_s"]),
        first_check_s=float(data["first_check_s"]),
        per_check_us=float(data["per_check_s"]) * 1e6,
        measurement=m,
    )


def load_scaling(
    sizes: Sequence[int], workdir: Path, timeout: float | None = None
) -> list[LoadTiming]:
    """MVT load time for synthetic bundles of ``sizes`` domain indicators."""
    timings = []
    for n in sizes:
        bundle = write_domain_bundle(workdir / f"domains-{n}.stix2", n)
        timings.append(measure_mvt_load([bundle], f"synthetic {n:,} domains", timeout=timeout))
    return timings


def fit_exponent(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(time) against log(n): 1 is linear, 2 quadratic."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den


def load_table(timings: Sequence[LoadTiming]) -> str:
    lines = [
        "| indicators file(s) | files | MVT indicators | load s | first check s "
        "| check_url µs | process wall s | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        m = t.measurement
        lines.append(
            f"| {t.label} | {t.files} | {t.indicators:,} | {t.load_s:.3f} | "
            f"{t.first_check_s:.4f} | {t.per_check_us:.1f} | {m.wall_s:.2f} | "
            f"{m.max_rss_mib:.0f} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------ CLI


def _main_load(args: argparse.Namespace) -> None:
    env = mvt_env.ensure()
    print(f"MVT {env.version}")
    timings = [measure_mvt_load(stix_files(args.iocs_root), f"all of {args.iocs_root}")]
    with tempfile.TemporaryDirectory(prefix="stix-bundles-") as tmp:
        scaling = load_scaling(args.sizes, Path(tmp), timeout=args.timeout)
    timings += scaling
    print(load_table(timings))
    points = [(float(n), t.load_s) for n, t in zip(args.sizes, scaling, strict=True)]
    points = [(n, s) for n, s in points if math.isfinite(s) and s > 0]
    if len(points) >= 2:
        print(f"\nload time ~ n^{fit_exponent(points):.2f} over {len(points)} sizes")
        for (n0, t0), (n1, t1) in itertools.pairwise(points):
            step = math.log(t1 / t0) / math.log(n1 / n0)
            print(f"  {int(n0):>7,} -> {int(n1):>7,}: x{t1 / t0:.1f} time, exponent {step:.2f}")


def _main_check(args: argparse.Namespace) -> None:
    commands = {
        "ios-backup": lambda: check_ios_backup(args.target, args.iocs, args.output),
        "ios-fs": lambda: check_ios_fs(args.target, args.iocs, args.output),
        "androidqf": lambda: check_androidqf(args.target, args.iocs, args.output),
        "bugreport": lambda: check_android_bugreport(args.target, args.iocs, args.output),
        "android-backup": lambda: check_android_backup(args.target, args.iocs, args.output),
        "ios-check-iocs": lambda: check_iocs("ios", args.target, args.iocs, args.output),
        "android-check-iocs": lambda: check_iocs("android", args.target, args.iocs, args.output),
    }
    run = commands[args.command]()
    print(markdown_table([(f"mvt {run.command}", run.measurement)]))
    print(f"\n{len(run.hits)} alerts, {len(run.ioc_pairs)} (module, indicator) pairs")
    for module, value in sorted(run.ioc_pairs):
        print(f"  {module}: {value}")
    if args.findings:
        cmp = compare(run.hits, args.findings)
        print(f"\nspytrace parity: {'yes' if cmp.parity else 'NO'}; missed: {list(cmp.only_mvt)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run_mvt", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="time MVT's indicator loading")
    load.add_argument("--iocs-root", type=Path, default=SHARED_IOCS)
    load.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    load.add_argument("--timeout", type=float, default=3600.0)
    for name in (
        "ios-backup",
        "ios-fs",
        "androidqf",
        "bugreport",
        "android-backup",
        "ios-check-iocs",
        "android-check-iocs",
    ):
        p = sub.add_parser(name, help=f"run MVT {name} offline")
        p.add_argument("target", type=Path)
        p.add_argument("--iocs", type=Path, action="append", default=[])
        p.add_argument("-o", "--output", type=Path, required=True)
        p.add_argument("--findings", type=Path, help="spytrace findings.json to compare with")
    args = parser.parse_args(argv)
    if args.command == "load":
        _main_load(args)
    else:
        _main_check(args)


if __name__ == "__main__":
    main()
