"""Indicator loading and lookups: spytrace's index at 1k to 1M indicators, and MVT's loader.

Lookups are timed in-process over a fixed mix of observables (hits and misses, subdomains,
URLs), so the rate can be compared across index sizes: it must stay flat.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench import run_mvt
from bench.common import workdir
from bench.stix_bundle import domain, write_domain_bundle
from spytrace.iocs.loader import load_feeds
from spytrace.model import Observable

LOOKUPS = 200_000


@dataclass(frozen=True, slots=True)
class IndexTiming:
    indicators: int
    loaded: int  # what the index holds: must equal `indicators`
    load_s: float
    cached_load_s: float
    lookups_per_s: float


def _observables(n: int) -> list[Observable]:
    mixed: list[Observable] = []
    for i in range(LOOKUPS):
        if i % 4 == 0:
            mixed.append(Observable("domain", f"cdn.{domain(i % n)}"))
        elif i % 4 == 1:
            mixed.append(Observable("url", f"https://{domain(i % n)}/p/{i}?q=1"))
        elif i % 4 == 2:
            mixed.append(Observable("domain", f"miss-{i}.example.net"))
        else:
            mixed.append(Observable("url", f"https://www.miss-{i}.example.org/a/b"))
    return mixed


def spytrace_index(sizes: tuple[int, ...]) -> list[IndexTiming]:
    base = workdir("iocs")
    rows = []
    for n in sizes:
        bundle = base / f"domains-{n}.stix2"
        if not bundle.exists():
            write_domain_bundle(bundle, n)
        cache = base / f"cache-{n}"
        for old in cache.glob("*"):
            old.unlink()
        start = time.perf_counter()
        load_feeds([bundle], cache_dir=cache)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        feeds = load_feeds([bundle], cache_dir=cache)
        cached_s = time.perf_counter() - start
        index = feeds.index
        observables = _observables(n)
        start = time.perf_counter()
        for observable in observables:
            index._match_uncached(observable.kind, observable.value)  # no LRU help
        rate = len(observables) / (time.perf_counter() - start)
        rows.append(IndexTiming(n, len(index), load_s, cached_s, rate))
    return rows


def shared_feeds() -> tuple[float, int]:
    files = run_mvt.stix_files()
    start = time.perf_counter()
    feeds = load_feeds(files)
    return time.perf_counter() - start, len(feeds.index)


def markdown(sizes: tuple[int, ...], mvt_sizes: tuple[int, ...]) -> str:
    # MVT first: its runs are subprocesses, whose peak memory would otherwise include the
    # pages of this process after it has loaded a million indicators.
    mvt_shared = run_mvt.measure_mvt_load(run_mvt.stix_files(), "all shared STIX2 files")
    timings = run_mvt.load_scaling(mvt_sizes, workdir("iocs"))
    exponent = run_mvt.fit_exponent([(t.indicators, t.load_s) for t in timings])
    seconds, count = shared_feeds()
    lines = ["### Indicator index", "",
             "| domain indicators | loaded | spytrace load s | load s, cached index | lookups/s |",
             "|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in spytrace_index(sizes):
        lines.append(
            f"| {row.indicators:,} | {row.loaded:,} | {row.load_s:.2f} "
            f"| {row.cached_load_s:.2f} | {row.lookups_per_s:,.0f} |"
        )
    lines += ["", "### Loading the same STIX2 files", "",
              "| files | spytrace s | MVT s | indicators (spytrace / MVT) |", "|---|---:|---:|---|",
              f"| all 16 shared STIX2 files | {seconds:.3f} | {mvt_shared.load_s:.3f} "
              f"| {count:,} / {mvt_shared.indicators:,} |", "",
              "spytrace counts distinct (kind, value) pairs across files; MVT counts each "
              "indicator once per file it is in.", "",
              f"MVT's loader on synthetic bundles (time grows as n^{exponent:.2f}):", "",
              run_mvt.load_table(timings)]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown((1_000, 100_000, 1_000_000), (1_000, 3_000, 10_000, 30_000)))
