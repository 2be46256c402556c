"""Run one command and measure what it cost: wall time, CPU time and peak memory.

The command is started by a small launcher process and reaped there with ``os.wait4``,
which hands back the resource usage of that child alone (on Linux it includes the
grandchildren it waited for). That is exact where ``getrusage(RUSAGE_CHILDREN)`` deltas
are not: its ``ru_maxrss`` is the peak of every child reaped so far, so a big earlier run
would hide a small later one. The launcher keeps the benchmark's own memory out of the
command's peak (see _LAUNCHER); what remains is a floor of about 11 MiB, the launcher's.
No dependency beyond the standard library.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# ru_maxrss is KiB on Linux, bytes on macOS (getrusage(2)).
_MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one run of a command cost."""

    argv: tuple[str, ...]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_bytes: int
    timed_out: bool = False

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def max_rss_mib(self) -> float:
        return self.max_rss_bytes / (1024 * 1024)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def measure(
    argv: Sequence[str | os.PathLike[str]],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stdout: str | os.PathLike[str] | None = None,
    stderr: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run ``argv`` to completion and return its cost.

    Output goes to the given files (or is discarded), never to a pipe: a pipe that
    nobody drains would stall the child and count as its time.
    """
    args = tuple(str(a) for a in argv)
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    err = open(stderr, "wb") if stderr else subprocess.DEVNULL  # noqa: SIM115
    timed_out = threading.Event()
    # The writes of earlier runs (gigabytes at size L) reach the disk first: left dirty, they
    # would throttle this run's own writes and charge it for another run's I/O.
    os.sync()
    with tempfile.TemporaryDirectory(prefix="measure-") as scratch:
        report = Path(scratch) / "usage.json"
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(report), *args],
                env=dict(env) if env is not None else None,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # so a timeout can end the whole group
            )
            timer = None
            if timeout is not None:
                timer = threading.Timer(timeout, _kill_group, (proc.pid, timed_out))
                timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                if timer is not None:
                    timer.cancel()
            wall = time.perf_counter() - start
            # Popen must not reap the pid again: it is gone already.
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            for handle in (out, err):
                if not isinstance(handle, int):
                    handle.close()
        try:
            own = json.loads(report.read_text())
        except (OSError, ValueError):
            own = None  # killed before it could say: the launcher's own figures
    if own is None:
        return Measurement(
            argv=args,
            returncode=proc.returncode,
            wall_s=wall,
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            max_rss_bytes=usage.ru_maxrss * _MAXRSS_UNIT,
            timed_out=timed_out.is_set(),
        )
    return Measurement(
        argv=args,
        returncode=int(own["returncode"]),
        wall_s=float(own["wall_s"]),
        user_s=float(own["user_s"]),
        sys_s=float(own["sys_s"]),
        max_rss_bytes=int(own["maxrss"]) * _MAXRSS_UNIT,
        timed_out=timed_out.is_set(),
    )


# Linux carries a process's peak RSS across execve (fs/exec.c keeps the old memory's high-water
# mark in signal->maxrss), and a child started by fork/vfork + exec begins with a copy of its
# parent's memory: a command started straight from a benchmark process that has loaded a
# million indicators would report that process's peak as its own (measured: /bin/true run from
# a process holding 400 MiB reported 412 MiB). So each command is started by this launcher, a
# fresh interpreter of about 11 MiB, which times it and writes down the command's own usage.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as report:
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "wall_s": wall,
               "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
               "maxrss": usage.ru_maxrss}, report)
sys.exit(0)
"""


def _kill_group(pid: int, flag: threading.Event) -> None:
    flag.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, 9)


MARKDOWN_HEADER = (
    "| run | wall s | CPU s (user+sys) | peak RSS MiB | exit |\n|---|---:|---:|---:|---:|"
)


def markdown_row(label: str, m: Measurement, baseline: Measurement | None = None) -> str:
    """One table row under ``MARKDOWN_HEADER``; with a baseline, the wall-time ratio too."""
    wall = f"{m.wall_s:.3f}"
    if baseline is not None and m.wall_s > 0:
        wall += f" ({baseline.wall_s / m.wall_s:.1f}× faster)"
    exit_text = "timeout" if m.timed_out else str(m.returncode)
    return f"| {label} | {wall} | {m.cpu_s:.3f} | {m.max_rss_mib:.1f} | {exit_text} |"


def markdown_table(rows: Sequence[tuple[str, Measurement]]) -> str:
    return "\n".join([MARKDOWN_HEADER, *(markdown_row(label, m) for label, m in rows)])


def main() -> None:
    """``python -m bench.measure CMD ARGS...``: run one command, print its table row."""
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m bench.measure CMD [ARGS...]")
    m = measure(sys.argv[1:])
    print(MARKDOWN_HEADER)
    print(markdown_row(Path(sys.argv[1]).name, m))


if __name__ == "__main__":
    main()
