"""Computers trusted for USB debugging, and which of them connected close to the examination.

An adb key gives whoever holds the matching computer a shell on the phone: installing apps
silently, reading app data the shell may read. The acquiring computer's own key
(androidqf's `adb_host_public_key`) is expected; another key that connected within a week
before the acquisition is a medium lead (someone else had a computer on the phone);
other trusted keys are a low one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from spytrace.model import Check, Finding, Record, Severity

RECENT = timedelta(days=7)
READS = ("androidqf_acquisition", "getprop", "dumpsys_adb")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    host_keys: set[str] = set()
    taken: datetime | None = None
    for record in records:
        fields = record.fields
        if record.artifact == "androidqf_acquisition":
            if fields.get("adb_host_key"):
                host_keys.add(str(fields["adb_host_key"]))
            taken = taken or record.time
        elif record.artifact == "getprop":
            taken = taken or record.time
        elif record.artifact == "dumpsys_adb":
            key = str(fields.get("key") or "")
            if key in host_keys:
                continue
            name = fields.get("comment") or fields.get("fingerprint") or key[:16]
            last = record.time
            if taken and last and taken - RECENT <= last <= taken + timedelta(hours=1):
                yield Finding.heuristic(
                    record, Severity.MEDIUM,
                    f"A computer other than the acquiring one ({name}) connected over adb on "
                    f"{last:%Y-%m-%d %H:%M} UTC, within a week before the examination",
                )  # fmt: skip
            else:
                seen = f", last connected {last:%Y-%m-%d}" if last else ""
                yield Finding.heuristic(
                    record, Severity.LOW, f"A computer ({name}) is trusted for USB debugging{seen}"
                )


CHECK = Check("android_adb_keys", reads=READS, run=check)
