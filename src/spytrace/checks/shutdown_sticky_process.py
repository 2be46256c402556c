"""A process that delayed a reboot ran from a folder iOS binaries never run from.

shutdown.log names every process still running while iOS shut down, with the reboot's time
(the shutdown_log artifact). Pegasus' binaries showed up there running from
/private/var/db/com.apple.xpc.roleaccountd.staging/ (Kaspersky, iShutdown, 2024), which no
real iOS process does: a client from /private/var/db/, /private/var/tmp/ or any other place
outside the system volume and app bundles is a strong lead, named with the reboot it delayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.ios_locations import STAGING, UNUSUAL, folder_of, location
from spytrace.model import Check, Finding, Observable, Record, Severity, iso

CLIENT = "client"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.fields.get("kind") != CLIENT:
            continue
        path = record.fields.get("client_path")
        if not isinstance(path, str) or location(path) not in (STAGING, UNUSUAL):
            continue
        when = iso(record.time) or "an unknown time (the log ends before that reboot's SIGTERM)"
        where = (
            f"from {folder_of(path)}, where Pegasus staged its binaries"
            if location(path) == STAGING
            else "from outside the system volume and app bundles"
        )
        yield Finding.heuristic(
            record,
            Severity.HIGH,
            f"{path} (pid {record.fields.get('pid')}) was still running at the reboot of "
            f"{when} and delayed it, running {where}",
            observable=Observable("file_path", path),
        )


CHECK = Check("shutdown_sticky_process", reads=("shutdown_log",), run=check)
