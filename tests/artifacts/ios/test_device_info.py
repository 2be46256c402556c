from spytrace.artifacts.ios import device_info
from spytrace.testkit.ios_system import plist_file, system_version_plist


def test_the_version_a_filesystem_dump_runs(tmp_path):
    file = system_version_plist(tmp_path, product_version="16.6", build_version="20G75")

    [record] = device_info.parse(file)

    assert record.source == "System/Library/CoreServices/SystemVersion.plist"
    assert record.locator == "SystemVersion.plist"
    assert record.time is None
    assert record.message == "iOS 16.6 (20G75)"
    assert record.fields == {
        "product_name": "iPhone OS",
        "product_version": "16.6",
        "build_version": "20G75",
    }


def test_not_a_dictionary(tmp_path):
    file = plist_file(tmp_path, "System/Library/CoreServices/SystemVersion.plist", ["x"])
    assert list(device_info.parse(file)) == []
    assert file.notes == ["SystemVersion.plist is not a dictionary"]
