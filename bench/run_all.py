"""`make bench`: every benchmark, written to docs/benchmarks.md (rerun it, never edit by hand).

python -m bench.run_all            # sizes S and M, up to 100k indicators (about 20 minutes)
python -m bench.run_all --full     # and size L, and 1M indicators (an hour or more)
python -m bench.run_all --large    # and size L and 1M indicators, spytrace alone (MVT: hours)
python -m bench.run_all --quick    # smaller inputs, for a smoke test

The ground-truth corpus (bench.corpus) is built on first use into bench/out/corpus/ and
reused after; the plot goes to docs/benchmarks-scaling.png, the raw numbers to
bench/out/results.json.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bench import bench_corpus, bench_iocs, bench_scans, mvt_env
from bench.common import ROOT, WORK, compile_spytrace, machine
from spytrace import __version__

# Sizes, indicator counts and the size recall is measured at, per mode.
PLANS = {
    "quick": (("XS", "S"), (1_000, 10_000), "XS"),
    "default": (("S", "M"), (1_000, 100_000), "S"),
    "full": (("S", "M", "L"), (1_000, 100_000, 1_000_000), "S"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs")
    parser.add_argument("--full", action="store_true", help="add size L and 1M indicators")
    parser.add_argument(
        "--large",
        action="store_true",
        help="add size L and 1M indicators for spytrace alone (no MVT run there)",
    )
    parser.add_argument(
        "--docs", type=Path, default=ROOT / "docs", help="where benchmarks.md and the plot go"
    )
    args = parser.parse_args()
    env = mvt_env.ensure()
    compile_spytrace()
    if args.quick:
        scans = [bench_scans.ios_backup(10_000, 10_000), bench_scans.androidqf(20_000)]
        iocs = bench_iocs.markdown((1_000, 10_000), (1_000, 3_000))
    else:
        scans = [bench_scans.ios_backup(), bench_scans.androidqf()]
        iocs = bench_iocs.markdown((1_000, 100_000, 1_000_000), (1_000, 3_000, 10_000, 30_000))
    mode = "quick" if args.quick else "full" if args.full else "default"
    sizes, counts, recall_size = PLANS[mode]
    if args.large and "L" not in sizes:
        growth = bench_corpus.by_size((*sizes, "L"), mvt_sizes=sizes)
        loading = bench_corpus.by_indicators((*counts, 1_000_000), sizes[0], mvt_counts=counts)
    else:
        growth = bench_corpus.by_size(sizes)
        loading = bench_corpus.by_indicators(counts, sizes[0])
    truth = bench_corpus.recall(recall_size)
    picture = bench_corpus.plot(growth, loading, args.docs / "benchmarks-scaling.png")
    bench_corpus.save(WORK / "results.json", by_size=growth, by_indicators=loading, recall=truth)
    opt_in = (
        "Size L (1M messages, 2M files) and the 1M-indicator run are in this table."
        if mode == "full"
        else "Size L (1M messages, 2M files) and 1M indicators are in these tables for "
        "spytrace alone (`--large`); MVT at L and with 1M indicators are opt-in: "
        "`python -m bench.run_all --full`: with "
        "MVT they take an hour or more (its indicator loader grows as n^1.85; its 1M run "
        f"stops at the {bench_corpus.MVT_TIMEOUT_S / 60:.0f}-minute timeout)."
        if args.large
        else "Size L (1M messages, 2M files) and the 1M-indicator run are opt-in: "
        "`python -m bench.run_all --full` (or `make bench BENCH_ARGS=--full`): with MVT they "
        "take an hour or more (its indicator loader grows as n^1.85; its 1M run stops at the "
        f"{bench_corpus.MVT_TIMEOUT_S / 60:.0f}-minute timeout)."
    )
    text = "\n".join([
        "# Benchmarks", "",
        f"Written by `make bench` ({mode}{', --large' if args.large else ''}) on "
        f"{datetime.now(UTC):%Y-%m-%d}: spytrace {__version__} against MVT {env.version}, "
        "same input, same STIX2 files, one cold run each (fresh indicator cache); both tools' "
        "bytecode compiled beforehand, as pip does on install.", "",
        f"Machine: {machine()}.", "",
        "## Scans", "", bench_scans.markdown(scans), "",
        "## Indicators", "", iocs, "",
        "## Cost against input size", "",
        "The ground-truth corpus (`python -m bench.corpus`): each size ten times the one before; "
        "both tools load every shared STIX2 file plus the scenario's own. " + opt_in, "",
        bench_corpus.size_markdown(growth), "",
        *([f"![time and memory against input size and indicator count]({picture.name})", ""]
          if picture else ["(No plot: install the `bench` extra for matplotlib.)", ""]),
        "## Cost against indicator count", "", bench_corpus.indicators_markdown(loading), "",
        "## Recall and precision", "",
        "Every type of the corpus at size "
        f"{recall_size}, infected and clean twin, with every shared feed loaded: spytrace all "
        "of /work/shared/iocs (STIX2, plain lists, Echap files), MVT every STIX2 file there "
        "(the only format it reads), each plus the scenario's own indicators. MVT reads no "
        "sysdiagnose.", "",
        bench_corpus.recall_markdown(truth), "",
    ])  # fmt: skip
    args.docs.mkdir(parents=True, exist_ok=True)
    (args.docs / "benchmarks.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
