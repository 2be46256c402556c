from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import webkit_session_resource_log as log
from spytrace.errors import EvidenceError
from spytrace.model import EvidenceFile, Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import (
    SESSION_LOG_PATH,
    browsing_statistic,
    session_resource_log,
    unix,
    write_plist,
)

WHEN = datetime(2019, 9, 2, 17, 45, 0, tzinfo=UTC)


def test_each_statistic_becomes_a_record_with_every_related_domain(tmp_path):
    entry = browsing_statistic(
        "hop.example",
        unix(WHEN),
        had_user_interaction=True,
        most_recent_user_interaction=unix(WHEN) - 10,
        topFrameUniqueRedirectsFrom=["lure.example"],
        topFrameUniqueRedirectsTo=["payload.example"],
        subframeUnderTopFrameDomains=["frame.example"],
        subresourceUnderTopFrameDomains=["cdn.example", "frame.example"],
    )
    file = session_resource_log(tmp_path, [entry])

    [record] = log.parse(file)

    assert record.artifact == "webkit_session_resource_log"
    assert record.source == SESSION_LOG_PATH
    assert record.locator == "browsingStatistics[0]"
    assert record.time == WHEN
    assert record.time_desc == "Domain last seen"
    assert record.message == (
        "com.example.browser loaded web content from hop.example"
        " (redirected from lure.example), redirected to payload.example"
    )
    assert record.fields == {
        "registrable_domain": "hop.example",
        "app": "com.example.browser",
        "had_user_interaction": True,
        "most_recent_user_interaction": "2019-09-02T17:44:50Z",
        "is_prevalent": False,
        "top_frame_redirects_to": ["payload.example"],
        "top_frame_redirects_from": ["lure.example"],
        "subframe_under_top_frame": ["frame.example"],
        "subresource_under_top_frame": ["cdn.example", "frame.example"],
    }
    assert record.observables == Observable.of(
        domain=[
            "hop.example",
            "payload.example",
            "lure.example",
            "frame.example",
            "cdn.example",
        ],
        app_id="com.example.browser",
    )
    assert file.notes == []


def test_the_older_origin_encoding_is_read_the_same(tmp_path):
    entry = browsing_statistic(
        "hop.example",
        unix(WHEN),
        modern=False,
        topFrameUniqueRedirectsTo=["payload.example"],
        subframeUnderTopFrameOrigins=["frame.example"],
    )
    file = session_resource_log(tmp_path, [entry])

    [record] = log.parse(file)

    assert record.fields["registrable_domain"] == "hop.example"
    assert record.fields["top_frame_redirects_to"] == ["payload.example"]
    assert record.fields["subframe_under_top_frame"] == ["frame.example"]
    assert record.observables == Observable.of(
        domain=["hop.example", "payload.example", "frame.example"], app_id="com.example.browser"
    )


def test_a_bad_entry_is_noted_and_skipped(tmp_path):
    good = browsing_statistic("example.com", unix(WHEN))
    file = write_plist(
        tmp_path, SESSION_LOG_PATH, {"browsingStatistics": ["not a dictionary", good]}
    )

    [record] = log.parse(file)

    assert record.locator == "browsingStatistics[1]"
    assert file.notes == ["browsingStatistics[0] is not a dictionary"]


def test_a_plist_without_statistics_is_noted(tmp_path):
    file = write_plist(tmp_path, SESSION_LOG_PATH, {"version": 15})

    assert list(log.parse(file)) == []
    assert file.notes == ["no browsingStatistics list"]


def test_a_broken_plist_is_an_evidence_error(tmp_path):
    path = tmp_path / "broken.plist"
    path.write_bytes(b"bplist00\x00\x01")
    broken = EvidenceFile(SESSION_LOG_PATH, path)

    with pytest.raises(EvidenceError):
        list(log.parse(broken))


@pytest.mark.parametrize(
    "path",
    [
        SESSION_LOG_PATH,
        "private/var/mobile/Containers/Data/Application/0A1B/Library/WebKit/WebsiteData/"
        "ResourceLoadStatistics/full_browsing_session_resourceLog.plist",
        "private/var/mobile/Containers/Data/Application/0A1B/SystemData/"
        "com.apple.SafariViewService/Library/WebKit/WebsiteData/"
        "full_browsing_session_resourceLog.plist",
        "private/var/mobile/Library/WebClips/4C2A/Storage/full_browsing_session_resourceLog.plist",
        "HomeDomain/Library/WebClips/4C2A/Storage/full_browsing_session_resourceLog.plist",
    ],
)
def test_paths_cover_containers_web_views_and_web_clips(path):
    assert compile_globs(log.PATHS).match(path)
