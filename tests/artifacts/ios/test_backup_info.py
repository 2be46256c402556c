from datetime import UTC, datetime

from spytrace.artifacts.ios import backup_info
from spytrace.model import Observable
from spytrace.testkit.ios_system import backup_info_plist, plist_file

TAKEN = datetime(2024, 6, 2, 18, 30, tzinfo=UTC)


def test_the_device_the_backup_is_of(tmp_path):
    [record] = backup_info.parse(backup_info_plist(tmp_path, taken=TAKEN))

    assert record.source == "Info.plist"
    assert record.locator == "Info.plist"
    assert record.time == TAKEN
    assert record.time_desc == "Backup taken"
    assert record.message == "Backup of iPhone14,2 on iOS 17.5 (21F79)"
    assert record.fields == {
        "device_name": "Alex's iPhone",
        "display_name": "Alex's iPhone",
        "product_name": "iPhone 13 Pro",
        "product_type": "iPhone14,2",
        "product_version": "17.5",
        "build_version": "21F79",
        "serial_number": "F2LZK0XXXXXX",
        "imei": "356789101234567",
        "iccid": "8944110068012345678",
        "phone_number": "+44 7700 900123",
        "udid": "00008110-000A1B2C3D4E5F60",
        "target_identifier": "00008110-000A1B2C3D4E5F60",
        "guid": "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
        "itunes_version": "12.13.2.3",
        "last_backup_date": "2024-06-02T18:30:00Z",
        "installed_app_count": 2,
    }
    assert record.observables == Observable.of(phone="+44 7700 900123")


def test_a_sparse_info_plist(tmp_path):
    file = plist_file(tmp_path, "Info.plist", {"Product Version": "16.7.8", "IMEI": 1234})

    [record] = backup_info.parse(file)

    assert record.time is None
    assert record.message == "Backup of an iOS device on iOS 16.7.8 (?)"
    assert record.fields == {"product_version": "16.7.8", "imei": "1234"}
    assert record.observables == ()
