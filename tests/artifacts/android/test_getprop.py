from datetime import UTC, datetime

from spytrace.artifacts.android import android_properties, getprop
from spytrace.model import Observable
from spytrace.testkit.android import PIXEL_PROPS, dumpstate, evidence, getprop_text


def test_device_fields_from_getprop_txt(tmp_path):
    file = evidence(tmp_path, "getprop.txt", getprop_text(PIXEL_PROPS))

    [record] = getprop.parse(file)

    assert record.message == "Google Pixel 7, Android 14 (security patch 2023-10-05)"
    assert record.time is None
    assert record.fields == {
        "manufacturer": "Google",
        "brand": "google",
        "model": "Pixel 7",
        "device": "panther",
        "android_version": "14",
        "sdk": 34,
        "build_id": "UP1A.231005.007",
        "build_fingerprint": "google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys",
        "build_type": "user",
        "build_tags": "release-keys",
        "security_patch": "2023-10-05",
        "timezone": "Europe/Berlin",
        "serial": "28021FDH2000XY",
        "verified_boot_state": "green",
        "flash_locked": "1",
        "debuggable": "0",
        "secure": "1",
        "build_date": "2023-09-13T00:00:00Z",
    }


def test_a_bugreport_record_is_dated_by_its_dumpstate_header(tmp_path):
    file = evidence(tmp_path, "bugreport/dumpstate.txt", dumpstate(PIXEL_PROPS, []))

    [record] = getprop.parse(file)

    assert record.time == datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    assert record.fields["bugreport_time"] == "2024-05-02T08:00:00Z"
    assert record.time_desc == "Bugreport taken"
    assert record.locator == "line 11"


def test_every_property_is_an_observable_with_its_value(tmp_path):
    text = "[ro.build.version.sdk]: [29]\n[persist.sys.spy]: [1]\n[multi.line]: [a\nb]\n"
    file = evidence(tmp_path, "getprop.txt", text)

    records = list(android_properties.parse(file))

    assert [(r.locator, r.fields) for r in records] == [
        ("line 1", {"property": "ro.build.version.sdk", "value": "29"}),
        ("line 2", {"property": "persist.sys.spy", "value": "1"}),
        ("line 3", {"property": "multi.line", "value": "a\nb"}),
    ]
    assert records[1].observables == Observable.of(android_property="persist.sys.spy")


def test_an_empty_getprop_gives_no_device_record(tmp_path):
    assert list(getprop.parse(evidence(tmp_path, "getprop.txt", ""))) == []
