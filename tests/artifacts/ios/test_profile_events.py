from datetime import UTC, datetime

from spytrace.artifacts.ios import profile_events
from spytrace.model import Observable
from spytrace.testkit.ios_system import plist_file
from spytrace.testkit.ios_system import profile_events as events_file

T1 = datetime(2023, 6, 1, 9, 15, tzinfo=UTC)
T2 = datetime(2023, 6, 3, 18, 2, tzinfo=UTC)


def test_each_event_becomes_a_record(tmp_path):
    file = events_file(
        tmp_path,
        [
            ("net.helper.profile", T1, "install", "com.apple.Preferences"),
            ("net.helper.profile", T2, "remove", "profiled"),
        ],
    )

    install, remove = profile_events.parse(file)

    assert install.source == (
        "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles/"
        "Library/ConfigurationProfiles/MCProfileEvents.plist"
    )
    assert install.locator == "ProfileEvents[0]"
    assert install.time == T1
    assert install.time_desc == "Profile install"
    assert install.message == "com.apple.Preferences install profile net.helper.profile"
    assert install.fields == {
        "profile_identifier": "net.helper.profile",
        "operation": "install",
        "process": "com.apple.Preferences",
    }
    assert install.observables == Observable.of(
        profile_id="net.helper.profile", process="com.apple.Preferences"
    )
    assert remove.locator == "ProfileEvents[1]"
    assert remove.time == T2
    assert remove.message == "profiled remove profile net.helper.profile"


def test_capitalised_keys_and_missing_values(tmp_path):
    file = plist_file(
        tmp_path,
        "private/var/containers/Shared/SystemGroup/systemgroup.com.apple.configurationprofiles/"
        "Library/ConfigurationProfiles/MCProfileEvents.plist",
        {"ProfileEvents": [{"com.example.p": {"Operation": "install"}}, "junk"]},
    )

    [record] = profile_events.parse(file)

    assert record.message == "A process install profile com.example.p"
    assert record.time is None
    assert record.observables == Observable.of(profile_id="com.example.p")


def test_a_file_without_events_is_noted(tmp_path):
    file = plist_file(tmp_path, "x/MCProfileEvents.plist", {"Other": 1})
    assert list(profile_events.parse(file)) == []
    assert file.notes == ["no ProfileEvents list"]
