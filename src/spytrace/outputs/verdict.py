"""The verdict in plain words: what matched, and what could not be checked. Never "clean"."""

from __future__ import annotations

from collections.abc import Sequence

from spytrace.model import Coverage, Finding, FindingKind, Severity, Status


def verdict(findings: Sequence[Finding], coverage: Sequence[Coverage], indicators: int) -> str:
    ioc = [f for f in findings if f.kind is FindingKind.IOC]
    unread = [c for c in coverage if c.status in (Status.UNREADABLE, Status.PARTIAL)]
    gaps = (
        f"; {len(unread)} artifact{'s' * (len(unread) != 1)} could not be fully checked"
        if unread
        else ""
    )
    if ioc:
        malware = sorted({f.indicator.malware for f in ioc if f.indicator})
        artifacts = {f.artifact for f in ioc}
        names = ", ".join(malware[:3]) + (
            f" and {len(malware) - 3} more" if len(malware) > 3 else ""
        )
        return (
            f"Traces matching {names} indicators in {len(artifacts)} "
            f"artifact{'s' * (len(artifacts) != 1)}{gaps}"
        )
    serious = [f for f in findings if f.severity.at_least(Severity.MEDIUM)]
    if serious:
        return (
            f"No known indicator matched, but {len(serious)} heuristic finding"
            f"{'s' * (len(serious) != 1)} need a look{gaps}"
        )
    if not indicators:
        return f"No indicators were loaded, so nothing could match: heuristics only{gaps}"
    return f"No known indicator matched{gaps or '; every artifact present was read'}"
