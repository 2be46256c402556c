"""The Operation Triangulation sequence: an iMessage attachment, ImageIO/locationd plists
rewritten, and network use by BackupAgent, all within minutes.

Kaspersky found this on every phone the Triangulation exploit chain reached (Securelist,
"Operation Triangulation: iOS devices targeted with previously unknown malware", 2023, and
its triangle_check tool): the SMS attachments folder changes as the malicious iMessage
arrives, com.apple.ImageIO.plist, com.apple.locationd.StatusBarIconManager.plist and
com.apple.imservice.ids.FaceTime.plist are modified, and the long-deprecated BackupAgent
process (iOS uses BackupAgent2) uses the network. One of these alone is ordinary; together in
one window they are a medium lead, shown with the window and each event.

File times come from a filesystem dump's listing (filesystem) or a backup's Manifest.db
(manifest); BackupAgent's network use from DataUsage or netusage (first and last use).
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from spytrace.model import Check, Finding, Record, Severity, iso

READS = ("filesystem", "manifest", "datausage", "netusage")
WINDOW = timedelta(minutes=10)
ATTACHMENTS = "/private/var/mobile/Library/SMS/Attachments/"
PLISTS = frozenset(
    {
        "com.apple.ImageIO.plist",
        "com.apple.locationd.StatusBarIconManager.plist",
        "com.apple.imservice.ids.FaceTime.plist",
    }
)
PROCESS = "BackupAgent"
MAX_RELATED = 20


def check(records: Iterable[Record]) -> Iterator[Finding]:
    attachments: list[tuple[datetime, Record]] = []
    plists: list[tuple[datetime, Record]] = []
    agent: list[tuple[datetime, Record]] = []
    for record in records:
        if record.artifact in ("datausage", "netusage"):
            agent.extend((t, record) for t in _agent_times(record))
            continue
        path = _path(record)
        if record.time is None or path is None:
            continue
        if path.startswith(ATTACHMENTS) or path == ATTACHMENTS.rstrip("/"):
            attachments.append((record.time, record))
        elif path.rpartition("/")[2] in PLISTS:
            plists.append((record.time, record))
    attachments.sort(key=lambda pair: pair[0])
    plists.sort(key=lambda pair: pair[0])
    reported: set[tuple[str, str]] = set()
    for moment, record in sorted(agent, key=lambda pair: pair[0]):
        near_sms = _within(attachments, moment)
        near_plists = _within(plists, moment)
        if not near_sms or not near_plists or (record.source, record.locator) in reported:
            continue
        reported.add((record.source, record.locator))
        events = sorted([*near_sms, *near_plists], key=lambda pair: pair[0])
        start = min(events[0][0], moment)
        end = max(events[-1][0], moment)
        names = sorted({_path(r) or r.locator for _, r in near_plists})
        yield Finding.heuristic(
            record,
            Severity.MEDIUM,
            f"Operation Triangulation pattern between {iso(start)} and {iso(end)}: "
            f"BackupAgent used the network at {iso(moment)}, {len(near_sms)} change(s) in the "
            f"SMS attachments folder and {', '.join(names)} modified in the same minutes",
            related=[r for _, r in events[:MAX_RELATED]],
        )


def _agent_times(record: Record) -> list[datetime]:
    name = record.fields.get("process_name")
    if record.fields.get("kind") != "process" or not isinstance(name, str):
        return []
    if name.partition("/")[0] != PROCESS:
        return []
    times = [record.time] if record.time else []
    first = record.fields.get("first_used")
    if isinstance(first, str):
        with contextlib.suppress(ValueError):
            times.append(datetime.fromisoformat(first.replace("Z", "+00:00")))
    return times


def _path(record: Record) -> str | None:
    path = record.fields.get("path")
    if isinstance(path, str):
        return path
    return next((o.value for o in record.observables if o.kind == "file_path"), None)


def _within(
    events: list[tuple[datetime, Record]], moment: datetime
) -> list[tuple[datetime, Record]]:
    times = [t for t, _ in events]
    low = bisect.bisect_left(times, moment - WINDOW)
    high = bisect.bisect_right(times, moment + WINDOW)
    return events[low:high]


# Only these records can take part; the rest of a file listing need not be read back.
SELECT = ("SMS/Attachments", PROCESS, *sorted(PLISTS))
CHECK = Check(
    "triangulation_pattern",
    reads=READS,
    run=check,
    select=dict.fromkeys(READS, SELECT),
)
