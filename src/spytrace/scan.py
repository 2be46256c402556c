"""The pipeline: a source's files → artifact parsers → records → matcher and checks → outputs.

The scan opens every planned file, then hands each artifact's files to a run
(artifact_run.py), side by side in several processes where there are cores (parallel.py).
Records stream: each run writes them to `records/<artifact>.jsonl` and to sorted timeline
runs, matching them on the way. Checks then read their artifacts' records back from those
files, so no artifact has to fit in memory; the timeline runs are merged last. Findings —
few by nature — are kept.
"""

from __future__ import annotations

import logging
import time as clock
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from spytrace import __version__
from spytrace.artifact_run import Job
from spytrace.background import Background
from spytrace.errors import EvidenceError
from spytrace.iocs.loader import FeedSet
from spytrace.model import Artifact, Check, Coverage, EvidenceFile, Finding, Record, Severity, iso
from spytrace.outputs import findings_json
from spytrace.outputs.files import make_private_dir
from spytrace.outputs.jsonenc import loads
from spytrace.outputs.records_jsonl import (
    lines_at,
    record_from_json,
    selected_lines,
)
from spytrace.outputs.timeline import write_timeline
from spytrace.parallel import run_jobs
from spytrace.plan import plan_files
from spytrace.sources.base import IndexedSource, Source

log = logging.getLogger("spytrace")


class ScanEvents(Protocol):
    """What the scan tells whoever shows progress; the library itself prints nothing."""

    def artifact_started(self, name: str, files: int) -> None: ...

    def artifact_done(self, coverage: Coverage) -> None: ...


class QuietEvents:
    def artifact_started(self, name: str, files: int) -> None:
        pass

    def artifact_done(self, coverage: Coverage) -> None:
        pass


@dataclass(frozen=True, slots=True)
class ScanOptions:
    fail_on: Severity = Severity.MEDIUM
    # Processes that parse artifacts side by side; 0 means one per CPU.
    workers: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    output: Path
    findings: tuple[Finding, ...]
    coverage: tuple[Coverage, ...]
    device: dict[str, Any]
    records: int
    seconds: float
    fail_on: Severity

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity.at_least(self.fail_on) for f in self.findings) else 0


def scan(
    source: Source,
    feeds: FeedSet | None,
    output: Path,
    scratch: Path,
    *,
    artifacts: Sequence[Artifact],
    checks: Sequence[Check],
    device_artifacts: frozenset[str] = frozenset(),
    options: ScanOptions | None = None,
    events: ScanEvents | None = None,
) -> ScanResult:
    """Scan an opened source into `output` (prepared, 0700), with `scratch` for spill files."""
    options = options or ScanOptions()
    events = events or QuietEvents()
    started = datetime.now(UTC)
    start = clock.perf_counter()
    make_private_dir(output / "records")
    lap = start
    planned = plan_files(artifacts, _candidates(source, artifacts))
    lap = _lap(f"planned {sum(map(len, planned.values()))} files", lap)
    file_hashes: dict[str, str] = {}
    # Files are opened (decrypted, extracted) here, in one process; parsing may then spread
    # over several.
    jobs = [
        replace(_open_job(source, a, planned[a.name], file_hashes), select=_selects(a, checks))
        for a in artifacts
    ]
    jobs = _hashing_shared(jobs)
    lap = _lap("opened them", lap)
    index = feeds.index if feeds is not None and feeds.usable else None
    # The source's own problems (a backup's files listed but not stored, say) are gathered
    # while the runs go on if a core is free, else beside the timeline merge below;
    # source.problems() keeps them.
    results = run_jobs(
        jobs, index, output, scratch, device_artifacts, options.workers, events, source.problems
    )
    lap = _lap("read every artifact", lap)
    for job_result in results:
        file_hashes.update(job_result.hashes)
    # The timeline is merged in another process while the checks run here.
    merge = Background(
        write_timeline,
        [run for r in results for run in r.timeline_runs],
        output / "timeline.csv",
        output / "timeline.jsonl",
    )
    for problem in source.problems():
        log.warning("%s: %s", source.path, problem)
    coverage = tuple(r.coverage for r in results)
    found = [f for r in results for f in r.findings]
    device: dict[str, Any] = {}
    for job_result in results:
        for key, value in job_result.device.items():
            device.setdefault(key, value)
    parsed = {c.artifact for c in coverage if c.records}
    runnable = [check for check in checks if parsed.intersection(check.reads)]
    selections = {
        (check, r.coverage.artifact): offsets
        for r in results
        for check, offsets in r.selected.items()
    }
    shared = _SharedRecords(output, runnable, selections)
    for check in runnable:
        for finding in check.run(shared.read(check)):
            found.append(replace(finding, rule=finding.rule or check.name))
    findings = _finalise(found, file_hashes)
    lap = _lap(f"ran {len(runnable)} checks", lap)
    merge.wait("writing the timeline")
    lap = _lap("waited for the timeline merge", lap)
    result = ScanResult(
        output=output,
        findings=findings,
        coverage=coverage,
        device=device,
        records=sum(r.records for r in results),
        seconds=clock.perf_counter() - start,
        fail_on=options.fail_on,
    )
    findings_json.write_all(result, source, feeds, file_hashes, started, __version__)
    _lap("wrote findings.json, coverage.json and custody.json", lap)
    return result


