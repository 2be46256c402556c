"""Artifact runs side by side, one process each, largest first; a large file an artifact can
read in parts is spread over its share of the workers (parts.py).

Parsing is pure Python, so threads would share one core; processes forked from the scan
inherit the loaded indicator index without copying or pickling it. Each run writes its own
files and returns only findings and counts, so results are the same whatever the order of
completion. Where fork is not available, or one worker is asked for, runs go one by one.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spytrace import parts
from spytrace.artifact_run import Job, JobResult, run_job
from spytrace.background import can_fork
from spytrace.iocs.index import IndicatorIndex

if TYPE_CHECKING:
    from spytrace.scan import ScanEvents

log = logging.getLogger("spytrace")

# What forked workers read: set just before the pool starts, inherited by fork.
_STATE: tuple[Sequence[Job], IndicatorIndex | None, Path, Path, frozenset[str]] | None = None


def run_jobs(
    jobs: Sequence[Job],
    index: IndicatorIndex | None,
    output: Path,
    scratch: Path,
    device_artifacts: frozenset[str],
    workers: int,
    events: ScanEvents,
    meanwhile: Callable[[], object] | None = None,
) -> list[JobResult]:
    """Every job's result, in job order. `meanwhile` is work of the caller's own, done in its
    process while the pool reads when the pool leaves a core free; otherwise it is not called
    here (taking a busy core would only slow the runs) and the caller does it later."""
    count = max(1, workers or os.cpu_count() or 1) if can_fork() else 1
    # Large files share the workers out: parts only fill cores other large files leave idle
    # (a part costs more than a run of its own share of the file).
    large = sum(1 for job in jobs if job.files and parts.splittable(job, _size(job)))
    share = count // large if large else 1
    work = [part for job in jobs if job.files for part in parts.split(job, _size(job), share)]
    work.sort(key=lambda job: -_size(job) // job.parts)
    done: dict[str, dict[int, JobResult]] = {}
    joined: dict[str, JobResult] = {}

    def finished(job: Job, result: JobResult) -> None:
        name = job.artifact.name
        part = f" (part {job.part + 1} of {job.parts})" if job.parts > 1 else ""
        log.debug("%s%s: %d records in %.2f s", name, part, result.records, result.seconds)
        done.setdefault(name, {})[job.part] = result
        if len(done[name]) == job.parts:
            joined[name] = parts.join([done[name][i] for i in range(job.parts)], output)
            events.artifact_done(joined[name].coverage)

    for job in jobs:
        if job.files:
            events.artifact_started(job.artifact.name, job.planned)
    if min(count, len(work)) <= 1:
        for job in work:
            finished(job, _run(job, index, output, scratch, device_artifacts))
    else:
        global _STATE
        _STATE = (work, index, output, scratch, device_artifacts)
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(min(count, len(work))) as pool:
                reading = pool.imap_unordered(_work, range(len(work)))
                if meanwhile is not None and len(work) < count:
                    meanwhile()  # the workers are forked and busy; this process would wait
                for i, result in reading:
                    finished(work[i], result)
        finally:
            _STATE = None
    results = []
    for job in jobs:
        if job.artifact.name not in joined:  # nothing to parse: absent, or no file opened
            joined[job.artifact.name] = _run(job, index, output, scratch, device_artifacts)
            events.artifact_done(joined[job.artifact.name].coverage)
        results.append(joined[job.artifact.name])
    return results


def _work(i: int) -> tuple[int, JobResult]:
    assert _STATE is not None
    jobs, index, output, scratch, device_artifacts = _STATE
    return i, _run(jobs[i], index, output, scratch, device_artifacts)


def _run(
    job: Job, index: IndicatorIndex | None, output: Path, scratch: Path, devices: frozenset[str]
) -> JobResult:
    return run_job(job, index, output, scratch, job.artifact.name in devices)


def _size(job: Job) -> int:
    total = 0
    for evidence in job.files:
        with contextlib.suppress(OSError):
            total += evidence.path.stat().st_size
    return total
