"""A calendar event titled "Meeting" with the notes "Notes": QuaDream's exploit invitation.

QuaDream's ENDOFDAYS zero-click exploit reached iPhones in 2021 through invisible iCloud
calendar invitations (Citizen Lab, "Sweet QuaDream", and Microsoft Threat Intelligence on
KingsPawn, April 2023). MVT's Calendar module flags an event whose summary is exactly
"Meeting" and whose description is exactly "Notes" as a potential QuaDream exploit event
(high); this check matches the same (leading and trailing spaces aside) and names the
organiser. High, as in MVT: the pair is specific, though a person may still have typed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity, iso

TITLE, NOTES = "Meeting", "Notes"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        summary = record.fields.get("summary")
        description = record.fields.get("description")
        if not isinstance(summary, str) or not isinstance(description, str):
            continue
        if summary.strip() != TITLE or description.strip() != NOTES:
            continue
        organizer = record.fields.get("organizer")
        created = record.fields.get("created")
        message = f"Calendar event {TITLE!r} with notes {NOTES!r}"
        message += f" from {organizer}" if isinstance(organizer, str) else " (no organiser)"
        message += f", starting {iso(record.time)}" if record.time else ""
        message += f", created {created}" if isinstance(created, str) else ""
        message += ": the pattern of QuaDream's exploit invitations"
        email = organizer if isinstance(organizer, str) and "@" in organizer else None
        yield Finding.heuristic(
            record,
            Severity.HIGH,
            message,
            observable=Observable("email", email) if email else None,
        )


CHECK = Check("calendar_quadream", reads=("calendar",), run=check)
