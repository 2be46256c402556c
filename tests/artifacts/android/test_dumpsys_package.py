from datetime import UTC, datetime

from spytrace.artifacts.android import dumpsys_package, dumpsys_resolvers
from spytrace.model import Observable
from spytrace.testkit.android import (
    PIXEL_PROPS,
    Pkg,
    dumpstate,
    dumpsys_txt,
    evidence,
    package_dump_android10,
    package_dump_android14,
    service,
)

SPY = Pkg(
    "com.example.tracker",
    version_code=15,
    version_name="2.1",
    installer="com.google.android.packageinstaller",
    originating="com.android.chrome",
    source=4,
    first_install="2024-04-01 09:30:00",
    last_update="2024-04-20 18:00:00",
    requested=["android.permission.READ_SMS", "android.permission.RECORD_AUDIO"],
    install_granted=["android.permission.INTERNET"],
    runtime_granted=["android.permission.READ_SMS"],
)


def test_android_14_package_with_installer_origin_and_per_user_install_time(tmp_path):
    settings = Pkg("com.android.settings", system=True, installer=None, app_id=1000)
    text = dumpstate(PIXEL_PROPS, [service("package", package_dump_android14([settings, SPY]))])
    file = evidence(tmp_path, "bugreport/dumpstate.txt", text)

    system, spy = dumpsys_package.parse(file)

    assert system.fields["system"] is True
    assert "installer" not in system.fields
    assert spy.time == datetime(2024, 4, 1, 7, 30, tzinfo=UTC)  # Europe/Berlin, summer time
    assert spy.time_desc == "Package first installed"
    assert (
        spy.message
        == "Package com.example.tracker 2.1, installer com.google.android.packageinstaller"
    )
    assert spy.fields == {
        "package": "com.example.tracker",
        "app_id": 10234,
        "version_code": 15,
        "min_sdk": 26,
        "target_sdk": 34,
        "version_name": "2.1",
        "code_path": "/data/app/~~l6tHbjufc==/com.example.tracker-6UZto2rQ==",
        "system": False,
        "installer": "com.google.android.packageinstaller",
        "initiating_package": "com.google.android.packageinstaller",
        "originating_package": "com.android.chrome",
        "package_source": "downloaded file",
        "first_install_time": "2024-04-01T07:30:00Z",
        "last_update_time": "2024-04-20T16:00:00Z",
        "local_first_install_time": "2024-04-01 09:30:00",
        "signatures": ["9cff67fe"],
        "apk_signing_version": 2,
        "requested_permissions": ["android.permission.READ_SMS", "android.permission.RECORD_AUDIO"],
        "granted_permissions": ["android.permission.INTERNET", "android.permission.READ_SMS"],
        "users": {"0": {"installed": True, "enabled": "0", "hidden": False, "suspended": False,
                        "installReason": "0", "uninstallReason": "0"}},
    }  # fmt: skip
    assert spy.observables == Observable.of(
        app_id="com.example.tracker",
        file_path="/data/app/~~l6tHbjufc==/com.example.tracker-6UZto2rQ==",
    )


def test_hidden_system_packages_are_not_listed_twice(tmp_path):
    text = dumpsys_txt([service("package", package_dump_android14([SPY]))])
    file = evidence(tmp_path, "dumpsys.txt", text)

    assert [r.fields["package"] for r in dumpsys_package.parse(file)] == ["com.example.tracker"]


def test_android_10_layout_without_a_zone_says_times_are_utc(tmp_path):
    sideloaded = Pkg("com.example.tracker", installer=None, first_install="2021-06-12 00:41:34",
                     last_update="2021-06-12 00:41:34", install_granted=["android.permission.READ_SMS"])  # fmt: skip
    text = dumpsys_txt([service("package", package_dump_android10([sideloaded]))])
    file = evidence(tmp_path, "dumpsys.txt", text)

    [record] = dumpsys_package.parse(file)

    assert record.time == datetime(2021, 6, 12, 0, 41, 34, tzinfo=UTC)
    assert record.fields["time_zone"] == "device time zone unknown: local times read as UTC"
    assert record.fields["code_path"] == "/data/app/com.example.tracker-1A2b=="
    assert "installer" not in record.fields
    assert record.fields["granted_permissions"] == ["android.permission.READ_SMS"]
    assert record.locator == "line 10"


def test_receivers_of_sms_come_from_the_resolver_table(tmp_path):
    receivers = {"android.provider.Telephony.SMS_RECEIVED": ["com.example.tracker/.SmsReceiver",
                                                             "com.google.android.apps.messaging/.Rx"]}  # fmt: skip
    text = dumpsys_txt([service("package", package_dump_android14([SPY], receivers))])
    file = evidence(tmp_path, "dumpsys.txt", text)

    first, second = dumpsys_resolvers.parse(file)

    assert first.fields == {
        "table": "receiver",
        "section": "Non-Data Actions",
        "key": "android.provider.Telephony.SMS_RECEIVED",
        "component": "com.example.tracker/.SmsReceiver",
        "package": "com.example.tracker",
    }
    assert first.observables == Observable.of(app_id="com.example.tracker")
    assert second.fields["package"] == "com.google.android.apps.messaging"
