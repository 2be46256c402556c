"""A process running as root, system or shell crashed (tombstone).

Exploits against privileged services often crash them while being developed or when they
fail; a tombstone of a uid 0 (root), 1000 (system) or 2000 (shell) process is worth reading,
though most are ordinary bugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

PRIVILEGED = {0: "root", 1000: "system", 2000: "shell"}


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        uid = record.fields.get("uid")
        if isinstance(uid, int) and uid in PRIVILEGED:
            yield Finding.heuristic(
                record, Severity.LOW,
                f"{record.fields.get('process') or 'A process'} running as {PRIVILEGED[uid]} "
                f"crashed ({record.fields.get('signal_name') or 'signal unknown'})",
            )  # fmt: skip


CHECK = Check("android_privileged_crash", reads=("android_tombstones",), run=check)
