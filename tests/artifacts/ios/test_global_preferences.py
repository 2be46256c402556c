from spytrace.artifacts.ios import global_preferences
from spytrace.testkit.ios_system import (
    MANAGED_GLOBAL_PREFERENCES,
    plist_file,
)
from spytrace.testkit.ios_system import (
    global_preferences as prefs_file,
)


def test_lockdown_mode_on(tmp_path):
    [record] = global_preferences.parse(prefs_file(tmp_path, lockdown=True))

    assert record.source == "HomeDomain/Library/Preferences/.GlobalPreferences.plist"
    assert record.locator == "LDMGlobalEnabled"
    assert record.time is None
    assert record.message == "Lockdown Mode on"
    assert record.fields == {
        "lockdown_mode": True,
        "languages": ["en-GB", "fr-FR"],
        "locale": "en_GB",
    }
    assert record.observables == ()


def test_lockdown_mode_off_and_never_set(tmp_path):
    [off] = global_preferences.parse(prefs_file(tmp_path, lockdown=False))
    [never] = global_preferences.parse(prefs_file(tmp_path / "other", lockdown=None))

    assert off.message == "Lockdown Mode off"
    assert off.fields["lockdown_mode"] is False
    assert never.message == "Lockdown Mode never turned on"
    assert "lockdown_mode" not in never.fields


def test_the_managed_copy_says_so(tmp_path):
    file = prefs_file(tmp_path, lockdown=True, logical_path=MANAGED_GLOBAL_PREFERENCES)

    [record] = global_preferences.parse(file)

    assert record.message == "Lockdown Mode on (managed setting)"
    assert record.fields["managed"] is True


def test_a_plist_that_is_not_a_dictionary_is_noted(tmp_path):
    file = plist_file(tmp_path, "HomeDomain/Library/Preferences/.GlobalPreferences.plist", [1])
    assert list(global_preferences.parse(file)) == []
    assert file.notes == [".GlobalPreferences.plist is not a dictionary"]
