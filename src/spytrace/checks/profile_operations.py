"""Every configuration-profile operation MCProfileEvents.plist recorded, as a low finding.

MCProfileEvents.plist keeps which process installed or removed which profile, and when, long
after the profile itself is gone: a profile installed and removed again around the time of an
infection (Predator and other spyware deployments used profiles) leaves only this trace. MVT's
ProfileEvents module reports every operation as a low alert so an analyst reads them; this
check does the same. Low: most operations are the owner, an employer or Apple's own tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity, iso


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        identifier = record.fields.get("profile_identifier")
        if not isinstance(identifier, str) or not identifier:
            continue
        operation = record.fields.get("operation") or "an unknown operation"
        process = record.fields.get("process") or "an unknown process"
        when = iso(record.time) or "an unknown time"
        yield Finding.heuristic(
            record,
            Severity.LOW,
            f"Configuration profile {identifier}: {operation} by {process} at {when}",
            observable=Observable("profile_id", identifier),
        )


CHECK = Check("profile_operations", reads=("profile_events",), run=check)
