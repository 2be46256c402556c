"""What the terminal shows after a scan, and the JSON twin of it for --log-json."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from spytrace.iocs.loader import FeedSet
from spytrace.model import Severity, Status, iso
from spytrace.outputs.verdict import verdict
from spytrace.scan import ScanResult
from spytrace.sources.detect import Detected

_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_SHOWN = 25


def as_dict(detected: Detected, result: ScanResult, feeds: FeedSet) -> dict[str, Any]:
    return {
        "acquisition": detected.type,
        "verdict": verdict(result.findings, result.coverage, len(feeds.index)),
        "findings": dict(Counter(f.severity.value for f in result.findings)),
        "records": result.records,
        "seconds": round(result.seconds, 3),
        "output": str(result.output),
        "exit_code": result.exit_code,
    }


def show(
    console: Console, detected: Detected, result: ScanResult, feeds: FeedSet, quiet: bool
) -> None:
    text = verdict(result.findings, result.coverage, len(feeds.index))
    style = "bold red" if result.exit_code else "bold"
    console.print(f"[{style}]{text}[/]")
    if quiet:
        return
    console.print(
        f"{detected.detail}: {result.records:,} records from "
        f"{sum(1 for c in result.coverage if c.records)} artifacts in {result.seconds:.1f} s; "
        f"{len(feeds.index):,} indicators from {len(feeds.files)} files"
    )
    if result.findings:
        table = Table("severity", "artifact", "time (UTC)", "finding", title="Findings")
        table.columns[1].no_wrap = True
        table.columns[2].no_wrap = True
        for finding in result.findings[:_SHOWN]:
            table.add_row(
                f"[{_STYLE[finding.severity]}]{finding.severity.value}[/]",
                finding.artifact,
                finding.time.strftime("%Y-%m-%d %H:%M") if finding.time else "",
                finding.message,
            )
        console.print(table)
        if len(result.findings) > _SHOWN:
            console.print(f"… and {len(result.findings) - _SHOWN} more in findings.json")
    gaps = [c for c in result.coverage if c.status in (Status.UNREADABLE, Status.PARTIAL)]
    for cover in gaps:
        reason = cover.reasons[0] if cover.reasons else ""
        console.print(
            f"[yellow]{cover.status.value}[/]: {cover.artifact}  {reason}", highlight=False
        )
    console.print(
        f"Report to read: {result.output}/report.html; for scripts: findings.json, "
        "timeline.csv, coverage.json"
    )


def feeds_as_list(feeds: FeedSet) -> list[dict[str, Any]]:
    return [
        {
            "file": f.file,
            "feed": f.feed,
            "format": f.format,
            "count": f.count,
            "duplicates": f.duplicates,
            "unsupported": len(f.unsupported),
            "unsupported_patterns": [
                {"pattern": u.pattern, "reason": u.reason} for u in f.unsupported
            ],
            "kinds": dict(f.kinds),
            "sha256": f.sha256,
            "modified": iso(f.modified),
            "error": f.error,
        }
        for f in feeds.files
    ] + [{"file": s.file, "skipped": s.reason} for s in feeds.skipped]


def show_feeds(console: Console, feeds: FeedSet) -> None:
    table = Table("feed", "format", "indicators", "unsupported", "age", title="Indicator files")
    now = datetime.now(UTC)
    for f in feeds.files:
        age = f"{(now - f.modified).days} d" if f.modified else ""
        count = f"[red]{f.error}[/]" if f.error else f"{f.count:,}"
        table.add_row(f.feed, f.format, count, str(len(f.unsupported) or ""), age)
    console.print(table)
    console.print(
        f"{len(feeds.index):,} distinct indicators: "
        + ", ".join(f"{n:,} {k}" for k, n in feeds.index.counts().items())
    )
    for skipped in feeds.skipped:
        console.print(f"[dim]skipped {skipped.file}: {skipped.reason}[/]", highlight=False)


def show_checks(console: Console, answers: list[dict[str, Any]]) -> None:
    for answer in answers:
        if not answer["matches"]:
            console.print(f"{answer['value']}: [dim]no match[/] (as {', '.join(answer['kinds'])})")
            continue
        for hit in answer["matches"]:
            weak = " [yellow](truncated name)[/]" if hit["weak"] else ""
            console.print(
                f"{answer['value']}: [bold red]{hit['malware']}[/] — {hit['kind']} indicator "
                f"{hit['indicator']!r} in {hit['feed']}{weak}",
                highlight=False,
            )
