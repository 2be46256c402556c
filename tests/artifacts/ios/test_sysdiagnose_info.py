import plistlib
from datetime import UTC, datetime

from spytrace.artifacts.ios import device_info, sysdiagnose_info
from spytrace.pathglob import compile_globs
from spytrace.testkit.sysdiagnose import evidence


def test_its_system_version_copy_is_read_as_the_device_info(tmp_path):
    data = plistlib.dumps(
        {"ProductName": "iPhone OS", "ProductVersion": "17.3.1", "ProductBuildVersion": "21D61"}
    )
    file = evidence(tmp_path, "logs/SystemVersion/SystemVersion.plist", data)

    assert compile_globs(device_info.PATHS).match(file.logical_path)
    assert not compile_globs(sysdiagnose_info.PATHS).match(file.logical_path)
    [record] = device_info.parse(file)

    assert record.fields == {
        "product_name": "iPhone OS",
        "product_version": "17.3.1",
        "build_version": "21D61",
    }
    assert record.message == "iOS 17.3.1 (21D61)"


def test_sysdiagnose_log_names_capture_time_device_and_build(tmp_path):
    text = (
        "Mar  5 10:29:59 sysdiagnose[1234] <Notice>: starting\n"
        "Mar  5 10:30:00 sysdiagnose[1234] <Notice>: Creating "
        "IN_PROGRESS_sysdiagnose_2024.03.05_10-30-00+0100_iPhone-OS_iPhone_21D61\n"
    )
    file = evidence(tmp_path, "sysdiagnose.log", text)

    [record] = sysdiagnose_info.parse(file)

    assert record.locator == "line 2"
    assert record.time == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert record.fields == {
        "sysdiagnose_taken": "2024-03-05T09:30:00Z",
        "platform": "iPhone-OS",
        "device_class": "iPhone",
        "build_version": "21D61",
    }


def test_a_log_without_the_name_is_a_note(tmp_path):
    file = evidence(tmp_path, "sysdiagnose.log", "nothing\n")
    assert list(sysdiagnose_info.parse(file)) == []
    assert file.notes == ["no sysdiagnose archive name found in the log"]
