"""Records and findings as JSON objects, and records back from JSON (checks read them so)."""

from __future__ import annotations

from datetime import datetime
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
