from datetime import UTC, datetime

from spytrace.artifacts.ios import profile_events
from spytrace.checks.profile_operations import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_system import plist_file
from spytrace.testkit.ios_system import profile_events as events_file

T1 = datetime(2023, 6, 1, 9, 15, tzinfo=UTC)
T2 = datetime(2023, 6, 3, 18, 2, tzinfo=UTC)


def test_every_operation_is_a_low_finding_naming_profile_operation_process_and_time(tmp_path):
    file = events_file(
        tmp_path,
        [
            ("com.update.profile", T1, "install", "com.apple.Preferences"),
            ("com.update.profile", T2, "remove", "profiled"),
        ],
    )

    install, remove = check(profile_events.parse(file))

    assert CHECK.reads == ("profile_events",)
    assert install.severity is Severity.LOW
    assert install.message == (
        "Configuration profile com.update.profile: install by com.apple.Preferences "
        "at 2023-06-01T09:15:00Z"
    )
    assert install.evidence == Evidence(file.logical_path, "ProfileEvents[0]")
    assert install.observable == Observable("profile_id", "com.update.profile")
    assert install.time == T1
    assert remove.message == (
        "Configuration profile com.update.profile: remove by profiled at 2023-06-03T18:02:00Z"
    )


def test_an_event_missing_its_details_still_counts(tmp_path):
    file = plist_file(
        tmp_path, "x/MCProfileEvents.plist", {"ProfileEvents": [{"com.example.p": {}}]}
    )

    [finding] = check(profile_events.parse(file))

    assert finding.message == (
        "Configuration profile com.example.p: an unknown operation by an unknown process "
        "at an unknown time"
    )


def test_quiet_without_events(tmp_path):
    file = plist_file(tmp_path, "x/MCProfileEvents.plist", {"ProfileEvents": []})
    assert list(check(profile_events.parse(file))) == []
