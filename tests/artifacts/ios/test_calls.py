from datetime import UTC, datetime

from spytrace.artifacts.ios import calls
from spytrace.model import Observable
from spytrace.testkit.ios_comms import CallHistoryDb, CallHistoryIos11Db, cocoa_seconds

CALLED = datetime(2024, 2, 10, 21, 4, 5, tzinfo=UTC)


def test_an_outgoing_phone_call(tmp_path):
    db = CallHistoryDb(tmp_path)
    db.add_call(
        ZADDRESS="+15551234567",
        ZDATE=cocoa_seconds(CALLED),
        ZDURATION=63.5,
        ZORIGINATED=1,
        ZANSWERED=1,
        ZCALLTYPE=1,
        ZSERVICE_PROVIDER="com.apple.Telephony",
        ZNAME="Bob",
        ZISO_COUNTRY_CODE="us",
        ZUNIQUE_ID="C-1",
        ZDISCONNECTED_CAUSE=0,
        participants=["+15551234567"],
    )
    file = db.build()

    [record] = calls.parse(file)

    assert record.artifact == "calls"
    assert record.source == "HomeDomain/Library/CallHistoryDB/CallHistory.storedata"
    assert record.locator == "ZCALLRECORD.Z_PK=1"
    assert record.time == CALLED
    assert record.time_desc == "Call started"
    assert record.message == "Phone call to +15551234567"
    assert record.fields == {
        "address": "+15551234567",
        "participants": ["+15551234567"],
        "duration": 63.5,
        "originated": True,
        "answered": True,
        "call_type": 1,
        "service_provider": "com.apple.Telephony",
        "name": "Bob",
        "country_code": "us",
        "disconnected_cause": 0,
        "unique_id": "C-1",
    }
    assert record.observables == Observable.of(phone="+15551234567", app_id="com.apple.Telephony")
    assert file.notes == []


def test_a_missed_group_facetime_call_lists_every_participant(tmp_path):
    db = CallHistoryDb(tmp_path)
    db.add_call(ZDATE=cocoa_seconds(CALLED), ZCALLTYPE=16, ZORIGINATED=0, ZANSWERED=0)
    db.add_call(
        ZADDRESS="attacker@example.com",
        ZDATE=cocoa_seconds(CALLED),
        ZCALLTYPE=8,
        ZORIGINATED=0,
        ZANSWERED=0,
        ZSERVICE_PROVIDER="com.apple.FaceTime",
        participants=["attacker@example.com", "+15550009999"],
    )

    unknown, group = calls.parse(db.build())

    assert unknown.message == "FaceTime audio missed call from unknown"
    assert unknown.observables == ()
    assert group.message == "FaceTime video missed call from attacker@example.com, +15550009999"
    assert group.observables == Observable.of(
        email="attacker@example.com", phone="+15550009999", app_id="com.apple.FaceTime"
    )


def test_a_third_party_app_call(tmp_path):
    db = CallHistoryDb(tmp_path)
    db.add_call(
        ZADDRESS="4915112345678",
        ZCALLTYPE=0,
        ZORIGINATED=0,
        ZANSWERED=1,
        ZSERVICE_PROVIDER="net.whatsapp.WhatsApp",
    )

    [record] = calls.parse(db.build())

    assert record.message == "Third-party app call from 4915112345678"
    assert record.observables == Observable.of(
        phone="4915112345678", app_id="net.whatsapp.WhatsApp"
    )


def test_an_ios11_store_keeps_the_address_as_a_blob_and_has_no_participants(tmp_path):
    db = CallHistoryIos11Db(tmp_path)
    db.add_call(
        ZADDRESS=b"+447700900123",
        ZDATE=cocoa_seconds(CALLED),
        ZORIGINATED=0,
        ZANSWERED=1,
        ZCALLTYPE=1,
        ZSERVICE_PROVIDER="com.apple.Telephony",
    )
    file = db.build()

    [record] = calls.parse(file)

    assert record.time == CALLED
    assert record.message == "Phone call from +447700900123"
    assert record.fields["address"] == "+447700900123"
    assert "participants" not in record.fields
    assert record.observables == Observable.of(phone="+447700900123", app_id="com.apple.Telephony")
    # An older store without participant tables is complete, not partial.
    assert file.notes == []
