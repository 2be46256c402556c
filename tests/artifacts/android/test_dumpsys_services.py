"""appops, batterystats (daily and history), dbinfo, adb, platform_compat, device_policy,
notification listeners: one dumpstate with each section, Europe/Berlin time."""

from datetime import UTC, datetime

import pytest

from spytrace.artifacts.android import (
    dumpsys_adb,
    dumpsys_appops,
    dumpsys_battery_daily,
    dumpsys_battery_history,
    dumpsys_dbinfo,
    dumpsys_device_policy,
    dumpsys_notification_listeners,
    dumpsys_platform_compat,
)
from spytrace.model import Observable
from spytrace.testkit.android import (
    APPOPS,
    BATTERY,
    DBINFO,
    PIXEL_PROPS,
    PLATFORM_COMPAT,
    adb_dump,
    adb_key,
    device_policy,
    dumpstate,
    dumpsys_txt,
    evidence,
    notification_listeners,
    service,
)

KEY = adb_key("stalker")


@pytest.fixture
def bugreport(tmp_path):
    services = [
        service("appops", APPOPS),
        service("batterystats", BATTERY),
        service("dbinfo", DBINFO),
        service("platform_compat", PLATFORM_COMPAT),
        service("device_policy", device_policy(
            [("com.example.tracker/.AdminReceiver", ["wipe-data", "force-lock"])],
            owner="com.example.mdm/.Owner",
        )),
        service("notification", notification_listeners(
            ["com.example.tracker/.NotifyListener"], ["com.android.systemui/.Listener"]
        )),
    ]  # fmt: skip
    return evidence(tmp_path, "bugreport/dumpstate.txt", dumpstate(PIXEL_PROPS, services))


def test_appops_one_record_per_package_and_operation_with_its_last_use(bugreport):
    records = list(dumpsys_appops.parse(bugreport))

    assert [r.message for r in records] == [
        "com.android.settings READ_EXTERNAL_STORAGE (allow)",
        "com.example.tracker READ_SMS (allow)",
        "com.example.tracker REQUEST_INSTALL_PACKAGES (allow)",
        "com.example.tracker WRITE_SMS (ignore)",
    ]
    read_sms = records[1]
    assert read_sms.time == datetime(2024, 5, 1, 20, 10, tzinfo=UTC)
    assert read_sms.fields == {
        "package": "com.example.tracker",
        "uid": "u0a234",
        "op": "READ_SMS",
        "mode": "allow",
        "last_access": "2024-05-01T20:10:00Z",
        "accesses": 2,
    }
    assert records[3].time_desc == "Operation last refused"
    assert records[3].fields["last_reject"] == "2024-04-30T20:02:52.054000Z"


def test_battery_daily_updates_and_uninstalls_with_their_day(bugreport):
    records = list(dumpsys_battery_daily.parse(bugreport))

    assert [(r.fields["package"], r.fields["action"], r.fields.get("version_code"))
            for r in records] == [
        ("com.example.tracker", "update", 12),
        ("com.example.tracker", "update", 15),
        ("com.example.gone", "uninstall", None),
        ("com.whatsapp", "uninstall", 0),
    ]  # fmt: skip
    gone = records[2]
    assert gone.time == datetime(2024, 4, 30, 1, 0, tzinfo=UTC)
    assert gone.fields["period_end"] == "2024-05-01T01:00:00Z"
    assert gone.message == "com.example.gone uninstalled (day starting 2024-04-30T01:00:00Z)"
    assert gone.observables == Observable.of(app_id="com.example.gone")


def test_battery_history_times_follow_the_reset_clock(bugreport):
    records = list(dumpsys_battery_history.parse(bugreport))

    assert [(r.fields["event"], r.fields["package"]) for r in records] == [
        ("top", "com.google.android.apps.nexuslauncher"),
        ("job", "com.example.tracker"),
        ("top", "com.whatsapp"),
        ("pkgunin", "com.example.gone"),
    ]
    assert records[1].time == datetime(2024, 4, 30, 15, 30, 48, 645000, tzinfo=UTC)
    assert records[3].message == "com.example.gone uninstalled"
    assert records[3].time == datetime(2024, 4, 30, 17, 0, 1, tzinfo=UTC)


def test_dbinfo_operations_name_the_app_owning_the_database(bugreport):
    first, second = dumpsys_dbinfo.parse(bugreport)

    assert first.time == datetime(2024, 5, 1, 19, 44, 10, 97000, tzinfo=UTC)
    assert first.fields["sql"] == "SELECT body FROM queue"
    assert first.observables == Observable.of(
        app_id="com.example.tracker",
        file_path="/data/user/0/com.example.tracker/databases/upload.db",
    )
    assert second.fields["operation_pid"] == 0


def test_platform_compat_overrides_name_packages(bugreport):
    records = list(dumpsys_platform_compat.parse(bugreport))

    assert [r.fields["package"] for r in records] == [
        "com.example.tracker",
        "org.torproject.torbrowser",
    ]
    assert records[0].fields == {
        "package": "com.example.tracker",
        "change_id": 168419799,
        "change": "DOWNSCALED",
        "enabled": False,
        "override": "package",
    }


def test_device_owner_and_admins_with_their_policies(bugreport):
    owner, admin = dumpsys_device_policy.parse(bugreport)

    assert owner.fields == {"role": "device_owner", "component": "com.example.mdm/.Owner",
                            "package": "com.example.mdm", "user": 0}  # fmt: skip
    assert admin.fields == {
        "role": "device_admin",
        "component": "com.example.tracker/.AdminReceiver",
        "package": "com.example.tracker",
        "user": 0,
        "uid": 10234,
        "policies": ["wipe-data", "force-lock"],
    }


def test_notification_listeners_merge_their_states(bugreport):
    tracker, systemui = dumpsys_notification_listeners.parse(bugreport)

    assert tracker.fields == {"component": "com.example.tracker/.NotifyListener",
                              "package": "com.example.tracker", "user": 0, "allowed": True,
                              "enabled": True, "live": True}  # fmt: skip
    assert systemui.fields["system_binding"] is True
    assert systemui.fields["user"] == -1


@pytest.mark.parametrize("binary", [False, True], ids=["xml", "abx"])
def test_adb_keys_from_user_keys_and_the_keystore(tmp_path, binary):
    dump = adb_dump([(KEY, "stalker@laptop", 1714600000000)], binary=binary)
    text = dumpsys_txt([]).encode() + b"-" * 79 + b"\nDUMP OF SERVICE adb:\n" + dump
    file = evidence(tmp_path, "dumpsys.txt", text)

    [record] = dumpsys_adb.parse(file)

    assert record.time == datetime(2024, 5, 1, 21, 46, 40, tzinfo=UTC)
    assert record.fields["comment"] == "stalker@laptop"
    assert record.fields["key"] == KEY
    assert record.fields["listed_in"] == ["adb_keys", "adb_keys.xml"]
    assert record.fields["fingerprint"] == dumpsys_adb.fingerprint(KEY)
    assert len(record.fields["fingerprint"]) == 47
    assert record.message == "Computer trusted for USB debugging: stalker@laptop"


def test_a_damaged_binary_keystore_keeps_the_user_keys(tmp_path):
    dump = adb_dump([(KEY, "a@b", 1714600000000)], binary=True)
    cut = dump[: dump.index(b"ABX") + 12]
    text = b"-" * 79 + b"\nDUMP OF SERVICE adb:\n" + cut
    file = evidence(tmp_path, "dumpsys.txt", text)

    [record] = dumpsys_adb.parse(file)

    assert record.fields["listed_in"] == ["adb_keys"]
    assert record.time is None
