"""MCProfileEvents.plist: when which process installed or removed which configuration profile.

`ProfileEvents` is a list of one-key dictionaries: profile identifier -> {timestamp,
operation ("install", "remove"), process} (layout as MVT's ProfileEvents module reads it). It
outlives the profiles themselves, so a removed profile still shows here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from spytrace.artifacts.ios.configuration_profiles import FOLDER, ROOTS
from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import as_utc
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "profile_events"
PATHS = tuple(f"{root}/{FOLDER}/MCProfileEvents.plist" for root in ROOTS)


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    events = plist.get("ProfileEvents") if isinstance(plist, dict) else None
    if not isinstance(events, list):
        file.notes.append("no ProfileEvents list")
        return
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        for identifier, details in event.items():
            yield _record(
                file, index, str(identifier), details if isinstance(details, dict) else {}
            )


def _record(file: EvidenceFile, index: int, identifier: str, details: dict[str, Any]) -> Record:
    # Key case has varied between iOS versions (MVT lower-cases them); accept either.
    lowered = {str(k).lower(): v for k, v in details.items()}
    when = lowered.get("timestamp")
    operation = _text(lowered.get("operation"))
    process = _text(lowered.get("process"))
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ProfileEvents[{index}]",
        time=as_utc(when) if isinstance(when, datetime) else None,
        message=f"{process or 'A process'} {operation or 'touched'} profile {identifier}",
        fields=fields_of(
            {"profile_identifier": identifier, "operation": operation, "process": process}
        ),
        observables=Observable.of(profile_id=identifier, process=process),
        time_desc=f"Profile {operation}" if operation else "Profile event",
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
