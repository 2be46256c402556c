from spytrace.artifacts.android import dumpsys_accessibility
from spytrace.model import Observable
from spytrace.testkit.android import (
    accessibility_android10,
    accessibility_android14,
    dumpsys_txt,
    evidence,
    service,
)


def test_android_10_blocks_list_installed_and_enabled_services(tmp_path):
    text = accessibility_android10(
        installed=["com.samsung.accessibility/.universalswitch.UniversalSwitchService",
                   "com.example.spy/com.example.spy.Watcher"],
        enabled=["com.example.spy/com.example.spy.Watcher"],
    )  # fmt: skip
    file = evidence(tmp_path, "dumpsys.txt", dumpsys_txt([service("accessibility", text)]))

    switch, spy = dumpsys_accessibility.parse(file)

    assert switch.fields == {
        "component": "com.samsung.accessibility/.universalswitch.UniversalSwitchService",
        "package": "com.samsung.accessibility",
        "user": 0,
        "installed": True,
    }
    assert (
        spy.message
        == "Accessibility service com.example.spy/com.example.spy.Watcher (installed, enabled)"
    )
    assert spy.fields["enabled"] is True
    assert spy.locator == "line 13"
    assert spy.observables == Observable.of(app_id="com.example.spy")


def test_android_14_one_line_lists_and_the_installed_count(tmp_path):
    text = accessibility_android14(["com.malware.accessibility/com.malware.service.Svc"], 2)
    file = evidence(tmp_path, "bugreport/dumpstate.txt", service("accessibility", text))

    enabled, summary = dumpsys_accessibility.parse(file)

    assert enabled.fields == {
        "component": "com.malware.accessibility/com.malware.service.Svc",
        "package": "com.malware.accessibility",
        "user": 0,
        "enabled": True,
    }
    assert enabled.source == "bugreport/dumpstate.txt"
    assert summary.fields == {"kind": "summary", "installed_service_count": 2, "named": 0}
    assert summary.observables == ()


def test_no_accessibility_section_gives_no_record(tmp_path):
    file = evidence(tmp_path, "dumpsys.txt", dumpsys_txt([service("package", "Packages:")]))

    assert list(dumpsys_accessibility.parse(file)) == []