def _candidates(source: Source, artifacts: Sequence[Artifact]) -> Iterator[str]:
    """The files the plan looks at: those the source's index finds for the artifacts' paths,
    or every file."""
    if isinstance(source, IndexedSource):
        return source.matching([p for a in artifacts for p in a.paths])
    return source.files()


def _lap(what: str, since: float) -> float:
    """Logs how long a stage took (seen with --debug), and returns when it ended."""
    now = clock.perf_counter()
    log.debug("scan: %s in %.2f s", what, now - since)
    return now


def _open_job(source: Source, artifact: Artifact, paths: list[str], hashes: dict[str, str]) -> Job:
    opened: list[EvidenceFile] = []
    failures: list[tuple[str, str]] = []
    for logical_path in paths:
        try:
            evidence = source.open(logical_path)
        except EvidenceError as exc:
            failures.append((logical_path, str(exc)))
            log.warning("%s", exc)
            continue
        if evidence.sha256:
            hashes[logical_path] = evidence.sha256
        opened.append(evidence)
    return Job(artifact, tuple(opened), tuple(failures), len(paths))


def _hashing_shared(jobs: list[Job]) -> list[Job]:
    """Each file the source left unhashed given to one run to hash: the first that reads it."""
    given: set[str] = set()
    shared = []
    for job in jobs:
        mine = {e.logical_path for e in job.files if e.sha256 is None} - given
        given |= mine
        shared.append(replace(job, to_hash=frozenset(mine)))
    return shared


def _selects(artifact: Artifact, checks: Sequence[Check]) -> dict[str, tuple[str, ...]]:
    """Per check, the texts that select the artifact's records it reads back."""
    return {c.name: c.select[artifact.name] for c in checks if artifact.name in c.select}


# A records file several checks read whole is decoded once for all of them up to this size.
SHARED_BYTES = 64 << 20


class _SharedRecords:
    """Records read back for the checks. An artifact several checks read whole is decoded once
    and kept until the last of them has run (the package checks gather every package record
    anyway, so a kept list costs no more than one of them); a large one is streamed each time."""

    def __init__(
        self,
        output: Path,
        checks: Sequence[Check],
        selections: Mapping[tuple[str, str], Sequence[int]],
    ) -> None:
        self._output = output
        self._selections = selections
        self._readers = Counter(a for c in checks for a in c.reads if a not in c.select)
        self._kept: dict[str, list[Record]] = {}

    def read(self, check: Check) -> Iterator[Record]:
        for name in check.reads:
            path = self._output / "records" / f"{name}.jsonl"
            if not path.exists():
                continue
            if name in check.select:
                lines = lines_at(path, self._selections.get((check.name, name), ()))
                yield from _decoded(lines)
                continue
            self._readers[name] -= 1
            kept = self._kept.get(name)
            if kept is None and self._readers[name] and path.stat().st_size <= SHARED_BYTES:
                kept = self._kept[name] = list(_decoded(selected_lines(path, ())))
            if kept is None:
                yield from _decoded(selected_lines(path, ()))
                continue
            if not self._readers[name]:
                del self._kept[name]  # the last reader: the list goes when it is done
            yield from kept


def _decoded(lines: Iterable[bytes]) -> Iterator[Record]:
    return (record_from_json(loads(line)) for line in lines)


def _finalise(findings: list[Finding], hashes: dict[str, str]) -> tuple[Finding, ...]:
    """Evidence hashes filled in, repeats dropped, most severe first, then by time."""
    unique: dict[str, Finding] = {}
    for finding in findings:
        evidence = replace(finding.evidence, sha256=hashes.get(finding.evidence.file))
        related = tuple(replace(e, sha256=hashes.get(e.file)) for e in finding.related)
        unique.setdefault(finding.id, replace(finding, evidence=evidence, related=related))
    return tuple(
        sorted(
            unique.values(),
            key=lambda f: (
                -f.severity.rank,
                iso(f.time) or "~",
                f.artifact,
                f.evidence.locator,
                f.id,
            ),
        )
    )
