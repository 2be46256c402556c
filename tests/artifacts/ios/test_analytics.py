import plistlib
from datetime import UTC, datetime

from spytrace.artifacts.ios import analytics
from spytrace.model import Observable
from spytrace.testkit.ios_fs import KeychainAnalyticsDb
from spytrace.testkit.ios_system import cocoa

WHEN = datetime(2023, 6, 1, 10, 0, tzinfo=UTC)


def test_events_keep_their_attributes_and_name_processes_and_links(tmp_path):
    db = KeychainAnalyticsDb(tmp_path)
    data = {
        "eventType": "TrustFailure",
        "processName": "msgacntd",
        "bundleID": "com.example.app",
        "host": "see https://c2.example/x",
        "attributes": {"count": 3},
    }
    db.insert(
        "hard_failures", timestamp=cocoa(WHEN), data=plistlib.dumps(data, fmt=plistlib.FMT_BINARY)
    )
    db.insert("all_events", timestamp=cocoa(WHEN), data=b"not a plist")

    failure, event = analytics.parse(db.build())

    assert failure.locator == "hard_failures.rowid=1"
    assert failure.time == WHEN
    assert failure.fields["data"] == {
        "eventType": "TrustFailure",
        "processName": "msgacntd",
        "bundleID": "com.example.app",
        "host": "see https://c2.example/x",
        "attributes.count": 3,
    }
    assert failure.observables == Observable.of(
        process="msgacntd", app_id="com.example.app", url="https://c2.example/x"
    )
    assert event.locator == "all_events.rowid=1"
    assert event.fields == {"table": "all_events"}
