"""Calendar.sqlitedb: events and invitations, with their organiser, attendees and links.

Calendar invitations are a known spam and phishing channel: the links in an event's URL,
title and notes and the addresses of whoever sent it are what matter here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.text import contact_observables, urls_in
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "calendar"
PATHS = paths.home("Library/Calendar/Calendar.sqlitedb")
EVENTS_SQL = """
SELECT ci.ROWID, ci.summary, ci.description, ci.url, ci.conference_url, ci.start_date,
       ci.end_date, ci.creation_date, ci.last_modified, ci.organizer_id, ci.entity_type,
       ci.status, ci.invitation_status, ci.unique_identifier, c.title
FROM CalendarItem ci
LEFT JOIN Calendar c ON c.ROWID = ci.calendar_id
ORDER BY ci.ROWID
"""
# Participant.owner_id is the CalendarItem; its identity, when there is one, holds the
# address as a URI ("mailto:...").
PARTICIPANTS_SQL = """
SELECT p.ROWID, p.owner_id, p.email, p.phone_number, i.address
FROM Participant p
LEFT JOIN Identity i ON i.ROWID = p.identity_id
"""


def parse(file: EvidenceFile) -> Iterator[Record]:
    # Participants of all events: a calendar holds thousands at most.
    people: defaultdict[int, list[tuple[int, str | None, str | None]]] = defaultdict(list)
    for row in rows(file, PARTICIPANTS_SQL):
        email = row["email"] or _without_scheme(row["address"], "mailto:")
        phone = row["phone_number"] or _without_scheme(row["address"], "tel:")
        people[row["owner_id"]].append((row["ROWID"], email, phone))
    for row in rows(file, EVENTS_SQL):
        yield _record(file, row, people.get(row["ROWID"], []))


def _record(
    file: EvidenceFile, row: Any, people: list[tuple[int, str | None, str | None]]
) -> Record:
    organizer = next(
        (email or phone for pk, email, phone in people if pk == row["organizer_id"]), None
    )
    attendees = [email or phone for pk, email, phone in people if pk != row["organizer_id"]]
    urls = [
        *(u for u in (_str(row["url"]), _str(row["conference_url"])) if u),
        *urls_in(_str(row["summary"])),
        *urls_in(_str(row["description"])),
    ]
    message = "Calendar event"
    if organizer:
        message += f" from {organizer}"
    links = len(set(urls))
    if links:
        message += f", {links} link{'s' if links > 1 else ''}"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"CalendarItem.ROWID={row['ROWID']}",
        time=cocoa_time(row["start_date"]),
        message=message,
        fields=fields_of(
            {
                "summary": row["summary"],
                "description": row["description"],
                "url": row["url"],
                "conference_url": row["conference_url"],
                "calendar": row["title"],
                "organizer": organizer,
                "attendees": [a for a in attendees if a] or None,
                "end": iso(cocoa_time(row["end_date"])),
                "created": iso(cocoa_time(row["creation_date"])),
                "modified": iso(cocoa_time(row["last_modified"])),
                "entity_type": row["entity_type"],
                "status": row["status"],
                "invitation_status": row["invitation_status"],
                "unique_identifier": row["unique_identifier"],
            }
        ),
        observables=Observable.of(url=urls)
        + contact_observables(value for _, email, phone in people for value in (email, phone)),
        time_desc="Event start",
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _without_scheme(value: object, scheme: str) -> str | None:
    if isinstance(value, str) and value.lower().startswith(scheme):
        return value[len(scheme) :]
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
