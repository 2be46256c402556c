from datetime import UTC, datetime

import pytest

from spytrace.artifacts.android import sms_backup
from spytrace.errors import EvidenceError
from spytrace.model import Observable
from spytrace.testkit.android import MMS_MEMBER, SMS_MEMBER, evidence
from spytrace.testkit.android import sms_backup as write_sms


def test_sms_with_a_link_and_its_direction(tmp_path):
    messages = [
        {"address": "+15550001111", "body": "Your parcel: https://parcel.evil.example/t/9 ok",
         "date": "1714600000000", "date_sent": "1714599990000", "type": "1", "read": "1"},
        {"address": "+15550002222", "body": "on my way", "date": 1714600100000, "date_sent": 0,
         "type": 2},
    ]  # fmt: skip
    file = evidence(tmp_path, f"backup/{SMS_MEMBER}", write_sms(messages))

    received, sent = sms_backup.parse(file)

    assert received.time == datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC)
    assert received.message == "SMS received from +15550001111, 1 link"
    assert received.locator == "[0]"
    assert received.fields == {
        "service": "SMS",
        "address": "+15550001111",
        "is_from_me": False,
        "text": "Your parcel: https://parcel.evil.example/t/9 ok",
        "date_sent": "2024-05-01T21:46:30Z",
        "type": "1",
        "read": "1",
    }
    assert received.observables == Observable.of(
        url="https://parcel.evil.example/t/9", phone="+15550001111"
    )
    assert sent.time_desc == "Message sent"
    assert sent.observables == Observable.of(phone="+15550002222")


def test_mms_sender_and_body(tmp_path):
    messages = [{"mms_body": "see www.spy.example/x", "date": 1714600000, "date_sent": 0,
                 "msg_box": 1, "mms_addresses": [{"address": "+15550003333", "type": 137},
                                                  {"address": "+15559990000", "type": 151}]}]  # fmt: skip
    file = evidence(tmp_path, f"backup/{MMS_MEMBER}", write_sms(messages))

    [record] = sms_backup.parse(file)

    assert record.message == "MMS received from +15550003333, 1 link"
    assert record.time == datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC)
    assert record.observables == Observable.of(url="www.spy.example/x", phone="+15550003333")


def test_a_file_that_is_not_a_message_list(tmp_path):
    file = evidence(tmp_path, f"backup/{SMS_MEMBER}", b"\x78\x9c garbage")

    with pytest.raises(EvidenceError, match="not a telephony backup"):
        list(sms_backup.parse(file))
