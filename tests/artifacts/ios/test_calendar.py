from datetime import UTC, datetime

from spytrace.artifacts.ios import calendar
from spytrace.model import Observable
from spytrace.testkit.ios_comms import CalendarDb, cocoa_seconds

START = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
END = datetime(2024, 4, 1, 10, 0, tzinfo=UTC)
CREATED = datetime(2024, 3, 28, 23, 59, tzinfo=UTC)


def test_an_invitation_with_its_organiser_attendees_and_links(tmp_path):
    db = CalendarDb(tmp_path)
    home = db.add_calendar("Home")
    event = db.add_event(
        calendar_id=home,
        summary="You won! claim at win.example/prize",
        description="Details: https://phish.example/login?id=7",
        url="https://invite.example/e/1",
        start_date=cocoa_seconds(START),
        end_date=cocoa_seconds(END),
        creation_date=cocoa_seconds(CREATED),
        status=0,
        invitation_status=1,
        unique_identifier="UID-1",
    )
    db.add_participant(event, address="mailto:spammer@example.net", organizer=True, entity_type=8)
    db.add_participant(event, email="me@example.org", entity_type=7)
    db.add_participant(event, phone_number="+15550001234", entity_type=7)
    file = db.build()

    [record] = calendar.parse(file)

    assert record.artifact == "calendar"
    assert record.source == "HomeDomain/Library/Calendar/Calendar.sqlitedb"
    assert record.locator == "CalendarItem.ROWID=1"
    assert record.time == START
    assert record.time_desc == "Event start"
    assert record.message == "Calendar event from spammer@example.net, 3 links"
    assert record.fields == {
        "summary": "You won! claim at win.example/prize",
        "description": "Details: https://phish.example/login?id=7",
        "url": "https://invite.example/e/1",
        "calendar": "Home",
        "organizer": "spammer@example.net",
        "attendees": ["me@example.org", "+15550001234"],
        "end": "2024-04-01T10:00:00Z",
        "created": "2024-03-28T23:59:00Z",
        "entity_type": 2,
        "status": 0,
        "invitation_status": 1,
        "unique_identifier": "UID-1",
    }
    assert record.observables == Observable.of(
        url=[
            "https://invite.example/e/1",
            "win.example/prize",
            "https://phish.example/login?id=7",
        ],
        email=["spammer@example.net", "me@example.org"],
        phone="+15550001234",
    )
    assert file.notes == []


def test_a_plain_event_without_participants(tmp_path):
    db = CalendarDb(tmp_path)
    db.add_event(summary="Dentist", start_date=cocoa_seconds(START))

    [record] = calendar.parse(db.build())

    assert record.message == "Calendar event"
    assert record.fields == {"summary": "Dentist", "entity_type": 2}
    assert record.observables == ()
