from datetime import UTC, datetime

from spytrace.artifacts.ios import whatsapp
from spytrace.model import Observable
from spytrace.testkit.ios_comms import WhatsAppDb, cocoa_seconds

LAST = datetime(2024, 5, 2, 18, 0, tzinfo=UTC)
SENT = datetime(2024, 5, 2, 17, 59, 30, tzinfo=UTC)


def build(tmp_path):
    db = WhatsAppDb(tmp_path)
    alice = db.add_chat(
        "4915112345678@s.whatsapp.net",
        "Alice",
        ZLASTMESSAGEDATE=cocoa_seconds(LAST),
        ZMESSAGECOUNTER=2,
        ZSESSIONTYPE=0,
    )
    group = db.add_chat("120363012345678901@g.us", "Family", ZSESSIONTYPE=1)
    db.add_message(
        alice,
        ZTEXT="check https://evil.example/x",
        ZMESSAGEDATE=cocoa_seconds(SENT),
        ZFROMJID="4915112345678@s.whatsapp.net",
        ZISFROMME=0,
        ZMESSAGETYPE=0,
        ZSTANZAID="S1",
        ZPUSHNAME="Al",
    )
    media = db.add_media(
        ZMEDIAURL="https://mmg.whatsapp.net/v/t62/abc.enc",
        ZMEDIALOCALPATH="Media/x/abc.jpg",
        ZTITLE="see www.caption.example",
    )
    db.add_message(
        group,
        ZTEXT=None,
        ZMEDIAITEM=media,
        ZISFROMME=1,
        ZTOJID="120363012345678901@g.us",
        ZMESSAGEDATE=cocoa_seconds(LAST),
    )
    return db.build()


def test_one_record_per_chat_then_per_message(tmp_path):
    records = list(whatsapp.parse(build(tmp_path)))

    assert [r.locator for r in records] == [
        "ZWACHATSESSION.Z_PK=1",
        "ZWACHATSESSION.Z_PK=2",
        "ZWAMESSAGE.Z_PK=1",
        "ZWAMESSAGE.Z_PK=2",
    ]
    assert {r.source for r in records} == {
        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite"
    }


def test_a_chat_session(tmp_path):
    alice, group, *_ = whatsapp.parse(build(tmp_path))

    assert alice.time == LAST
    assert alice.time_desc == "Last message"
    assert alice.message == "WhatsApp chat with Alice"
    assert alice.fields == {
        "contact_jid": "4915112345678@s.whatsapp.net",
        "partner_name": "Alice",
        "message_count": 2,
        "session_type": 0,
    }
    assert alice.observables == Observable.of(phone="+4915112345678")
    assert group.time is None
    assert group.observables == ()


def test_a_received_text_message_with_a_link(tmp_path):
    *_, received, _ = whatsapp.parse(build(tmp_path))

    assert received.time == SENT
    assert received.time_desc == "Message received"
    assert received.message == "WhatsApp message received from Alice, 1 link"
    assert received.fields == {
        "text": "check https://evil.example/x",
        "is_from_me": False,
        "from_jid": "4915112345678@s.whatsapp.net",
        "chat_jid": "4915112345678@s.whatsapp.net",
        "partner_name": "Alice",
        "push_name": "Al",
        "message_type": 0,
        "stanza_id": "S1",
    }
    assert received.observables == Observable.of(
        url=["https://evil.example/x"], phone="+4915112345678"
    )


def test_a_sent_media_message_gives_its_url_and_caption_links(tmp_path):
    *_, sent = whatsapp.parse(build(tmp_path))

    assert sent.message == "WhatsApp message sent to Family, 2 links"
    assert sent.fields["media_url"] == "https://mmg.whatsapp.net/v/t62/abc.enc"
    assert sent.fields["media_local_path"] == "Media/x/abc.jpg"
    assert sent.fields["media_title"] == "see www.caption.example"
    assert "text" not in sent.fields
    assert sent.observables == Observable.of(
        url=["www.caption.example", "https://mmg.whatsapp.net/v/t62/abc.enc"]
    )
