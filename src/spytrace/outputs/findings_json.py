"""findings.json, coverage.json and custody.json: the stable output contract of DESIGN.md."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from spytrace.iocs.loader import FeedSet
from spytrace.model import iso, json_safe
from spytrace.outputs.files import write_private
from spytrace.outputs.jsonenc import dumps_pretty
from spytrace.outputs.records_jsonl import finding_to_json
from spytrace.sources.base import Source

if TYPE_CHECKING:
    from spytrace.scan import ScanResult

NO_INDICATORS = (
    "No indicators were loaded: only heuristics ran. This scan is no clean bill of health; "
    "run `spytrace iocs update` or pass --iocs."
)


def indicators_summary(feeds: FeedSet | None) -> list[dict[str, Any]]:
    if feeds is None:
        return []
    return [
        {
            "feed": f.feed,
            "file": f.file,
            "sha256": f.sha256,
            "count": f.count,
            "unsupported": len(f.unsupported),
            **({"error": f.error} if f.error else {}),
        }
        for f in feeds.files
    ]


def warnings_of(feeds: FeedSet | None) -> list[str]:
    if feeds is None or not feeds.usable:
        return [NO_INDICATORS]
    return [f"indicator file {line}" for line in feeds.problems]


def write_all(
    result: ScanResult,
    source: Source,
    feeds: FeedSet | None,
    file_hashes: dict[str, str],
    started: datetime,
    version: str,
) -> None:
    coverage = {
        c.artifact: {
            "status": c.status.value,
            "records": c.records,
            **({"files": list(c.files)} if c.files else {}),
            **({"reasons": list(c.reasons)} if c.reasons else {}),
        }
        for c in result.coverage
    }
    acquisition = {
        "type": source.type,
        "path": str(source.path),
        "sha256": source.input_sha256(),
        "device": json_safe(result.device),
    }
    document = {
        "spytrace_version": version,
        "scanned_at": iso(started.replace(microsecond=0)),
        "acquisition": acquisition,
        "indicators": indicators_summary(feeds),
        "warnings": warnings_of(feeds) + [f"{source.path}: {p}" for p in source.problems()],
        "findings": [finding_to_json(f) for f in result.findings],
        "coverage": coverage,
    }
    out = result.output
    write_private(out / "findings.json", dumps_pretty(document))
    write_private(
        out / "coverage.json",
        dumps_pretty(
            {"acquisition": acquisition, "coverage": coverage, "problems": source.problems()}
        ),
    )
    custody = {
        "spytrace_version": version,
        "scan_started": iso(started),
        "scan_finished": iso(datetime.now(UTC)),
        "input": {"path": str(source.path), "type": source.type, "sha256": acquisition["sha256"]},
        "files_read": [{"file": k, "sha256": v} for k, v in sorted(file_hashes.items())],
        "indicator_files": [
            {"file": f.file, "sha256": f.sha256} for f in (feeds.files if feeds else ())
        ],
    }
    write_private(out / "custody.json", dumps_pretty(custody))
