from datetime import UTC, datetime

from spytrace.artifacts.ios import sms
from spytrace.model import Observable
from spytrace.testkit.ios_comms import (
    SmsDb,
    SmsDbWithoutAttributedBody,
    archived_text,
    cocoa_nanos,
    cocoa_seconds,
    link_preview_payload,
)

SENT = datetime(2024, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
READ = datetime(2024, 3, 1, 12, 5, tzinfo=UTC)
OLD = datetime(2016, 7, 4, 9, 30, tzinfo=UTC)


def test_a_received_imessage_with_links(tmp_path):
    db = SmsDb(tmp_path)
    handle = db.add_handle("+15551234567")
    chat = db.add_chat("+15551234567", handles=[handle])
    db.add_message(
        chat_id=chat,
        guid="G-1",
        text="look https://evil.example/a?b=1 and www.other.example",
        handle_id=handle,
        service="iMessage",
        date=cocoa_nanos(SENT),
        date_read=cocoa_nanos(READ),
        date_delivered=0,
    )

    [record] = sms.parse(db.build())

    assert record.artifact == "sms"
    assert record.source == "HomeDomain/Library/SMS/sms.db"
    assert record.locator == "message.ROWID=1"
    assert record.time == SENT
    assert record.time_desc == "Message received"
    assert record.message == "iMessage received from +15551234567, 2 links"
    assert record.fields == {
        "service": "iMessage",
        "is_from_me": False,
        "handle": "+15551234567",
        "chat": "+15551234567",
        "text": "look https://evil.example/a?b=1 and www.other.example",
        "date_read": "2024-03-01T12:05:00Z",
        "guid": "G-1",
    }
    assert record.observables == Observable.of(
        url=["https://evil.example/a?b=1", "www.other.example"], phone="+15551234567"
    )


def test_an_old_sms_dated_in_seconds_sent_to_an_email_handle(tmp_path):
    db = SmsDb(tmp_path)
    handle = db.add_handle("friend@example.com", service="SMS")
    db.add_message(
        text="ok", handle_id=handle, service="SMS", is_from_me=1, date=cocoa_seconds(OLD)
    )

    [record] = sms.parse(db.build())

    assert record.time == OLD
    assert record.message == "SMS sent to friend@example.com"
    assert record.time_desc == "Message sent"
    assert record.fields["is_from_me"] is True
    assert "chat" not in record.fields
    assert record.observables == Observable.of(email="friend@example.com")


def test_links_of_a_message_kept_only_in_attributed_body(tmp_path):
    db = SmsDb(tmp_path)
    handle = db.add_handle("+15550001111")
    body = "Your parcel: https://parcel.example/track/9 ok"
    db.add_message(text=None, attributedBody=archived_text(body), handle_id=handle, date=1)
    db.add_message(text="", attributedBody=archived_text("x" * 300 + " bit.example/z"), date=1)

    first, second = sms.parse(db.build())

    assert first.fields["text"] == body
    assert first.fields["text_source"] == "attributedBody"
    assert first.message == "Message received from +15550001111, 1 link"
    assert first.observables == Observable.of(
        url=["https://parcel.example/track/9"], phone="+15550001111"
    )
    assert second.observables == Observable.of(url=["bit.example/z"])


def test_a_null_or_garbage_body_costs_only_that_text(tmp_path):
    db = SmsDb(tmp_path)
    handle = db.add_handle("+15550002222")
    db.add_message(text=None, attributedBody=None, handle_id=handle, date=cocoa_nanos(SENT))
    db.add_message(text=None, attributedBody=b"\x04\x0bstreamtyped\xff\xff", handle_id=handle)
    db.add_message(text=None, attributedBody=b"garbage", payload_data=b"bplist00broken")
    db.add_message(text=b"\xff\xfe a blob where text belongs", handle_id=handle)
    file = db.build()

    records = list(sms.parse(file))

    assert [r.locator for r in records] == [f"message.ROWID={n}" for n in (1, 2, 3, 4)]
    assert all("text" not in r.fields for r in records)
    phone = Observable.of(phone="+15550002222")
    assert [r.observables for r in records] == [phone, phone, (), phone]
    assert records[0].time == SENT
    assert records[1].time is None
    assert file.notes == []


def test_links_in_a_rich_link_preview(tmp_path):
    db = SmsDb(tmp_path)
    db.add_message(
        text="https://news.example/a",
        balloon_bundle_id="com.apple.messages.URLBalloonProvider",
        payload_data=link_preview_payload(
            "https://news.example/article", "https://cdn.example/i.png"
        ),
        date=1,
    )

    [record] = sms.parse(db.build())

    assert record.fields["balloon_bundle_id"] == "com.apple.messages.URLBalloonProvider"
    assert record.observables == Observable.of(
        url=["https://news.example/a", "https://news.example/article", "https://cdn.example/i.png"]
    )


def test_a_group_message_names_the_sender_and_not_the_chat_as_a_phone(tmp_path):
    db = SmsDb(tmp_path)
    alice = db.add_handle("+15550003333")
    bob = db.add_handle("bob@example.com")
    chat = db.add_chat("chat123456789", handles=[alice, bob])
    db.add_message(chat_id=chat, text="hi", handle_id=bob, date=1)
    db.add_message(chat_id=chat, text="to all", is_from_me=1, handle_id=0, date=2)

    received, sent = sms.parse(db.build())

    assert received.fields["chat"] == "chat123456789"
    assert received.observables == Observable.of(email="bob@example.com")
    assert sent.message == "Message sent to chat123456789"
    assert sent.observables == ()


def test_a_message_joined_to_two_chats_is_one_record(tmp_path):
    db = SmsDb(tmp_path)
    first = db.add_chat("+15550004444")
    second = db.add_chat("chat99")
    rowid = db.add_message(chat_id=first, text="once", date=1)
    db.insert("chat_message_join", chat_id=second, message_id=rowid)

    assert [r.locator for r in sms.parse(db.build())] == ["message.ROWID=1"]


def test_a_schema_without_attributed_body_is_read_and_noted(tmp_path):
    db = SmsDbWithoutAttributedBody(tmp_path)
    handle = db.add_handle("+15550005555")
    db.add_message(text="old https://old.example", handle_id=handle, date=cocoa_seconds(OLD))
    file = db.build()

    [record] = sms.parse(file)

    assert record.time == OLD
    assert record.observables == Observable.of(url=["https://old.example"], phone="+15550005555")
    assert file.notes == ["column m.attributedBody missing"]


def test_bulk_messages_one_in_a_thousand_with_a_link(tmp_path):
    db = SmsDb(tmp_path)
    handle = db.add_handle("+15550006666")
    chat = db.add_chat("+15550006666", handles=[handle])
    db.add_messages(
        (
            {
                "text": f"link https://x{n}.example/p" if n % 1000 == 0 else f"message {n}",
                "handle_id": handle,
                "service": "iMessage",
                "date": cocoa_nanos(SENT) + n,
            }
            for n in range(3000)
        ),
        chat_id=chat,
    )

    records = list(sms.parse(db.build()))

    assert len(records) == 3000
    linked = [r for r in records if any(o.kind == "url" for o in r.observables)]
    assert [r.locator for r in linked] == [
        "message.ROWID=1",
        "message.ROWID=1001",
        "message.ROWID=2001",
    ]
    assert all(r.fields["chat"] == "+15550006666" for r in records)
