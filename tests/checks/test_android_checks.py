"""Android heuristics: each fires on a planted case with its evidence and stays quiet on a
clean system image."""

from datetime import UTC, datetime

from spytrace.checks import (
    android_accessibility_abuse,
    android_adb_keys,
    android_dangerous_permissions,
    android_debuggable,
    android_device_admin,
    android_disabled_security_apps,
    android_notification_listeners,
    android_outdated,
    android_play_protect_off,
    android_privileged_crash,
    android_root,
    android_selinux_permissive,
    android_sideloaded,
    android_tmp_files,
    android_uninstall_downgrade,
    android_user_ca,
)
from spytrace.model import Severity
from spytrace.testkit.android_records import (
    accessibility,
    getprop,
    package,
    qf_package,
    record,
    setting,
)

WHEN = datetime(2024, 4, 1, 7, 30, tzinfo=UTC)
TAKEN = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
# What a clean Pixel's package list looks like: system apps, Play installs.
CLEAN = [
    package("com.android.settings", system=True, installer=None),
    package("com.google.android.gms", system=True, installer=None),
    package("com.google.android.apps.nexuslauncher", system=True, installer=None),
    package("com.whatsapp", installer="com.android.vending", installed=WHEN),
    qf_package("com.android.shell", installer="null", system=True),
    qf_package("com.whatsapp", installer="com.android.vending"),
]


def _run(module, records):
    return list(module.CHECK.run(records))


def test_every_android_check_is_quiet_on_a_clean_system_image():
    clean = [
        *CLEAN,
        accessibility("com.google.android.marvin.talkback/.TalkBackService", installed=True),
        record("dumpsys_device_policy", {"role": "device_admin", "package": "com.google.android.gms",
                                         "component": "com.google.android.gms/.mdm.Admin"}),
        record("dumpsys_notification_listeners", {"component": "com.android.systemui/.L",
                                                  "package": "com.android.systemui", "live": True}),
        setting("global", "package_verifier_enable", "1"),
        setting("secure", "enabled_accessibility_services", ""),
        getprop(security_patch="2024-04-05", build_type="user", debuggable="0", secure="1",
                verified_boot_state="green", flash_locked="1", time=TAKEN),
        record("android_mounts", {"mount_point": "/system", "read_write": False}),
        record("android_files", {"path": "/data/local/tmp/collector", "mode": "-rwxr-xr-x"}),
        record("android_tombstones", {"uid": 10234, "process": "com.whatsapp"}),
        record("android_selinux", {"mode": "enforcing"}),
    ]  # fmt: skip
    modules = [android_accessibility_abuse, android_adb_keys, android_dangerous_permissions,
               android_debuggable, android_device_admin, android_disabled_security_apps,
               android_notification_listeners, android_outdated, android_play_protect_off,
               android_privileged_crash, android_root, android_selinux_permissive,
               android_sideloaded, android_tmp_files, android_uninstall_downgrade,
               android_user_ca]  # fmt: skip
    for module in modules:
        reads = set(module.CHECK.reads)
        assert _run(module, [r for r in clean if r.artifact in reads]) == [], module.__name__


def test_sideloaded_from_a_browser_download_over_adb_and_by_a_third_party_store():
    browser = package("com.example.tracker", installer="com.google.android.packageinstaller",
                      originating="com.android.chrome", source="downloaded file", installed=WHEN)  # fmt: skip
    adb = package("com.example.adb", installer=None, initiating="com.android.shell")
    store = qf_package("org.example.foss", installer="org.fdroid.fdroid")
    twice = qf_package("com.example.tracker", installer="com.google.android.packageinstaller")

    findings = _run(android_sideloaded, [*CLEAN, browser, adb, store, twice])

    assert [(f.severity, f.message) for f in findings] == [
        (Severity.MEDIUM, "com.example.tracker was installed from an APK file, downloaded with "
         "com.android.chrome (installer com.google.android.packageinstaller), outside a vetted "
         "app store (first installed 2024-04-01T07:30:00Z)"),
        (Severity.MEDIUM, "com.example.adb was installed over adb (adb install, initiated by "
         "com.android.shell), outside a vetted app store"),
        (Severity.LOW, "org.example.foss was installed by the third-party store org.fdroid.fdroid, "
         "outside a vetted app store"),
    ]  # fmt: skip
    assert findings[0].evidence.locator == "line 10"
    assert [e.file for e in findings[0].related] == ["packages.json"]


