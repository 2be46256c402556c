from datetime import UTC, datetime

from spytrace.artifacts.ios import sms_attachments
from spytrace.checks.sms_attachment_tmp import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_comms import SmsDb, cocoa_seconds

CREATED = datetime(2021, 7, 10, 3, 20, tzinfo=UTC)
TMP = "/var/tmp/com.apple.messages/com.apple.MobileSMS/4A3B/IMG_7102.GIF-1"


def test_a_received_attachment_under_var_tmp_ending_in_dash_one_is_medium(tmp_path):
    db = SmsDb(tmp_path)
    message = db.add_message(text=None, date=1)
    db.add_attachment(
        message_id=message,
        filename=TMP,
        mime_type="image/gif",
        created_date=cocoa_seconds(CREATED),
    )
    file = db.build()

    [finding] = check(sms_attachments.parse(file))

    assert CHECK.reads == ("sms_attachments",)
    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        f"Received Messages attachment stored as {TMP} (image/gif): received into a temporary "
        "folder, not Messages' attachments folder"
    )
    assert finding.evidence == Evidence(file.logical_path, "attachment.ROWID=1")
    assert finding.observable == Observable("file_path", TMP)
    assert finding.time == CREATED


def test_the_private_var_spelling_counts_too(tmp_path):
    db = SmsDb(tmp_path)
    db.add_attachment(filename="/private/var/tmp/x.pdf-1")
    [finding] = check(sms_attachments.parse(db.build()))
    assert finding.message.startswith("Received Messages attachment stored as /private/var/tmp/")


def test_quiet_on_sent_ordinary_or_differently_named_attachments(tmp_path):
    db = SmsDb(tmp_path)
    db.add_attachment(filename=TMP, is_outgoing=1)
    db.add_attachment(filename="~/Library/SMS/Attachments/4f/15/AT-1/IMG_0042-1")
    db.add_attachment(filename="/var/tmp/com.apple.messages/IMG_0042.HEIC")
    db.add_attachment(filename="/var/tmpx/IMG-1")
    db.add_attachment(filename=None)

    records = list(sms_attachments.parse(db.build()))

    assert len(records) == 5
    assert list(check(records)) == []
