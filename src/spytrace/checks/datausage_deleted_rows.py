"""Rows deleted from DataUsage.sqlite's ZPROCESS: gaps in its primary keys.

Core Data hands out ZPROCESS primary keys one after another and records the highest in
Z_PRIMARYKEY.Z_MAX, so a key missing below Z_MAX is a row that was deleted. Pegasus removed
its own process rows this way (Amnesty International, Forensic Methodology Report: How to
catch NSO Group's Pegasus, 2021, section on DataUsage); MVT's DataUsage module looks for the
same gaps. iOS can delete rows too, so a gap alone is a lead, not proof; traffic that still
points at a deleted key (ZLIVEUSAGE rows left behind) means the row was removed without Core
Data, which is what a cleaning tool does, and is weighed higher.

MVT's DataUsage/NetUsage modules report each ZLIVEUSAGE row without a ZPROCESS row as a
"manipulated process entry" (high). Traffic pointing at a deleted key is one of the gaps
above (high). Traffic pointing at no key at all (ZHASPROCESS empty) or at a key Core Data
never hands out (0 or less) is reported on its own: high for an impossible key, medium for an
empty one, which is also what Core Data leaves when it deletes a process and nullifies the
link (this check's one departure from MVT's level).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from spytrace.model import Check, Finding, Record, Severity, iso

KEY_MAX, PROCESS, ORPHAN_USAGE = "key_max", "process", "orphan_usage"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    by_file: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_file[record.source].append(record)
    for source in sorted(by_file):
        yield from _gaps(by_file[source])
        yield from _strays(by_file[source])


def _gaps(records: list[Record]) -> Iterator[Finding]:
    processes = {
        r.fields["pk"]: r
        for r in records
        if r.fields.get("kind") == PROCESS and isinstance(r.fields.get("pk"), int)
    }
    orphans = {
        r.fields["pk"]: r
        for r in records
        if r.fields.get("kind") == ORPHAN_USAGE and isinstance(r.fields.get("pk"), int)
    }
    key_max = next((r for r in records if r.fields.get("kind") == KEY_MAX), None)
    z_max = key_max.fields.get("z_max") if key_max else None
    upper = max([*processes, *orphans, z_max if isinstance(z_max, int) else 0], default=0)
    for first, last in _gap_ranges(sorted(processes), upper):
        before = processes.get(first - 1)
        after = processes.get(last + 1)
        left_over = [r for pk, r in sorted(orphans.items()) if first <= pk <= last]
        anchor = before or after or key_max or left_over[0]
        related = [r for r in (after if before else None, key_max, *left_over) if r]
        finding = Finding.heuristic(
            anchor,
            Severity.HIGH if left_over else Severity.MEDIUM,
            _message(first, last, before, after, left_over),
            related=[r for r in related if r is not anchor],
        )
        yield dataclasses.replace(finding, time=_first_used(before))


def _strays(records: list[Record]) -> Iterator[Finding]:
    """Traffic that points at no process, or at a key that no gap can hold."""
    for record in records:
        if record.fields.get("kind") != ORPHAN_USAGE:
            continue
        pk = record.fields.get("pk")
        if isinstance(pk, int) and pk >= 1:
            continue  # a deleted key: reported with its gap
        rows = record.fields.get("usage_rows")
        text = f"DataUsage ZLIVEUSAGE holds traffic ({rows} row{'s' if rows != 1 else ''}"
        text += f", last at {iso(record.time)})" if record.time else ")"
        if isinstance(pk, int):
            severity = Severity.HIGH
            text += f" of process key {pk}, which Core Data never hands out: a forged link"
        else:
            severity = Severity.MEDIUM
            text += " that points at no process: its ZPROCESS row was deleted"
        yield Finding.heuristic(record, severity, text)


def _gap_ranges(present: list[int], upper: int) -> Iterator[tuple[int, int]]:
    """The runs of keys from 1 to `upper` missing from sorted `present`, as (first, last).

    Walks the keys that exist, never the missing ones: a forged Z_MAX of a billion costs
    nothing.
    """
    previous = 0
    for key in present:
        if key > previous + 1:
            yield previous + 1, key - 1
        previous = max(previous, key)
    if upper > previous:
        yield previous + 1, upper


def _message(
    first: int, last: int, before: Record | None, after: Record | None, left_over: list[Record]
) -> str:
    count = last - first + 1
    keys = f"key {first}" if count == 1 else f"keys {first}-{last}"
    text = f"DataUsage ZPROCESS {keys} deleted ({count} row{'s' if count > 1 else ''})"
    if before is not None and after is not None:
        text += f": created after {_process(before)} and before {_process(after)}"
    elif before is not None:
        text += f": the last keys handed out, created after {_process(before)}"
    elif after is not None:
        text += f": created before {_process(after)}"
    else:
        text += ": no process row is left"
    if left_over:
        plural = "s" if len(left_over) > 1 else ""
        pks = ", ".join(str(r.fields["pk"]) for r in left_over)
        last_seen = max((r.time for r in left_over if r.time), default=None)
        text += f"; ZLIVEUSAGE still holds traffic of deleted key{plural} {pks}"
        if last_seen:
            text += f" (last at {iso(last_seen)})"
        text += ", so the rows were removed behind Core Data's back"
    return text


def _process(record: Record) -> str:
    name = record.fields.get("process_name") or "(no name)"
    return f"{name!r} (first used {record.fields.get('first_used') or 'at an unknown time'})"


def _first_used(record: Record | None) -> datetime | None:
    if record is None:
        return None
    text = record.fields.get("first_used")
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


# netusage.sqlite is the same Core Data model, with records of the same shape.
CHECK = Check("datausage_deleted_rows", reads=("datausage", "netusage"), run=check)
