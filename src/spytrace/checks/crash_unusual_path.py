"""A crashed or running process whose binary sits outside the system volume and app bundles.

Crash reports (crash_reports) and the sysdiagnose process list (ps) give the path of the
binary. iOS runs binaries only from its sealed system volume, its cryptexes and installed app
bundles (spytrace.checks.ios_locations); a binary elsewhere on the data partition was put
there. Exploit payloads crash too, and their reports outlive them. /private/var/db/ and
/private/var/tmp/ are where Pegasus staged its binaries: high; any other such place: medium.
A filesystem dump's executable files (the filesystem artifact's `executable` flag) in such
places are weighed one step lower: an execute bit alone, which some extraction tools set on
every file, is weaker than a process seen running or crashing.
Processes whose names are known indicators are the matcher's business, not this check's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.ios_locations import STAGING, UNUSUAL, folder_of, location, normalise
from spytrace.model import Check, Finding, Observable, Record, Severity, iso

WHAT = {
    "crash_reports": "crashed",
    "ps": "was running when the sysdiagnose was taken",
    "filesystem": "is an executable file",
}
LOWER = {Severity.HIGH: Severity.MEDIUM, Severity.MEDIUM: Severity.LOW}


def check(records: Iterable[Record]) -> Iterator[Finding]:
    seen: set[tuple[str, str, str]] = set()
    for record in records:
        path = record.fields.get("process_path")
        if record.artifact == "filesystem":
            path = record.fields.get("path") if record.fields.get("executable") else None
        if not isinstance(path, str):
            continue
        where = location(path)
        if where not in (STAGING, UNUSUAL):
            continue
        # ps.txt and ps_thread.txt list the same processes: one finding per binary and pid.
        key = (record.artifact, normalise(path), str(record.fields.get("pid")))
        if record.artifact == "ps" and key in seen:
            continue
        seen.add(key)
        when = f" at {iso(record.time)}" if record.time else ""
        severity = Severity.HIGH if where == STAGING else Severity.MEDIUM
        if record.artifact == "filesystem":
            severity, who = LOWER[severity], path.rpartition("/")[2]
            when = f" (modified {iso(record.time)})" if record.time else ""
        else:
            who = f"{record.fields.get('process_name') or path} (pid {record.fields.get('pid')})"
        yield Finding.heuristic(
            record,
            severity,
            f"{who} {WHAT.get(record.artifact, 'ran')}{when} from {path}: "
            + (
                f"{folder_of(path)} is where Pegasus staged its binaries"
                if where == STAGING
                else "outside the system volume and app bundles"
            ),
            observable=Observable("file_path", normalise(path)),
        )


CHECK = Check("crash_unusual_path", reads=("crash_reports", "ps", "filesystem"), run=check)
