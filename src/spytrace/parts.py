"""One large file read by several processes at once, and the parts put back together.

An artifact with a part parser (Artifact.parse_part) hands out its records in blocks of
PART_BLOCK: part i of n takes blocks i, i+n, i+2n... A part of a listing reads the whole file
but only builds, matches and writes its own records; a part of a database table fetches only
its own rows (artifacts/sqlite.py). Joined, the parts give the records file a single run would
have written, byte for byte, and one coverage entry with what any part noted; the timeline
merges every part's runs anyway.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spytrace.artifact_run import Job, JobResult
from spytrace.model import Status
from spytrace.outputs.files import open_private

# Below this a file is read in one piece: a part costs a process, and a read of the whole
# listing or a ranking of the whole table.
SPLIT_BYTES = 8 << 20


def splittable(job: Job, size: int) -> bool:
    """Whether the job's file is large and can be read in parts."""
    return job.artifact.parse_part is not None and len(job.files) == 1 and size >= SPLIT_BYTES


def split(job: Job, size: int, workers: int) -> list[Job]:
    """The job as `workers` parts where its one file is large and can be read so, else itself."""
    if workers < 2 or not splittable(job, size):
        return [job]
    return [replace(job, part=part, parts=workers) for part in range(workers)]


def join(results: Sequence[JobResult], output: Path) -> JobResult:
    """The results of a file's parts (in part order) as one; the parts' files are removed."""
    first = results[0]
    if first.records_file is None:
        return first
    with contextlib.ExitStack() as stack:
        joined = stack.enter_context(
            open_private(output / "records" / f"{first.coverage.artifact}.jsonl")
        )
        parts = [stack.enter_context(_records_of(r).open("rb")) for r in results]
        ends = [part.seek(0, 2) for part in parts]
        starts = [[*r.block_starts, end] for r, end in zip(results, ends, strict=True)]
        moved: list[list[int]] = [[] for _ in results]  # where each part's blocks now start
        # Blocks go round the parts. A part runs out of blocks in the last round, or at once
        # when it was given none (a table without a rowid is read whole by the first part).
        while any(len(now) + 1 < len(bounds) for now, bounds in zip(moved, starts, strict=True)):
            for which, bounds in enumerate(starts):
                nth = len(moved[which])
                if nth + 1 < len(bounds):
                    moved[which].append(joined.tell())
                    parts[which].seek(bounds[nth])
                    joined.write(parts[which].read(bounds[nth + 1] - bounds[nth]))
    for result in results:
        if result.records_file is not None:
            result.records_file.unlink(missing_ok=True)
    selected: dict[str, list[int]] = {}
    for result, bounds, now in zip(results, starts, moved, strict=True):
        for check, offsets in result.selected.items():
            selected.setdefault(check, []).extend(_moved(offsets, bounds, now))
    records = sum(r.records for r in results)
    devices: dict[str, object] = {}
    for result in results:
        for key, value in result.device.items():
            devices.setdefault(key, value)
    # Parts that read a database each fetch their own rows, so one may meet damage the others
    # do not: what any part noted stands for the file.
    statuses = {r.coverage.status for r in results}
    if len(statuses) == 1:
        status = first.coverage.status
    elif not records and Status.UNREADABLE in statuses:
        status = Status.UNREADABLE  # beside parts that were given no rows to read
    else:
        status = Status.PARTIAL
    reasons = tuple(sorted({reason for r in results for reason in r.coverage.reasons}))
    return replace(
        first,
        coverage=replace(
            first.coverage,
            records=records,
            status=status,
            reasons=reasons,
        ),
        problems=tuple(dict.fromkeys(problem for r in results for problem in r.problems)),
        hashes={path: sha256 for r in results for path, sha256 in r.hashes.items()},
        findings=tuple(f for r in results for f in r.findings),
        device=devices,
        records=records,
        timeline_runs=tuple(run for r in results for run in r.timeline_runs),
        records_file=None,
        block_starts=(),
        selected={check: tuple(sorted(offsets)) for check, offsets in selected.items()},
    )


def _moved(offsets: Sequence[int], bounds: Sequence[int], now: Sequence[int]) -> list[int]:
    """Offsets in a part's file as offsets in the joined file, block by block."""
    out = []
    for offset in offsets:
        nth = bisect.bisect_right(bounds, offset) - 1
        out.append(now[nth] + offset - bounds[nth])
    return out


def _records_of(result: JobResult) -> Path:
    if result.records_file is None:
        raise ValueError("a part without its records file")
    return result.records_file
