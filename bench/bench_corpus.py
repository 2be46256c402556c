"""spytrace and MVT on the ground-truth corpus (bench.corpus): cost against input size, cost
against the number of indicators, and recall and precision with every shared feed loaded.

- Input size: iOS backups and androidqf folders at each size, both tools, the same STIX2 files
  (every one under /work/shared/iocs, which is every shared feed MVT can load, plus the
  scenario's own), one cold run each: wall time, CPU time, peak memory, and the planted
  indicator values each tool found, missed, and the other indicator values it matched (extra).
- Indicator count: one fixed backup, 1k to 1M synthetic domain indicators plus the planted
  ones: what loading a large feed costs each tool, and that detection holds.
- Recall and precision: every type, infected and clean twin, with every shared feed loaded
  (spytrace: all of /work/shared/iocs, STIX, lists and Echap files; MVT: its STIX2 files):
  every planted trace found (indicators in their artifact, heuristics by rule), and no
  indicator finding at all on the clean twins.

`plot()` draws time and memory against input size and indicator count (matplotlib, the
optional `bench` extra).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path

from bench import corpus, run_mvt
from bench.common import run_spytrace, workdir
from bench.measure import Measurement
from bench.stix_bundle import write_domain_bundle
from spytrace.testkit.scenarios import Scenario

# Timeouts, per MVT run: its indicator loader grows as n^1.85 (docs/benchmarks.md), so a
# million indicators would take hours.
MVT_TIMEOUT_S = 1800.0
_MVT_COMMANDS = {
    "ios_backup": ("ios", "check-backup", []),
    "ios_fs": ("ios", "check-fs", []),
    "android_androidqf": ("android", "check-androidqf", ["-n"]),
    "android_bugreport": ("android", "check-bugreport", []),
    "android_backup": ("android", "check-backup", ["-n"]),
}
NAMES = {
    "ios_backup": "iOS backup",
    "ios_fs": "iOS filesystem dump",
    "ios_sysdiagnose": "iOS sysdiagnose",
    "android_bugreport": "Android bugreport",
    "android_androidqf": "androidqf",
    "android_backup": "Android adb backup",
}
# What "input size" counts, per type, for the scaling table and plot.
UNITS = {"ios_backup": ("messages", "messages"), "android_androidqf": ("files", "files")}


@dataclass(frozen=True, slots=True)
class Tally:
    """Planted indicator values a tool matched and missed, and values it matched besides."""

    planted: int
    found: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ToolRun:
    tool: str
    measurement: Measurement
    tally: Tally


@dataclass(frozen=True, slots=True)
class Point:
    """Both tools on one input."""

    type: str
    size: str
    units: int  # messages, files or indicators
    spytrace: ToolRun
    mvt: ToolRun | None


def _planted_values(scenario: Scenario) -> set[str]:
    return {p.value.lower() for p in scenario.planted if p.kind == "ioc"}


def _tally(scenario: Scenario, matched: set[str]) -> Tally:
    planted = _planted_values(scenario)
    return Tally(
        planted=len(planted),
        found=len(planted & matched),
        missed=tuple(sorted(planted - matched)),
        extra=tuple(sorted(matched - planted)),
    )


def _spytrace(scenario: Scenario, iocs: list[Path], out: Path) -> ToolRun:
    m = run_spytrace(scenario.path, iocs, out)
    findings = out / "findings.json"
    matched = (
        {value.lower() for _, value in run_mvt.spytrace_hits(findings)}
        if findings.exists()
        else set()
    )
    return ToolRun("spytrace", m, _tally(scenario, matched))


def _mvt(
    kind: str, scenario: Scenario, iocs: list[Path], out: Path, timeout: float | None = None
) -> ToolRun | None:
    if kind not in _MVT_COMMANDS:
        return None  # MVT reads no sysdiagnose
    platform, command, extra = _MVT_COMMANDS[kind]
    run = run_mvt.run_mvt(platform, command, scenario.path, iocs, out, extra, timeout=timeout)
    matched = {(h.indicator_value or "").lower() for h in run.hits if h.indicator_value}
    return ToolRun("MVT", run.measurement, _tally(scenario, matched))


# -- input size -------------------------------------------------------------------------------


def by_size(
    sizes: Sequence[str],
    types: Sequence[str] = tuple(UNITS),
    mvt_sizes: Sequence[str] | None = None,
) -> list[Point]:
    """Both tools at each size; MVT only at `mvt_sizes` where given (it takes hours at L)."""
    points = []
    shared = run_mvt.stix_files()
    for kind in types:
        for size in sizes:
            done = corpus.variant(kind, size)
            iocs = [*shared, done.scenario.indicators]
            base = workdir(f"by-size/{kind}-{size}")
            points.append(
                Point(
                    kind, size, done.parameters[UNITS[kind][0]],
                    _spytrace(done.scenario, iocs, base / "spytrace"),
                    _mvt(kind, done.scenario, iocs, base / "mvt")
                    if mvt_sizes is None or size in mvt_sizes
                    else None,
                )
            )  # fmt: skip
    return points


# -- indicator count --------------------------------------------------------------------------


def by_indicators(
    counts: Sequence[int], size: str, mvt_counts: Sequence[int] | None = None
) -> list[Point]:
    """Both tools at each indicator count (MVT only at `mvt_counts`, if given)."""
    done = corpus.variant("ios_backup", size)
    points = []
    for count in counts:
        base = workdir(f"by-indicators/{count}")
        bundle = base / f"domains-{count}.stix2"
        if not bundle.exists():
            write_domain_bundle(bundle, count)
        iocs = [bundle, done.scenario.indicators]
        points.append(
            Point(
                "ios_backup", size, count,
                _spytrace(done.scenario, iocs, base / "spytrace"),
                _mvt("ios_backup", done.scenario, iocs, base / "mvt", MVT_TIMEOUT_S)
                if mvt_counts is None or count in mvt_counts
                else None,
            )
        )  # fmt: skip
    return points


# -- recall and precision ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Truth:
    """One type: what each tool found of the planted traces, and matched on the clean twin."""

    type: str
    size: str
    planted_iocs: int  # (artifact, value) pairs
    spytrace_found: int
    spytrace_missed: tuple[str, ...]
    planted_heuristics: int
    heuristics_fired: int
    heuristics_missed: tuple[str, ...]
    spytrace_extra: tuple[str, ...]
    spytrace_clean_iocs: int
    mvt: Tally | None
    mvt_clean_values: int | None  # indicator values MVT matched on the clean twin


def recall(size: str, types: Sequence[str] = corpus.TYPES) -> list[Truth]:
    everything = [run_mvt.SHARED_IOCS]
    shared_stix = run_mvt.stix_files()
    rows = []
    for kind in types:
        infected = corpus.variant(kind, size, True).scenario
        clean = corpus.variant(kind, size, False).scenario
        base = workdir(f"recall/{kind}-{size}")
        spy = _spytrace(infected, [*everything, infected.indicators], base / "spytrace")
        _spytrace(clean, [*everything, clean.indicators], base / "spytrace-clean")
        findings = _findings(base / "spytrace" / "findings.json")
        iocs = {(f["artifact"], f["indicator"]["value"].lower())
                for f in findings if f.get("kind") == "ioc" and f.get("indicator")}  # fmt: skip
        rules = {(f["artifact"], f.get("rule")) for f in findings if f.get("kind") == "heuristic"}
        planted = {(p.artifact, p.value.lower()) for p in infected.planted if p.kind == "ioc"}
        heuristics = {(p.artifact, p.value) for p in infected.planted if p.kind == "heuristic"}
        mvt = _mvt(kind, infected, [*shared_stix, infected.indicators], base / "mvt")
        mvt_clean = _mvt(kind, clean, [*shared_stix, clean.indicators], base / "mvt-clean")
        clean_findings = _findings(base / "spytrace-clean" / "findings.json")
        rows.append(
            Truth(
                type=kind,
                size=size,
                planted_iocs=len(planted),
                spytrace_found=len(planted & iocs),
                spytrace_missed=tuple(f"{a}: {v}" for a, v in sorted(planted - iocs)),
                planted_heuristics=len(heuristics),
                heuristics_fired=len(heuristics & rules),
                heuristics_missed=tuple(f"{a}: {r}" for a, r in sorted(heuristics - rules)),
                spytrace_extra=spy.tally.extra,
                spytrace_clean_iocs=sum(f.get("kind") == "ioc" for f in clean_findings),
                mvt=mvt.tally if mvt else None,
                mvt_clean_values=len(mvt_clean.tally.extra) if mvt_clean else None,
            )
        )
    return rows


def _findings(path: Path) -> list[dict[str, object]]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    found = document.get("findings", []) if isinstance(document, dict) else []
    return [f for f in found if isinstance(f, dict)]


# -- reporting --------------------------------------------------------------------------------


def _cell(m: Measurement) -> tuple[str, str, str]:
    if m.timed_out:
        return "timeout", "", ""
    if m.returncode not in (0, 1):  # spytrace exits 1 on findings
        return f"failed ({m.returncode})", "", ""
    return f"{m.wall_s:.2f}", f"{m.cpu_s:.2f}", f"{m.max_rss_mib:.0f}"


def _found(t: Tally) -> str:
    return f"{t.found}/{t.planted}"


def size_markdown(points: Sequence[Point]) -> str:
    lines = [
        "| input | size | tool | wall s | CPU s | peak RSS MiB | planted indicators found "
        "| missed | extra values matched |",
        "|---|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for p in points:
        what = f"{NAMES[p.type]}, {p.units:,} {UNITS[p.type][1]}"
        for run in (p.mvt, p.spytrace):
            if run is None:
                continue
            wall, cpu, rss = _cell(run.measurement)
            lines.append(
                f"| {what} | {p.size} | {run.tool} | {wall} | {cpu} | {rss} | {_found(run.tally)} "
                f"| {', '.join(run.tally.missed)} | {len(run.tally.extra)} |"
            )
    lines += ["", *_ratios(points)]
    return "\n".join(lines)


def _ratios(points: Sequence[Point]) -> list[str]:
    """Speed and memory against MVT at each size; growth of each tool from size to size."""
    notes = []
    for kind in dict.fromkeys(p.type for p in points):
        series = [p for p in points if p.type == kind]
        for p in series:
            s = p.spytrace.measurement
            m = p.mvt.measurement if p.mvt else None
            if m is None or not _usable(m) or not _usable(s):
                continue
            notes.append(
                f"- {NAMES[kind]} {p.size}: spytrace {m.wall_s / s.wall_s:.1f}× faster than MVT "
                f"(wall), {m.cpu_s / s.cpu_s:.1f}× less CPU, "
                f"{s.max_rss_bytes / m.max_rss_bytes:.0%} of its peak memory."
            )
        for a, b in itertools.pairwise(series):
            for run_a, run_b in ((a.spytrace, b.spytrace), (a.mvt, b.mvt)):
                if run_a is None or run_b is None:
                    continue
                ma, mb = run_a.measurement, run_b.measurement
                if not (_usable(ma) and _usable(mb)):
                    continue
                notes.append(
                    f"- {NAMES[kind]} {a.size} → {b.size} (input ×{b.units / a.units:.0f}), "
                    f"{run_a.tool}: time ×{mb.wall_s / ma.wall_s:.1f}, "
                    f"peak memory ×{mb.max_rss_bytes / ma.max_rss_bytes:.2f}."
                )
    return notes


def _usable(m: Measurement) -> bool:
    # spytrace exits 1 when it has findings, as it should on an infected input.
    return (
        not m.timed_out
        and m.returncode in (0, 1)
        and m.wall_s > 0
        and m.cpu_s > 0
        and m.max_rss_bytes > 0
    )


def indicators_markdown(points: Sequence[Point]) -> str:
    if not points:
        return ""
    lines = [
        f"Input: the {NAMES[points[0].type]} of size {points[0].size}, plus its planted "
        "indicators; synthetic domain indicators as real feeds write them (bench.stix_bundle). "
        f"MVT runs stop after {MVT_TIMEOUT_S / 60:.0f} minutes.",
        "",
        "| domain indicators | tool | wall s | CPU s | peak RSS MiB | planted indicators found |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for p in points:
        for run in (p.mvt, p.spytrace):
            if run is None:
                continue
            wall, cpu, rss = _cell(run.measurement)
            found = "" if run.measurement.timed_out else _found(run.tally)
            lines.append(f"| {p.units:,} | {run.tool} | {wall} | {cpu} | {rss} | {found} |")
    return "\n".join(lines)


def recall_markdown(rows: Sequence[Truth]) -> str:
    lines = [
        "| acquisition | size | spytrace: planted indicators found (in their artifact) "
        "| heuristics fired | IOC findings on the clean twin | MVT: planted indicator values "
        "found | MVT: indicator values matched on the clean twin |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for t in rows:
        missed = f" (missed {', '.join(t.spytrace_missed)})" if t.spytrace_missed else ""
        fired = f"{t.heuristics_fired}/{t.planted_heuristics}"
        if t.heuristics_missed:
            fired += f" (missed {', '.join(t.heuristics_missed)})"
        mvt = "n/a" if t.mvt is None else _found(t.mvt)
        if t.mvt is not None and t.mvt.missed:
            mvt += f" (missed {', '.join(t.mvt.missed)})"
        mvt_clean = "n/a" if t.mvt_clean_values is None else str(t.mvt_clean_values)
        lines.append(
            f"| {NAMES[t.type]} | {t.size} | {t.spytrace_found}/{t.planted_iocs}{missed} "
            f"| {fired} | {t.spytrace_clean_iocs} | {mvt} | {mvt_clean} |"
        )
    perfect = all(
        t.spytrace_found == t.planted_iocs
        and t.heuristics_fired == t.planted_heuristics
        and t.spytrace_clean_iocs == 0
        for t in rows
    )
    lines += [
        "",
        f"spytrace recall 100% and no indicator finding on any clean twin: "
        f"{'yes' if perfect else 'NO'}.",
    ]
    return "\n".join(lines)


def plot(sizes: Sequence[Point], indicators: Sequence[Point], target: Path) -> Path | None:
    """Time and peak memory against input size (per type) and indicator count, both tools."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        return None
    panels = [(kind, [p for p in sizes if p.type == kind]) for kind in dict.fromkeys(
        p.type for p in sizes)]  # fmt: skip
    if indicators:
        panels.append(("indicators", list(indicators)))
    if not panels:
        return None
    figure, axes = plt.subplots(2, len(panels), figsize=(5 * len(panels), 7.5), squeeze=False)
    for column, (kind, points) in enumerate(panels):
        for row, (metric, label) in enumerate((("wall_s", "wall time, s"),
                                               ("max_rss_mib", "peak memory, MiB"))):  # fmt: skip
            axis = axes[row][column]
            for tool, colour in (("spytrace", "tab:blue"), ("MVT", "tab:red")):
                xs, ys = [], []
                for p in points:
                    run = p.spytrace if tool == "spytrace" else p.mvt
                    if run is None or run.measurement.timed_out:
                        continue
                    value = getattr(run.measurement, metric)
                    if value > 0 and math.isfinite(value):
                        xs.append(p.units)
                        ys.append(value)
                if xs:
                    axis.plot(xs, ys, "o-", color=colour, label=tool)
            axis.set_xscale("log")
            axis.set_yscale("log")
            for scale in (axis.xaxis, axis.yaxis):
                scale.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
                scale.set_major_formatter(ticker.FuncFormatter(_tick))
                scale.set_minor_formatter(ticker.NullFormatter())
            axis.set_ylabel(label)
            axis.grid(True, which="both", alpha=0.3)
            if kind == "indicators":
                axis.set_xlabel(f"domain indicators ({NAMES[points[0].type]} {points[0].size})")
            else:
                axis.set_xlabel(f"{NAMES[kind]}: {UNITS[kind][1]}")
            axis.legend()
    figure.suptitle("spytrace and MVT: cost against input size and indicator count")
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=110)
    plt.close(figure)
    return target


def _tick(value: float, _: object) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def save(path: Path, **parts: object) -> None:
    """Every number behind the tables, as JSON, for whoever wants to redraw them."""

    def plain(value: object) -> object:
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if is_dataclass(value) and not isinstance(value, type):
            return json.loads(json.dumps(asdict(value), default=str))
        return value

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: plain(v) for k, v in parts.items()}, indent=1, default=str))
