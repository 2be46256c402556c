from datetime import UTC, datetime

from spytrace.artifacts.ios import calendar
from spytrace.checks.calendar_quadream import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_comms import CalendarDb, cocoa_seconds

START = datetime(2021, 1, 3, 9, 0, tzinfo=UTC)
CREATED = datetime(2021, 3, 1, 23, 59, tzinfo=UTC)


def test_a_meeting_with_notes_notes_is_high_and_names_its_organiser(tmp_path):
    db = CalendarDb(tmp_path)
    home = db.add_calendar("Home")
    event = db.add_event(
        calendar_id=home,
        summary="Meeting",
        description="Notes",
        start_date=cocoa_seconds(START),
        creation_date=cocoa_seconds(CREATED),
    )
    db.add_participant(event, address="mailto:organiser@icloud.example", organizer=True)
    file = db.build()

    [finding] = check(calendar.parse(file))

    assert CHECK.reads == ("calendar",)
    assert finding.severity is Severity.HIGH
    assert finding.message == (
        "Calendar event 'Meeting' with notes 'Notes' from organiser@icloud.example, starting "
        "2021-01-03T09:00:00Z, created 2021-03-01T23:59:00Z: the pattern of QuaDream's "
        "exploit invitations"
    )
    assert finding.evidence == Evidence(file.logical_path, "CalendarItem.ROWID=1")
    assert finding.observable == Observable("email", "organiser@icloud.example")
    assert finding.time == START


def test_an_event_without_organiser_counts_too(tmp_path):
    db = CalendarDb(tmp_path)
    db.add_event(summary="Meeting ", description=" Notes")

    [finding] = check(calendar.parse(db.build()))

    assert finding.message == (
        "Calendar event 'Meeting' with notes 'Notes' (no organiser): the pattern of QuaDream's "
        "exploit invitations"
    )
    assert finding.observable is None


def test_quiet_on_other_meetings(tmp_path):
    db = CalendarDb(tmp_path)
    db.add_event(summary="Meeting", description="Agenda: budget")
    db.add_event(summary="Team meeting", description="Notes")
    db.add_event(summary="meeting", description="notes")
    db.add_event(summary="Meeting")
    records = list(calendar.parse(db.build()))
    assert len(records) == 4
    assert list(check(records)) == []
