"""From a record's observables and the index's matches to IOC findings.

Severity says what a hit shows. An indicator of something that lives on the device (process,
file, app, certificate, hash, profile, property) found in its evidence points to infection:
critical. A network indicator (domain, URL, IP, email) shows contact with the infrastructure
— a link received, a page visited — which is targeting and may or may not have led to
infection: high. A name that only matches as a truncated prefix: medium.
"""

from __future__ import annotations

from spytrace.iocs.index import IndicatorIndex, Match
from spytrace.model import (
    Evidence,
    Finding,
    FindingKind,
    IndicatorRef,
    Observable,
    Record,
    Severity,
)

ON_DEVICE_KINDS = frozenset(
    {
        "process",
        "file_path",
        "file_name",
        "app_id",
        "cert_hash",
        "file_hash",
        "profile_id",
        "android_property",
    }
)


def ioc_findings(record: Record, index: IndicatorIndex) -> list[Finding]:
    found: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for observable in record.observables:
        matches = index.match(observable)
        if matches:
            # A record's path and its file name can hit the same file:name indicator: one
            # finding per indicator value per record, on the first observable that hit it.
            fresh = [m for m in matches if (m.indicator.kind, m.indicator.value) not in seen]
            seen.update((m.indicator.kind, m.indicator.value) for m in matches)
            found.extend(_findings(record, observable, tuple(fresh)))
    return found


def _findings(record: Record, observable: Observable, matches: tuple[Match, ...]) -> list[Finding]:
    # One finding per indicator value; other feeds publishing the same value are listed.
    grouped: dict[tuple[str, str], list[Match]] = {}
    for match in matches:
        grouped.setdefault((match.indicator.kind, match.indicator.value), []).append(match)
    out = []
    for group in grouped.values():
        first = group[0]
        indicator = first.indicator
        also = tuple(
            dict.fromkeys(
                m.indicator.origin.feed
                for m in group[1:]
                if m.indicator.origin.feed != indicator.origin.feed
            )
        )
        ref = IndicatorRef(
            kind=indicator.kind,
            value=indicator.raw,
            pattern=indicator.pattern,
            feed=indicator.origin.feed,
            malware=indicator.origin.malware,
            file=indicator.origin.file,
            file_sha256=indicator.origin.sha256,
            weak=first.weak,
            also_in=also,
        )
        out.append(
            Finding(
                kind=FindingKind.IOC,
                severity=_severity(ref),
                artifact=record.artifact,
                time=record.time,
                message=_message(record, observable, ref),
                evidence=Evidence(record.source, record.locator),
                observable=observable,
                indicator=ref,
            )
        )
    return out


def _severity(ref: IndicatorRef) -> Severity:
    if ref.weak:
        return Severity.MEDIUM
    return Severity.CRITICAL if ref.kind in ON_DEVICE_KINDS else Severity.HIGH


def _message(record: Record, observable: Observable, ref: IndicatorRef) -> str:
    kind = observable.kind.replace("_", " ")
    text = f"{kind} {observable.value!r} in {record.artifact} matches {ref.malware}"
    if ref.value != observable.value:
        text += f" indicator {ref.value!r}"
    if ref.weak:
        text += " (only as a truncated name)"
    return text
