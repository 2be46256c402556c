"""`make bench`: every benchmark, written to docs/benchmarks.md (rerun it, never edit by hand).

python -m bench.run_all            # everything (about 10 minutes; MVT's loader is slow)
python -m bench.run_all --quick    # smaller inputs, for a smoke test
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from bench import bench_iocs, bench_scans, mvt_env
from bench.common import ROOT, machine
from spytrace import __version__


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small inputs")
    args = parser.parse_args()
    env = mvt_env.ensure()
    if args.quick:
        scans = [bench_scans.ios_backup(10_000, 10_000), bench_scans.androidqf(20_000)]
        iocs = bench_iocs.markdown((1_000, 10_000), (1_000, 3_000))
    else:
        scans = [bench_scans.ios_backup(), bench_scans.androidqf()]
        iocs = bench_iocs.markdown((1_000, 100_000, 1_000_000), (1_000, 3_000, 10_000, 30_000))
    text = "\n".join([
        "# Benchmarks", "",
        f"Written by `make bench` ({'quick' if args.quick else 'full'}) on "
        f"{datetime.now(UTC):%Y-%m-%d}: spytrace {__version__} against MVT {env.version}, "
        "same input, same STIX2 files, one cold run each (fresh indicator cache).", "",
        f"Machine: {machine()}.", "",
        "## Scans", "", bench_scans.markdown(scans), "",
        "## Indicators", "", iocs, "",
    ])  # fmt: skip
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
