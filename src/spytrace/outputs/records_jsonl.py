"""Records and findings as JSON objects, and records back from JSON (checks read them so)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from spytrace.model import (
    Evidence,
    Finding,
    IndicatorRef,
    Observable,
    Record,
    iso,
    json_safe,
)


def record_to_json(record: Record) -> dict[str, Any]:
    return {
        "artifact": record.artifact,
        "source": record.source,
        "locator": record.locator,
        "time": record.time,  # msgspec writes it as iso() would
        "time_desc": record.time_desc,
        "message": record.message,
        "fields": json_safe(record.fields),
        "observables": [{"kind": o.kind, "value": o.value} for o in record.observables],
    }


def record_from_json(data: dict[str, Any]) -> Record:
    time = data.get("time")
    return Record(
        artifact=data["artifact"],
        source=data["source"],
        locator=data["locator"],
        time=datetime.fromisoformat(time) if time else None,
        message=data.get("message", ""),
        fields=data.get("fields") or {},
        observables=tuple(Observable(o["kind"], o["value"]) for o in data.get("observables", [])),
        time_desc=data.get("time_desc", ""),
    )


def selected_lines(path: Path, wanted: Sequence[str]) -> Iterator[bytes]:
    """The lines of a records file holding one of `wanted` (ASCII case ignored), or all.

    The file is read in large blocks, lower-cased and searched with bytes.find, so a
    100,000-line listing costs C time, not a Python test per line (the re module steps
    through every byte of a case-insensitive alternation, ten times slower). Ignoring case
    only lets more lines through: a selection is a cheap first cut and the check still judges
    each record.
    """
    needles = [w.lower().encode() for w in wanted]
    with path.open("rb") as handle:
        if not needles:
            yield from handle
            return
        rest = b""
        while chunk := handle.read(_BLOCK):
            block = rest + chunk
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            yield from _holding(block[:cut], needles)
        yield from _holding(rest, needles)


_BLOCK = 8 << 20


def _holding(block: bytes, needles: list[bytes]) -> Iterator[bytes]:
    lowered = block.lower()
    starts: set[int] = set()
    for needle in needles:
        at = lowered.find(needle)
        while at >= 0:
            starts.add(lowered.rfind(b"\n", 0, at) + 1)
            end = lowered.find(b"\n", at)
            at = lowered.find(needle, end) if end >= 0 else -1
    for start in sorted(starts):
        end = block.find(b"\n", start)
        yield block[start : end if end >= 0 else len(block)]


def finding_to_json(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": finding.id,
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "artifact": finding.artifact,
        "time": iso(finding.time),
        "message": finding.message,
        "observable": (
            {"kind": finding.observable.kind, "value": finding.observable.value}
            if finding.observable
            else None
        ),
        "indicator": _indicator(finding.indicator) if finding.indicator else None,
        "evidence": _evidence(finding.evidence),
    }
    if finding.rule:
        out["rule"] = finding.rule
    if finding.related:
        out["related"] = [_evidence(e) for e in finding.related]
    return out


def _indicator(ref: IndicatorRef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "pattern": ref.pattern,
        "value": ref.value,
        "kind": ref.kind,
        "feed": ref.feed,
        "malware": ref.malware,
        "file": ref.file,
        "sha256": ref.file_sha256,
    }
    if ref.weak:
        out["weak"] = True
    if ref.also_in:
        out["also_in"] = list(ref.also_in)
    return out


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"file": evidence.file, "locator": evidence.locator, "sha256": evidence.sha256}
