from datetime import UTC, datetime

from spytrace.artifacts.ios import interaction_c
from spytrace.model import Observable
from spytrace.testkit.ios_comms import InteractionCDb, cocoa_seconds

START = datetime(2021, 7, 1, 12, 0, tzinfo=UTC)
END = datetime(2021, 7, 1, 12, 0, 30, tzinfo=UTC)


def build(tmp_path):
    db = InteractionCDb(tmp_path)
    me = db.add_contact("+15550000001", "Me")
    attacker = db.add_contact("bergers.o79@gmail.com", "Bergers")
    alice = db.add_contact("+15550000002", "Alice")
    bob = db.add_contact("tel:+15550000003")
    db.add_interaction(
        ZSTARTDATE=cocoa_seconds(START),
        ZENDDATE=cocoa_seconds(END),
        ZBUNDLEID="com.apple.MobileSMS",
        ZTARGETBUNDLEID="com.apple.MobileSMS",
        ZACCOUNT="mailto:owner@icloud.com",
        ZDIRECTION=0,
        ZMECHANISM=4,
        ZISRESPONSE=0,
        ZSENDER=attacker,
        ZDOMAINIDENTIFIER="iMessage;-;bergers.o79@gmail.com",
        recipients=[me],
    )
    db.add_interaction(
        ZSTARTDATE=cocoa_seconds(END),
        ZBUNDLEID="net.whatsapp.WhatsApp",
        ZDIRECTION=1,
        ZSENDER=me,
        ZCONTENTURL="https://share.example/doc",
        recipients=[alice, bob],
    )
    db.add_interaction(ZBUNDLEID="com.apple.mobilephone", ZDIRECTION=0)
    return db


def test_an_incoming_message_interaction(tmp_path):
    file = build(tmp_path).build()

    first, _, _ = interaction_c.parse(file)

    assert first.artifact == "interaction_c"
    assert first.source == "HomeDomain/Library/CoreDuet/People/interactionC.db"
    assert first.locator == "ZINTERACTIONS.Z_PK=1"
    assert first.time == START
    assert first.time_desc == "Interaction started"
    assert first.message == "com.apple.MobileSMS: incoming interaction from bergers.o79@gmail.com"
    assert first.fields == {
        "bundle_id": "com.apple.MobileSMS",
        "target_bundle_id": "com.apple.MobileSMS",
        "account": "mailto:owner@icloud.com",
        "direction": "incoming",
        "mechanism": 4,
        "is_response": 0,
        "sender": "bergers.o79@gmail.com",
        "sender_name": "Bergers",
        "recipients": ["+15550000001"],
        "recipient_names": ["Me"],
        "recipient_count": 1,
        "domain_identifier": "iMessage;-;bergers.o79@gmail.com",
        "end": "2021-07-01T12:00:30Z",
    }
    assert first.observables == Observable.of(
        app_id="com.apple.MobileSMS",
        email=["owner@icloud.com", "bergers.o79@gmail.com"],
        phone="+15550000001",
    )
    assert file.notes == []


def test_an_outgoing_interaction_names_all_its_recipients(tmp_path):
    _, second, third = interaction_c.parse(build(tmp_path).build())

    assert second.time == END
    assert second.message == (
        "net.whatsapp.WhatsApp: outgoing interaction with +15550000002, tel:+15550000003"
    )
    assert second.fields["recipients"] == ["+15550000002", "tel:+15550000003"]
    assert second.observables == Observable.of(
        app_id="net.whatsapp.WhatsApp",
        phone=["+15550000001", "+15550000002", "+15550000003"],
        url="https://share.example/doc",
    )
    assert third.message == "com.apple.mobilephone: incoming interaction"
    assert third.time is None
    assert third.observables == Observable.of(app_id="com.apple.mobilephone")


def test_recipients_are_found_under_other_entity_numbers(tmp_path):
    db = build(tmp_path)
    db.conn.executescript(
        "ALTER TABLE Z_2INTERACTIONRECIPIENT RENAME TO Z_5INTERACTIONRECIPIENT;"
        "ALTER TABLE Z_5INTERACTIONRECIPIENT RENAME COLUMN Z_2RECIPIENTS TO Z_5RECIPIENTS;"
        "ALTER TABLE Z_5INTERACTIONRECIPIENT"
        " RENAME COLUMN Z_3INTERACTIONRECIPIENT TO Z_7INTERACTIONRECIPIENT;"
    )

    records = list(interaction_c.parse(db.build()))

    assert [r.fields.get("recipients") for r in records] == [
        ["+15550000001"],
        ["+15550000002", "tel:+15550000003"],
        None,
    ]


def test_without_a_recipient_table_interactions_still_come_with_a_note(tmp_path):
    db = build(tmp_path)
    db.conn.execute("DROP TABLE Z_2INTERACTIONRECIPIENT")
    file = db.build()

    records = list(interaction_c.parse(file))

    assert len(records) == 3
    assert all("recipients" not in r.fields for r in records)
    assert file.notes == ["no interaction recipient table"]
