"""One artifact's files parsed, matched and written: the unit of work a scan hands out.

A run streams each record to `records/<artifact>.jsonl`, to sorted timeline runs on disk,
and through the matcher; it keeps only the findings, the device facts and the counts. Runs of
different artifacts share nothing, so they can go on in separate processes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from spytrace.errors import EvidenceError
from spytrace.iocs.findings import ioc_findings
from spytrace.iocs.index import IndicatorIndex
from spytrace.model import (
    PART_BLOCK,
    Artifact,
    Coverage,
    EvidenceFile,
    Finding,
    Parser,
    Record,
    Status,
)
from spytrace.outputs.files import open_private
from spytrace.outputs.records_jsonl import Selector, record_line
from spytrace.outputs.timeline import TimelineWriter
from spytrace.sources.base import sha256_file

log = logging.getLogger("spytrace")


@dataclass(frozen=True, slots=True)
class Job:
    artifact: Artifact
    files: tuple[EvidenceFile, ...]  # opened by the scan; failures already counted there
    failures: tuple[tuple[str, str], ...] = ()  # (logical path, why) of files not opened
    planned: int = 0  # files the artifact's paths matched
    # Per check, the texts of the records it reads back (Check.select): found as they are written.
    select: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Part `part` of `parts` of the artifact's one file (Artifact.parse_part), or all of it.
    part: int = 0
    parts: int = 1
    # Logical paths of the files this run hashes (left unhashed by the source; a file several
    # artifacts read is hashed by one of their runs).
    to_hash: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class JobResult:
    coverage: Coverage
    findings: tuple[Finding, ...]
    device: dict[str, Any]
    records: int
    timeline_runs: tuple[Path, ...]
    problems: tuple[str, ...]
    records_file: Path | None = None  # where a part's records went (scratch)
    block_starts: tuple[int, ...] = ()  # offsets of a part's blocks in that file
    seconds: float = 0.0  # how long the run took
    # Per check, where the lines it selected start in the records file (or the part's file).
    selected: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # SHA-256 of the files the source left for the run to hash (EvidenceFile.sha256 None).
    hashes: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Sink:
    """Where one artifact's records go as they stream past."""

    index: IndicatorIndex | None
    handle: IO[bytes]
    timeline: TimelineWriter
    keep_device: bool
    findings: list[Finding] = field(default_factory=list)
    device: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    block_starts: list[int] | None = None  # kept when the run reads one part of a file
    selector: Selector | None = None
    # A block's JSON lines, written in one call when the block is full.
    pending: list[bytes] = field(default_factory=list)

    def emit(self, record: Record) -> None:
        ioc = ""
        if self.index is not None:
            matched = ioc_findings(record, self.index)
            if matched:
                self.findings.extend(matched)
                ioc = ", ".join(dict.fromkeys(f.indicator.malware for f in matched if f.indicator))
        self.pending.append(record_line(record))
        self.records += 1
        if self.records % PART_BLOCK == 0:
            self.flush()
        self.timeline.add(record, ioc)
        if self.keep_device:
            for key, value in record.fields.items():
                if value not in (None, "") and key not in self.device:
                    self.device[key] = value

    def flush(self) -> None:
        """The pending lines to the records file, as one block (parts.py joins blocks)."""
        if not self.pending:
            return
        start = self.handle.tell()
        if self.block_starts is not None:
            self.block_starts.append(start)
        self.pending.append(b"")
        block = b"\n".join(self.pending)
        self.handle.write(block)
        self.pending = []
        if self.selector is not None:
            # Searched here, in parallel with the other runs, while the block is in memory.
            self.selector.feed(block, start)


def run_job(
    job: Job, index: IndicatorIndex | None, output: Path, scratch: Path, device: bool
) -> JobResult:
    artifact = job.artifact
    started = time.perf_counter()
    if not job.planned:
        return JobResult(Coverage(artifact.name, Status.ABSENT), (), {}, 0, (), ())
    split = job.parts > 1
    timeline = TimelineWriter(scratch, prefix=f"{artifact.name}-{job.part}")
    reasons = [reason for _, reason in job.failures]
    # Hashed here, so files are hashed side by side, not one after another before any run.
    # The first part of a file hashes it for them all.
    hashes: dict[str, str] = {}
    for evidence in job.files if not job.part else ():
        if evidence.logical_path in job.to_hash:
            try:
                hashes[evidence.logical_path] = sha256_file(evidence.path)
            except OSError as exc:
                reasons.append(f"{evidence.logical_path}: could not be hashed ({exc.strerror})")
    problems: list[str] = []
    failed = len(job.failures)
    records_file = (
        scratch / f"{artifact.name}.part{job.part}.jsonl"
        if split
        else output / "records" / f"{artifact.name}.jsonl"
    )
    with open_private(records_file) as handle:
        selector = Selector(job.select) if job.select else None
        sink = _Sink(
            index, handle, timeline, device, block_starts=[] if split else None, selector=selector
        )
        for evidence in job.files:
            count, problem = _parse_file(_reader(job), evidence, sink)
            sink.flush()
            reasons.extend(f"{evidence.logical_path}: {note}" for note in evidence.notes)
            if problem:
                reasons.append(problem)
                problems.append(problem)
                if not count:
                    failed += 1
    if failed == job.planned:
        status = Status.UNREADABLE
    elif failed or reasons:
        status = Status.PARTIAL
    else:
        status = Status.PARSED
    paths = tuple(sorted({e.logical_path for e in job.files} | {p for p, _ in job.failures}))
    return JobResult(
        # Sorted: a file read in parts gives its parts' reasons in another order (parts.join).
        coverage=Coverage(artifact.name, status, sink.records, paths, tuple(sorted(set(reasons)))),
        findings=tuple(sink.findings),
        device=sink.device,
        records=sink.records,
        timeline_runs=tuple(timeline.spill_all()),
        problems=tuple(problems),
        records_file=records_file if split else None,
        block_starts=tuple(sink.block_starts or ()),
        selected={k: tuple(v) for k, v in selector.offsets().items()} if selector else {},
        seconds=time.perf_counter() - started,
        hashes=hashes,
    )


def _reader(job: Job) -> tuple[str, Parser]:
    artifact = job.artifact
    if job.parts == 1 or artifact.parse_part is None:
        return artifact.name, artifact.parse
    parse_part, part, parts = artifact.parse_part, job.part, job.parts
    return artifact.name, lambda evidence: parse_part(evidence, part, parts)


def _parse_file(reader: tuple[str, Parser], evidence: EvidenceFile, sink: _Sink) -> tuple[int, str]:
    """Records parsed from one file, and the problem that stopped it early, if any."""
    name, parse = reader
    count = 0
    try:
        for record in parse(evidence):
            sink.emit(record)
            count += 1
    except EvidenceError as exc:
        return count, str(exc)
    except Exception as exc:  # a parser bug on odd data costs this file, never the scan
        log.debug("parser %s failed on %s", name, evidence.logical_path, exc_info=True)
        reason = f"{name} parser stopped ({type(exc).__name__}: {exc})"
        return count, f"{evidence.logical_path}: {reason}"
    return count, ""
