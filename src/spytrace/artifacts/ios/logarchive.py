"""The unified log archive of a sysdiagnose: present, described, and not parsed.

system_logs.logarchive/ holds the device's unified log in Apple's tracev3 format (Persist/,
Special/, Signpost/, timesync/, uuidtext chunks); its Info.plist names the archive
(ArchiveIdentifier, OSArchiveVersion) and when it ends (EndTimeRef.WallTime, nanoseconds since
1970). spytrace does not decode tracev3, so this artifact only records that the log is there
and marks itself partial: not parsed is not clean, and the report must say so. Apple's
`log show --archive` or mandiant's unifiedlog_iterator read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Record, fields_of

NAME = "logarchive"
PATHS = ("system_logs.logarchive/Info.plist",)
NOT_PARSED = (
    "the unified log entries (tracev3) are present but not parsed by spytrace; "
    "read them with `log show --archive system_logs.logarchive`"
)


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    info: dict[str, Any] = plist if isinstance(plist, dict) else {}
    end = info.get("EndTimeRef")
    wall = end.get("WallTime") if isinstance(end, dict) else None
    file.notes.append(NOT_PARSED)
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="Info.plist",
        time=unix_time(wall),
        message="Unified log archive present (not parsed)",
        fields=fields_of(
            {
                "archive_identifier": _text(info.get("ArchiveIdentifier")),
                "archive_version": info.get("OSArchiveVersion"),
                "parsed": False,
            }
        ),
        time_desc="Log archive ends",
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
