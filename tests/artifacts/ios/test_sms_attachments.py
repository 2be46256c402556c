from datetime import UTC, datetime

from spytrace.artifacts.ios import sms_attachments
from spytrace.model import Observable
from spytrace.testkit.ios_comms import SmsDb, cocoa_seconds

CREATED = datetime(2023, 11, 20, 8, 15, 30, tzinfo=UTC)


def test_a_received_attachment_under_the_home_folder(tmp_path):
    db = SmsDb(tmp_path)
    message = db.add_message(text=None, date=1)
    db.add_attachment(
        message_id=message,
        guid="AT-1",
        filename="~/Library/SMS/Attachments/4f/15/AT-1/IMG_0042.HEIC",
        transfer_name="IMG_0042.HEIC",
        mime_type="image/heic",
        uti="public.heic",
        created_date=cocoa_seconds(CREATED),
        total_bytes=123456,
        transfer_state=5,
    )

    [record] = sms_attachments.parse(db.build())

    assert record.artifact == "sms_attachments"
    assert record.locator == "attachment.ROWID=1"
    assert record.time == CREATED
    assert record.time_desc == "Attachment created"
    assert record.message == "Attachment received: IMG_0042.HEIC (image/heic, 123456 bytes)"
    assert record.fields == {
        "filename": "~/Library/SMS/Attachments/4f/15/AT-1/IMG_0042.HEIC",
        "transfer_name": "IMG_0042.HEIC",
        "mime_type": "image/heic",
        "uti": "public.heic",
        "total_bytes": 123456,
        "is_outgoing": False,
        "transfer_state": 5,
        "message_rowid": 1,
        "guid": "AT-1",
    }
    assert record.observables == Observable.of(
        file_path="/private/var/mobile/Library/SMS/Attachments/4f/15/AT-1/IMG_0042.HEIC",
        file_name="IMG_0042.HEIC",
    )


def test_an_outgoing_attachment_with_an_absolute_path_and_no_message(tmp_path):
    db = SmsDb(tmp_path)
    db.add_attachment(filename="/var/tmp/payload.gif", is_outgoing=1, created_date=0)
    db.add_attachment(filename=None, transfer_name=None)

    sent, empty = sms_attachments.parse(db.build())

    assert sent.message == "Attachment sent: payload.gif"
    assert sent.time is None
    assert "message_rowid" not in sent.fields
    assert sent.observables == Observable.of(
        file_path="/var/tmp/payload.gif", file_name="payload.gif"
    )
    assert empty.locator == "attachment.ROWID=2"
    assert empty.message == "Attachment received: unnamed"
    assert empty.observables == ()


def test_an_attachment_in_two_messages_is_one_record(tmp_path):
    db = SmsDb(tmp_path)
    first = db.add_message(text="a", date=1)
    second = db.add_message(text="b", date=2)
    attachment = db.add_attachment(message_id=first, filename="~/x.jpg")
    db.insert("message_attachment_join", message_id=second, attachment_id=attachment)

    assert [r.locator for r in sms_attachments.parse(db.build())] == ["attachment.ROWID=1"]
