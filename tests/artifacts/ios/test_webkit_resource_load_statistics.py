from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import webkit_resource_load_statistics as rls
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import WebKitObservationsDb, WebKitObservationsEarlyDb, unix

WHEN = datetime(2021, 7, 18, 3, 4, 5, tzinfo=UTC)
STORE = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db"


def test_each_observed_domain_becomes_a_record(tmp_path):
    builder = WebKitObservationsDb(tmp_path)
    builder.add_domain(
        "example.com",
        unix(WHEN),
        had_user_interaction=True,
        most_recent_user_interaction=unix(WHEN) - 60,
    )
    db = builder.build()

    [record] = rls.parse(db)

    assert record.artifact == "webkit_resource_load_statistics"
    assert record.source == f"AppDomain-com.apple.mobilesafari/{STORE}"
    assert record.locator == "ObservedDomains.domainID=1"
    assert record.time == WHEN
    assert record.time_desc == "Domain last seen"
    assert record.message == "com.apple.mobilesafari loaded web content from example.com"
    assert record.fields == {
        "registrable_domain": "example.com",
        "app": "com.apple.mobilesafari",
        "had_user_interaction": True,
        "most_recent_user_interaction": "2021-07-18T03:03:05Z",
        "is_prevalent": False,
        "is_very_prevalent": False,
        "grandfathered": False,
        "data_records_removed": 0,
    }
    assert record.observables == Observable.of(
        domain="example.com", app_id="com.apple.mobilesafari"
    )
    assert db.notes == []


def test_top_frame_redirects_are_named_on_both_ends(tmp_path):
    builder = WebKitObservationsDb(tmp_path)
    lure = builder.add_domain("lure.example", unix(WHEN))
    hop = builder.add_domain("hop.example", unix(WHEN))
    payload = builder.add_domain("payload.example", unix(WHEN))
    builder.add_top_frame_redirect(lure, hop)
    builder.add_top_frame_redirect(hop, payload)

    first, middle, last = rls.parse(builder.build())

    assert first.fields["top_frame_redirects_to"] == ["hop.example"]
    assert "top_frame_redirects_from" not in first.fields
    assert middle.fields["top_frame_redirects_from"] == ["lure.example"]
    assert middle.fields["top_frame_redirects_to"] == ["payload.example"]
    assert last.fields["top_frame_redirects_from"] == ["hop.example"]
    assert middle.observables == Observable.of(
        domain="hop.example", app_id="com.apple.mobilesafari"
    )


def test_an_app_container_in_the_filesystem_layout_has_no_app_name(tmp_path):
    path = f"private/var/mobile/Containers/Data/Application/9F1E/{STORE}"
    builder = WebKitObservationsDb(tmp_path, logical_path=path)
    builder.add_domain("example.net", 0.0)

    [record] = rls.parse(builder.build())

    assert record.time is None
    assert record.message == "An app loaded web content from example.net"
    assert "app" not in record.fields
    assert record.observables == Observable.of(domain="example.net")


def test_the_in_app_safari_view_is_named(tmp_path):
    path = f"AppDomain-com.example.chat/SystemData/com.apple.SafariViewService/{STORE}"
    builder = WebKitObservationsDb(tmp_path, logical_path=path)
    builder.add_domain("example.org", unix(WHEN))

    [record] = rls.parse(builder.build())

    assert record.fields["app"] == "com.example.chat"
    assert record.fields["web_view"] == "com.apple.SafariViewService"


def test_the_first_schema_is_read_whole(tmp_path):
    builder = WebKitObservationsEarlyDb(tmp_path)
    builder.add_domain("example.com", unix(WHEN), prevalent=True)
    db = builder.build()

    [record] = rls.parse(db)

    assert record.fields["is_prevalent"] is True
    assert "top_frame_redirects_to" not in record.fields
    assert db.notes == []


@pytest.mark.parametrize(
    "path",
    [
        f"AppDomain-com.apple.mobilesafari/{STORE}",
        f"AppDomain-com.example.chat/{STORE}",
        f"HomeDomain/{STORE}",
        f"private/var/mobile/Containers/Data/Application/0A1B/{STORE}",
        "private/var/mobile/Containers/Data/Application/0A1B/SystemData/"
        "com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db",
    ],
)
def test_paths_cover_app_containers_in_both_layouts(path):
    assert compile_globs(rls.PATHS).match(path)


@pytest.mark.parametrize(
    ("path", "app"),
    [
        ("AppDomain-com.example.chat/x", "com.example.chat"),
        ("AppDomainGroup-group.com.example/x", "group.com.example"),
        ("AppDomainPlugin-com.example.share/x", "com.example.share"),
        ("HomeDomain/x", None),
        ("private/var/mobile/Containers/Data/Application/0A1B/x", None),
    ],
)
def test_container_app(path, app):
    assert rls.container_app(path) == app
