"""The pipeline: a source's files → artifact parsers → records → matcher and checks → outputs.

Records stream: each is written to `records/<artifact>.jsonl` and the timeline spill as it
comes, and matched against the index on the way. Checks read their artifacts' records back
from those files, so no artifact has to fit in memory. Findings — few by nature — are kept.
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from spytrace import __version__
from spytrace.errors import EvidenceError
from spytrace.iocs.findings import ioc_findings
from spytrace.iocs.loader import FeedSet
from spytrace.model import (
    Artifact,
    Check,
    Coverage,
    EvidenceFile,
    Finding,
    Record,
    Severity,
    Status,
    iso,
)
from spytrace.outputs import findings_json
from spytrace.outputs.files import make_private_dir, open_private
from spytrace.outputs.jsonenc import dumps, loads
from spytrace.outputs.records_jsonl import record_from_json, record_to_json
from spytrace.outputs.timeline import TimelineWriter
from spytrace.plan import plan_files
from spytrace.sources.base import Source

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


@dataclass(slots=True)
class _Run:
    """What one scan accumulates while records stream past."""

    output: Path
    feeds: FeedSet | None
    timeline: TimelineWriter
    device_artifacts: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)
    device: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    handles: dict[str, IO[bytes]] = field(default_factory=dict)

    def emit(self, record: Record) -> None:
        self.records += 1
        matched = ioc_findings(record, self.feeds.index) if self.feeds else []
        self.findings.extend(matched)
        handle = self.handles.get(record.artifact)
        if handle is None:
            handle = self.handles[record.artifact] = open_private(
                self.output / "records" / f"{record.artifact}.jsonl"
            )
        handle.write(dumps(record_to_json(record)) + b"\n")
        ioc = ", ".join(dict.fromkeys(f.indicator.malware for f in matched if f.indicator))
        self.timeline.add(record, ioc)
        if record.artifact in self.device_artifacts:
            for key, value in record.fields.items():
                if value not in (None, "") and key not in self.device:
                    self.device[key] = value

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


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
    run = _Run(output, feeds, TimelineWriter(scratch), device_artifacts)
    files = sorted(set(source.files()))
    planned = plan_files(artifacts, files)
    coverage: list[Coverage] = []
    try:
        for artifact in artifacts:
            paths = planned[artifact.name]
            events.artifact_started(artifact.name, len(paths))
            cover = _run_artifact(source, artifact, paths, run)
            coverage.append(cover)
            events.artifact_done(cover)
    finally:
        run.close()
    for problem in source.problems():
        log.warning("%s: %s", source.path, problem)
    parsed = {c.artifact for c in coverage if c.records}
    for check in checks:
        if not parsed.intersection(check.reads):
            continue
        for finding in check.run(_read_back(output, check.reads)):
            run.findings.append(replace(finding, rule=finding.rule or check.name))
    findings = _finalise(run.findings, run.file_hashes)
    run.timeline.write(output / "timeline.csv", output / "timeline.jsonl")
    result = ScanResult(
        output=output,
        findings=findings,
        coverage=tuple(coverage),
        device=run.device,
        records=run.records,
        seconds=clock.perf_counter() - start,
        fail_on=options.fail_on,
    )
    findings_json.write_all(result, source, feeds, run.file_hashes, started, __version__)
    return result


def _run_artifact(source: Source, artifact: Artifact, paths: list[str], run: _Run) -> Coverage:
    if not paths:
        return Coverage(artifact.name, Status.ABSENT)
    records = 0
    reasons: list[str] = []
    failed = 0
    for logical_path in paths:
        try:
            evidence = source.open(logical_path)
        except EvidenceError as exc:
            failed += 1
            reasons.append(str(exc))
            log.warning("%s", exc)
            continue
        if evidence.sha256:
            run.file_hashes[logical_path] = evidence.sha256
        count, problem = _parse_file(artifact, evidence, run)
        records += count
        reasons.extend(f"{logical_path}: {note}" for note in evidence.notes)
        if problem:
            reasons.append(problem)
            log.warning("%s", problem)
            if not count:
                failed += 1
    if failed == len(paths):
        status = Status.UNREADABLE
    elif failed or reasons:
        status = Status.PARTIAL
    else:
        status = Status.PARSED
    return Coverage(artifact.name, status, records, tuple(paths), tuple(reasons))


def _parse_file(artifact: Artifact, evidence: EvidenceFile, run: _Run) -> tuple[int, str]:
    """Records parsed from one file, and the problem that stopped it early, if any."""
    count = 0
    try:
        for record in artifact.parse(evidence):
            run.emit(record)
            count += 1
    except EvidenceError as exc:
        return count, str(exc)
    except Exception as exc:  # a parser bug on odd data costs this file, never the scan
        log.debug("parser %s failed on %s", artifact.name, evidence.logical_path, exc_info=True)
        reason = f"{artifact.name} parser stopped ({type(exc).__name__}: {exc})"
        return count, f"{evidence.logical_path}: {reason}"
    return count, ""


def _read_back(output: Path, artifacts: Sequence[str]) -> Iterator[Record]:
    for name in artifacts:
        path = output / "records" / f"{name}.jsonl"
        if path.exists():
            with path.open("rb") as handle:
                for line in handle:
                    yield record_from_json(loads(line))


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

