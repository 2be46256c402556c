from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import os_analytics_ad_daily
from spytrace.errors import EvidenceError
from spytrace.model import Observable
from spytrace.testkit.ios_system import osanalytics_addaily, plist_file, raw_file

WHEN = datetime(2021, 7, 14, 3, 12, 5, tzinfo=UTC)


def test_each_baseline_entry_becomes_a_process_record(tmp_path):
    file = osanalytics_addaily(
        tmp_path,
        {"com.apple.WebKit.Networking": (WHEN, 10, 20, 30, 40), "bh": (WHEN, 0, 0, 512, 64)},
        extra={"lastSubmission": datetime(2021, 7, 14)},
    )

    bh, webkit = os_analytics_ad_daily.parse(file)  # plists keep keys sorted

    assert bh.locator == "netUsageBaseline/bh"
    assert bh.source == "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist"
    assert bh.time == WHEN
    assert bh.time_desc == "Baseline recorded"
    assert bh.message == "bh network usage baseline"
    assert bh.fields == {
        "process_name": "bh",
        "wifi_in": 0,
        "wifi_out": 0,
        "wwan_in": 512,
        "wwan_out": 64,
    }
    assert bh.observables == Observable.of(process="bh")
    assert webkit.observables == Observable.of(process="com.apple.WebKit.Networking")


def test_a_short_or_odd_entry_keeps_what_it_has(tmp_path):
    file = plist_file(
        tmp_path,
        "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist",
        {"netUsageBaseline": {"odd": ["not a date", 5], "empty": "x"}},
    )

    empty, odd = os_analytics_ad_daily.parse(file)

    assert odd.time is None
    assert odd.fields == {"process_name": "odd", "wifi_in": 5}
    assert empty.fields == {"process_name": "empty"}
    assert file.notes == []


def test_a_plist_without_a_baseline_yields_nothing(tmp_path):
    file = plist_file(tmp_path, "HomeDomain/x.plist", {"other": 1})
    assert list(os_analytics_ad_daily.parse(file)) == []
    assert file.notes == []


def test_a_broken_plist_is_an_evidence_error(tmp_path):
    file = raw_file(tmp_path, "HomeDomain/x.plist", b"bplist00 not really")
    with pytest.raises(EvidenceError):
        list(os_analytics_ad_daily.parse(file))
