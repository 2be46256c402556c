"""A reboot that waited three or more times for processes that would not exit.

Each "After Ns, these clients are still here" line of shutdown.log is one more wait before the
SIGTERM. Kaspersky found three or more such delays before a reboot common across the
infected phones they analysed, and rare otherwise (iShutdown, 2024, threshold 3); the
processes named in those waits are the ones to look at. Clean phones sometimes stall too, so
this is a medium lead: the finding names the reboot, the waits and every process that held it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity, iso

THRESHOLD = 3
REBOOT, CLIENT = "reboot", "client"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    reboots: list[Record] = []
    clients: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        kind = record.fields.get("kind")
        key = (record.source, str(record.fields.get("reboot")))
        if kind == REBOOT and (record.fields.get("waits") or 0) >= THRESHOLD:
            reboots.append(record)
        elif kind == CLIENT:
            clients[key].append(record)
    for reboot in reboots:
        held = clients.get((reboot.source, str(reboot.fields.get("reboot"))), [])
        held.sort(key=lambda r: (-(r.fields.get("waits") or 0), r.locator))
        names = ", ".join(
            f"{r.fields.get('client_path') or r.fields.get('process_name')} "
            f"(pid {r.fields.get('pid')}, in {r.fields.get('waits')} wait(s))"
            for r in held
        )
        seconds = reboot.fields.get("wait_seconds") or []
        yield Finding.heuristic(
            reboot,
            Severity.MEDIUM,
            f"The reboot of {iso(reboot.time)} waited {reboot.fields.get('waits')} times "
            f"({', '.join(f'{s:g}s' for s in seconds)}) for processes that would not exit: "
            f"{names or 'none named'}",
            related=held,
        )


CHECK = Check("shutdown_delays", reads=("shutdown_log",), run=check)
