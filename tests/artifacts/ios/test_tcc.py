from datetime import UTC, datetime

from spytrace.artifacts.ios import tcc
from spytrace.model import Observable
from spytrace.testkit.ios_system import TccDb, TccDbLegacy, TccDbOldest

WHEN = datetime(2022, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_ios14_rows_name_the_client_the_service_and_the_decision(tmp_path):
    db = TccDb(tmp_path)
    db.grant("kTCCServiceMicrophone", "com.example.app", auth_value=2, auth_reason=2, when=WHEN)
    db.grant(
        "kTCCServiceCamera",
        "/private/var/tmp/bh",
        client_type=1,
        auth_value=0,
        auth_reason=4,
        when=WHEN,
    )
    evidence = db.build()

    mic, camera = tcc.parse(evidence)

    assert mic.locator == "access.rowid=1"
    assert mic.source == "HomeDomain/Library/TCC/TCC.db"
    assert mic.time == WHEN
    assert mic.time_desc == "Permission last changed"
    assert mic.message == "com.example.app allowed access to microphone"
    assert mic.observables == Observable.of(app_id="com.example.app")
    assert mic.fields == {
        "service": "kTCCServiceMicrophone",
        "service_name": "microphone",
        "client": "com.example.app",
        "client_type": "bundle_id",
        "auth": "allowed",
        "auth_value": 2,
        "auth_reason": "user consent",
    }
    assert camera.locator == "access.rowid=2"
    assert camera.message == "/private/var/tmp/bh denied access to camera"
    assert camera.observables == Observable.of(file_path="/private/var/tmp/bh")
    assert camera.fields["client_type"] == "path"
    assert camera.fields["auth_reason"] == "system set"
    assert evidence.notes == []


def test_unknown_values_stay_readable(tmp_path):
    db = TccDb(tmp_path)
    db.grant("kTCCServiceSystemPolicyAllFiles", "com.x", auth_value=9, auth_reason=99, when=WHEN)

    [record] = tcc.parse(db.build())

    assert record.message == "com.x unknown access to system policy all files"
    assert record.fields["auth_value"] == 9
    assert record.fields["auth_reason"] == 99


def test_the_older_allowed_schema(tmp_path):
    db = TccDbLegacy(tmp_path)
    db.grant("kTCCServiceAddressBook", "com.example.chat", allowed=1, prompt_count=2, when=WHEN)
    db.grant("kTCCServicePhotos", "com.example.chat", allowed=0, when=WHEN)
    evidence = db.build()

    contacts, photos = tcc.parse(evidence)

    assert contacts.message == "com.example.chat allowed access to contacts"
    assert contacts.time == WHEN
    assert contacts.fields == {
        "service": "kTCCServiceAddressBook",
        "service_name": "contacts",
        "client": "com.example.chat",
        "client_type": "bundle_id",
        "auth": "allowed",
        "allowed": 1,
        "prompt_count": 2,
    }
    assert photos.message == "com.example.chat denied access to photos"
    assert evidence.notes == []


def test_the_oldest_schema_without_times_is_partial(tmp_path):
    db = TccDbOldest(tmp_path)
    db.grant("kTCCServiceMicrophone", "com.example.app")
    evidence = db.build()

    [record] = tcc.parse(evidence)

    assert record.time is None
    assert record.message == "com.example.app allowed access to microphone"
    assert evidence.notes == ["column access.last_modified missing"]


def test_service_names():
    assert tcc.service_name("kTCCServiceMicrophone") == "microphone"
    assert tcc.service_name("kTCCServiceExposureNotificationRegion") == (
        "exposure notification region"
    )
    assert tcc.service_name(None) == "unknown service"
