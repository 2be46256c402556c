"""What every benchmark shares: where it works, how spytrace is run, what machine it ran on."""

from __future__ import annotations

import compileall
import os
import platform
import sys
import tempfile
from pathlib import Path

import spytrace
from bench.measure import Measurement, measure

ROOT = Path(__file__).resolve().parents[1]
SPYTRACE = ROOT / ".venv" / "bin" / "spytrace"
WORK = Path(os.environ.get("SPYTRACE_BENCH_DIR") or ROOT / "bench" / "out")


def workdir(name: str) -> Path:
    path = WORK / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def compile_spytrace() -> None:
    """spytrace's bytecode written, as `pip install spytrace` does on install.

    The benchmark runs the editable install in .venv: its modules are compiled on every start
    when bytecode is not written (PYTHONDONTWRITEBYTECODE), while MVT's, installed by pip, are
    compiled once. That cost (about 0.1 s a run) is not spytrace's.
    """
    folder = Path(spytrace.__file__).parent
    if not compileall.compile_dir(folder, quiet=1):
        print(f"warning: could not compile every module under {folder}: spytrace's times "
              "below include compiling them", file=sys.stderr)  # fmt: skip


def run_spytrace(target: Path, iocs: list[Path], output: Path, *extra: str) -> Measurement:
    """One cold `spytrace scan`: a fresh indicator cache, as a first run on a new machine."""
    with tempfile.TemporaryDirectory(prefix="spytrace-bench-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPYTRACE_")}
        env.update(SPYTRACE_DATA_DIR=f"{home}/data", SPYTRACE_CACHE_DIR=f"{home}/cache")
        argv: list[str | Path] = [SPYTRACE, "scan", target, "-o", output, "--force", "-q", *extra]
        for path in iocs:
            argv += ["--iocs", path]
        return measure(argv, env=env, stderr=output.parent / f"{output.name}.stderr")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {sys.version.split()[0]}"
    )
