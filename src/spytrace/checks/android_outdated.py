"""The Android security patch is more than six months older than the examination.

Exploits used by mercenary spyware target flaws the monthly Android security bulletins
fix; a patch level far behind the date the evidence was taken leaves them open. The
reference date is the bugreport's or androidqf's own, never the scan's clock, so the same
evidence always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from spytrace.model import Check, Finding, Record, Severity

OLD = timedelta(days=183)


def check(records: Iterable[Record]) -> Iterator[Finding]:
    taken: datetime | None = None
    devices: list[Record] = []
    for record in records:
        if record.artifact == "androidqf_acquisition":
            taken = taken or record.time
        elif record.artifact == "getprop":
            devices.append(record)
            taken = taken or record.time
    if taken is None:
        return
    for record in devices:
        patch = str(record.fields.get("security_patch") or "")
        try:
            level = datetime.strptime(patch, "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            continue
        if taken - level > OLD:
            months = (taken - level).days // 30
            yield Finding.heuristic(
                record, Severity.MEDIUM,
                f"Security patch {patch} was about {months} months old when the evidence was "
                "taken: the phone misses fixes for exploited flaws",
            )  # fmt: skip


CHECK = Check("android_outdated", reads=("getprop", "androidqf_acquisition"), run=check)
