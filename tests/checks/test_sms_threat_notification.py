from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import sms
from spytrace.checks.sms_threat_notification import CHECK, check
from spytrace.model import Evidence, Severity
from spytrace.outputs.jsonenc import dumps, loads
from spytrace.outputs.records_jsonl import record_from_json, record_to_json, selected_lines
from spytrace.testkit.ios_comms import SmsDb, archived_text, cocoa_nanos

WHEN = datetime(2024, 4, 10, 19, 0, tzinfo=UTC)
OLD = (
    "ALERT: State-sponsored attackers may be targeting your iPhone. Apple believes you are "
    "being targeted by state-sponsored attackers who are trying to remotely compromise the "
    "iPhone associated with your Apple ID. Private details for Alex follow."
)
NEW = (
    "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone. Apple "
    "detected that you are being targeted by a mercenary spyware attack. Private details follow."
)


def messages(tmp_path, *rows):
    db = SmsDb(tmp_path)
    apple = db.add_handle("threat-notifications@email.apple.com")
    for row in rows:
        db.add_message(handle_id=apple, date=cocoa_nanos(WHEN), service="iMessage", **row)
    return db.build()


@pytest.mark.parametrize(
    ("text", "alert"),
    [
        (OLD, "ALERT: State-sponsored attackers may be targeting your iPhone"),
        (NEW, "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone"),
        (
            "  " + NEW.lower(),
            "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
        ),
    ],
)
def test_a_received_notification_is_high_and_names_only_the_alert(tmp_path, text, alert):
    db = messages(tmp_path, {"text": text})

    [finding] = check(sms.parse(db))

    assert CHECK.reads == ("sms",)
    assert finding.severity is Severity.HIGH
    assert finding.message == (
        "Apple threat notification received from threat-notifications@email.apple.com "
        f"(iMessage): the message opens with {alert!r}"
    )
    assert finding.evidence == Evidence(db.logical_path, "message.ROWID=1")
    assert finding.time == WHEN


def test_a_notification_kept_only_in_attributed_body_counts(tmp_path):
    db = messages(tmp_path, {"text": None, "attributedBody": archived_text(NEW)})
    [finding] = check(sms.parse(db))
    assert finding.severity is Severity.HIGH


def test_a_forwarded_alert_inside_another_message_is_medium(tmp_path):
    db = messages(tmp_path, {"text": "Look what I got: " + OLD, "is_from_me": 1})

    [finding] = check(sms.parse(db))

    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "A message (iMessage) sent to threat-notifications@email.apple.com quotes Apple's "
        "threat notification 'State-sponsored attackers may be targeting your iPhone'"
    )


def test_quiet_on_ordinary_messages(tmp_path):
    db = messages(
        tmp_path,
        {"text": "ALERT: your parcel is waiting"},
        {"text": "Apple detected a problem with your payment"},
        {"text": ""},
    )
    assert list(check(sms.parse(db))) == []


def test_the_selection_passes_every_alert_and_little_else(tmp_path):
    texts = [OLD, NEW.upper(), "  " + NEW.lower(), "Look what I got: " + OLD, "lunch at one?"]
    db = messages(tmp_path, *({"text": t} for t in texts))
    records = list(sms.parse(db))
    stored = tmp_path / "sms.jsonl"
    stored.write_bytes(b"".join(dumps(record_to_json(r)) + b"\n" for r in records))

    selected = [
        record_from_json(loads(line)) for line in selected_lines(stored, CHECK.select["sms"])
    ]

    assert len(selected) == 4
    assert list(check(selected)) == list(check(records))
