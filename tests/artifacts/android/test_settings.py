from spytrace.artifacts.android import settings
from spytrace.model import Observable
from spytrace.testkit.android import SETTINGS_DUMP, dumpsys_txt, evidence, service


def test_androidqf_settings_list_one_namespace_per_file(tmp_path):
    text = "package_verifier_enable=0\nprivate_dns_specifier=dns.evil.example\nbad line\n"
    file = evidence(tmp_path, "settings_global.txt", text)

    first, dns = settings.parse(file)

    assert first.fields == {"namespace": "global", "user": 0, "name": "package_verifier_enable",
                            "value": "0"}  # fmt: skip
    assert first.locator == "line 1"
    assert dns.observables == Observable.of(domain="dns.evil.example")


def test_dumpsys_settings_every_namespace_with_setter_default_and_history(tmp_path):
    file = evidence(tmp_path, "dumpsys.txt", dumpsys_txt([service("settings", SETTINGS_DUMP)]))

    records = {r.fields["name"]: r for r in settings.parse(file)}

    assert sorted(records) == [
        "accessibility_enabled", "adb_wifi_enabled", "enabled_accessibility_services",
        "enabled_notification_listeners", "global_http_proxy_host", "package_verifier_enable",
        "screen_brightness", "widget_instance_data",
    ]  # fmt: skip
    verifier = records["package_verifier_enable"]
    assert verifier.fields == {
        "namespace": "global",
        "user": 0,
        "name": "package_verifier_enable",
        "value": "0",
        "set_by": "com.android.vending",
        "default": "1",
        "history": ["time:04-29 11:21:22.212 mode:update oldValue:1 newValue:0 "
                    "package:com.android.vending"],
    }  # fmt: skip
    assert records["widget_instance_data"].fields["value"] == '{\n  "version": 1,\n  "data": []\n}'
    assert records["screen_brightness"].fields["namespace"] == "system"
    assert records["global_http_proxy_host"].observables == Observable.of(
        domain="proxy.evil.example"
    )
    assert records["enabled_accessibility_services"].fields["value"] == (
        "com.example.tracker/com.example.tracker.Watcher"
    )