def test_an_enabled_non_system_accessibility_service_is_high():
    findings = _run(android_accessibility_abuse, [
        *CLEAN,
        accessibility("com.example.tracker/.Watcher", enabled=True),
        accessibility("com.example.other/.Helper", installed=True),
        setting("secure", "enabled_accessibility_services", "com.example.tracker/.Watcher"),
    ])  # fmt: skip

    assert [(f.severity, f.artifact) for f in findings] == [
        (Severity.HIGH, "dumpsys_accessibility"),
        (Severity.LOW, "dumpsys_accessibility"),
        (Severity.HIGH, "android_settings"),
    ]
    assert findings[0].message == (
        "Accessibility service com.example.tracker/.Watcher of the non-system app "
        "com.example.tracker (not in the package lists read) is enabled: it can read the "
        "screen and act for the user"
    )


def test_a_non_system_device_admin_and_owner():
    admin = record("dumpsys_device_policy", {"role": "device_admin", "package": "com.example.tracker",
                                             "component": "com.example.tracker/.Admin",
                                             "policies": ["wipe-data", "force-lock"]})  # fmt: skip
    owner = record("dumpsys_device_policy", {"role": "device_owner", "package": "com.example.mdm",
                                             "component": "com.example.mdm/.Owner"})  # fmt: skip

    first, second = _run(android_device_admin, [*CLEAN, admin, owner])

    assert first.severity is Severity.MEDIUM
    assert first.message == ("Non-system app com.example.tracker is device administrator "
                             "(com.example.tracker/.Admin) with policies wipe-data, force-lock")  # fmt: skip
    assert second.severity is Severity.HIGH


def test_a_non_system_notification_listener():
    listener = record("dumpsys_notification_listeners",
                      {"component": "com.example.tracker/.Notify", "package": "com.example.tracker",
                       "enabled": True})  # fmt: skip
    setting_record = setting("secure", "enabled_notification_listeners",
                             "com.example.tracker/.Notify:com.android.systemui/.L")  # fmt: skip

    findings = _run(android_notification_listeners, [*CLEAN, listener, setting_record])

    assert [(f.severity, f.artifact) for f in findings] == [
        (Severity.MEDIUM, "dumpsys_notification_listeners"),
        (Severity.MEDIUM, "android_settings"),
    ]


def test_play_protect_off_and_telemetry_off():
    findings = _run(android_play_protect_off, [
        setting("global", "package_verifier_enable", "0"),
        setting("global", "verifier_verify_adb_installs", "0"),
        setting("global", "send_action_app_error", "0"),
        setting("global", "upload_apk_enable", "1"),
    ])  # fmt: skip

    assert [(f.severity, f.message) for f in findings] == [
        (Severity.MEDIUM, "Play Protect app verification is off (global/package_verifier_enable=0)"),
        (Severity.MEDIUM, "apps installed over adb are not verified (global/verifier_verify_adb_installs=0)"),
        (Severity.LOW, "app error reports are not sent (global/send_action_app_error=0)"),
    ]  # fmt: skip


def test_sms_access_with_accessibility_in_one_app_is_high():
    spy = package("com.example.tracker", installer=None,
                  granted=["android.permission.READ_SMS", "android.permission.INTERNET"])  # fmt: skip
    sms_only = package("com.example.sms", granted=["android.permission.READ_SMS"])
    service = accessibility("com.example.tracker/.Watcher", enabled=True)
    installs = record("dumpsys_appops", {"package": "com.example.tracker",
                                         "op": "REQUEST_INSTALL_PACKAGES", "mode": "allow"})  # fmt: skip

    low, high = _run(android_dangerous_permissions, [*CLEAN, spy, sms_only, service, installs])

    assert low.severity is Severity.LOW
    assert high.severity is Severity.HIGH
    assert high.message == ("Non-system app com.example.tracker holds READ_SMS together with an "
                            "enabled accessibility service: the combination monitoring apps rely on")  # fmt: skip
    assert [e.locator for e in high.related] == ["line 1"]


def test_root_signs():
    findings = _run(android_root, [
        qf_package("com.topjohnwu.magisk", installer="null"),
        record("android_root_binaries", {"path": "/system/xbin/su", "binary": "su"}),
        record("android_files", {"path": "/data/adb/magisk/magisk64"}),
        record("android_processes", {"name": "magiskd", "pid": 777}),
        record("android_mounts", {"mount_point": "/system", "read_write": True, "options": ["rw"]}),
    ])  # fmt: skip

    assert [f.severity for f in findings] == [Severity.HIGH] * 5
    assert (
        findings[4].message
        == "System partition /system is mounted read-write (rw): the system was modified"
    )


def test_selinux_permissive_and_insecure_builds():
    selinux = _run(android_selinux_permissive, [record("android_selinux", {"mode": "permissive"}),
                                                getprop(selinux="permissive")])  # fmt: skip
    [build] = _run(android_debuggable, [getprop(debuggable="1", build_type="userdebug",
                                                verified_boot_state="orange", secure="1")])  # fmt: skip

    assert [f.severity for f in selinux] == [Severity.HIGH, Severity.HIGH]
    assert build.severity is Severity.MEDIUM
    assert build.message == ("Insecure system build: ro.debuggable=1 (every process can be debugged); "
                             "a userdebug build, not a retail one; the bootloader is unlocked")  # fmt: skip


