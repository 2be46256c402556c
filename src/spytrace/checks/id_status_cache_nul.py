"""An IDStatusCache identifier holding two NUL bytes in a row.

identityservicesd records every iMessage/FaceTime lookup of an address or number in its ID
status cache. A real identifier is a `mailto:` or `tel:` URI of printable text; one carrying
"\\x00\\x00" was crafted, not typed, and MVT's IDStatusCache module flags it as a suspicious
pattern (high), a trace left by exploit-delivery lookups such as Pegasus's iMessage exploits
(Amnesty International's 2021 forensic methodology found attacker lookups in this file). High,
as in MVT: nothing on a normal phone writes such an identifier. MVT runs this only when
indicators are loaded; this check always runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity, iso

PATTERN = "\x00\x00"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        identifier = record.fields.get("identifier")
        if not isinstance(identifier, str) or PATTERN not in identifier:
            continue
        service = record.fields.get("service") or "an Apple service"
        shown = identifier.replace("\x00", "\\x00")
        when = f" at {iso(record.time)}" if record.time else ""
        yield Finding.heuristic(
            record,
            Severity.HIGH,
            f"ID status cache entry '{shown}' ({service}, looked up"
            f"{when or ' at an unknown time'}) holds two NUL bytes in a row, a crafted identifier",
        )


CHECK = Check("id_status_cache_nul", reads=("id_status_cache",), run=check)