def test_user_ca_from_the_certificate_and_from_the_file_list():
    findings = _run(android_user_ca, [
        record("android_user_ca", {"subject": "CN=Interception CA"}),
        record("android_files", {"path": "/data/misc/user/0/cacerts-added/3f9a1b2c.0"}),
        record("android_files", {"path": "/system/etc/security/cacerts/3f9a1b2c.0"}),
    ])  # fmt: skip

    assert [f.artifact for f in findings] == ["android_user_ca", "android_files"]


def test_uninstall_near_a_sideload_and_a_downgrade():
    sideload = package(
        "com.example.dropper", installer=None, installed=datetime(2024, 4, 30, 6, 0, tzinfo=UTC)
    )
    gone = record("dumpsys_battery_daily", {"package": "com.example.gone", "action": "uninstall"},
                  time=datetime(2024, 4, 30, 1, 0, tzinfo=UTC))  # fmt: skip
    old = record("dumpsys_battery_daily", {"package": "com.example.old", "action": "uninstall"},
                 time=datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    v15 = record("dumpsys_battery_daily", {"package": "com.example.app", "action": "update",
                                           "version_code": 15, "period_start": "2024-04-30T01:00:00Z"})  # fmt: skip
    v12 = record("dumpsys_battery_daily", {"package": "com.example.app", "action": "update",
                                           "version_code": 12, "period_start": "2024-05-02T01:00:00Z"})  # fmt: skip

    findings = _run(android_uninstall_downgrade, [sideload, gone, old, v15, v12])

    assert [(f.severity, f.message) for f in findings] == [
        (Severity.MEDIUM, "com.example.gone was uninstalled, within 48 hours of the sideloaded "
         "install of com.example.dropper"),
        (Severity.LOW, "com.example.old was uninstalled"),
        (Severity.MEDIUM, "com.example.app was downgraded from version 15 to 12"),
    ]  # fmt: skip


def test_adb_keys_other_than_the_acquiring_computer():
    acquisition = record("androidqf_acquisition", {"adb_host_key": "HOSTKEY"}, time=TAKEN)
    host = record("dumpsys_adb", {"key": "HOSTKEY", "comment": "analyst@lab"}, time=TAKEN)
    recent = record("dumpsys_adb", {"key": "OTHER", "comment": "stalker@laptop"},
                    time=datetime(2024, 4, 30, 21, 0, tzinfo=UTC))  # fmt: skip
    old = record(
        "dumpsys_adb",
        {"key": "OLD", "comment": "me@desktop"},
        time=datetime(2023, 1, 1, tzinfo=UTC),
    )

    findings = _run(android_adb_keys, [acquisition, host, recent, old])

    assert [(f.severity, f.message) for f in findings] == [
        (Severity.MEDIUM, "A computer other than the acquiring one (stalker@laptop) connected over "
         "adb on 2024-04-30 21:00 UTC, within a week before the examination"),
        (Severity.LOW, "A computer (me@desktop) is trusted for USB debugging, last connected 2023-01-01"),
    ]  # fmt: skip


def test_an_old_security_patch_against_the_bugreport_date():
    [finding] = _run(android_outdated, [getprop(security_patch="2023-10-05", time=TAKEN)])

    assert finding.message == ("Security patch 2023-10-05 was about 7 months old when the evidence "
                               "was taken: the phone misses fixes for exploited flaws")  # fmt: skip
    assert _run(android_outdated, [getprop(security_patch="2023-10-05")]) == []


def test_tmp_files_disabled_security_apps_and_privileged_crashes():
    tmp = _run(android_tmp_files, [record("android_files", {"path": "/data/local/tmp/x", "mode": "755"}),
                                   record("android_files", {"path": "/data/local/tmp/y.txt",
                                                            "mode": "-rw-r--r--"})])  # fmt: skip
    disabled = _run(android_disabled_security_apps,
                    [qf_package("com.sec.android.soagent", installer="null", disabled=True)])  # fmt: skip
    crash = _run(android_privileged_crash,
                 [record("android_tombstones", {"uid": 1000, "process": "system_server",
                                                "signal_name": "SIGSEGV"})])  # fmt: skip

    assert [f.severity for f in tmp] == [Severity.HIGH, Severity.MEDIUM]
    assert disabled[0].message == "Security app com.sec.android.soagent is disabled"
    assert crash[0].message == "system_server running as system crashed (SIGSEGV)"
