from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import safari_history
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import (
    SafariHistoryDb,
    SafariHistoryDbWithoutOrigin,
    SafariHistoryDbWithoutTombstones,
    cocoa,
)

WHEN = datetime(2024, 3, 1, 12, 30, 15, tzinfo=UTC)
A, B, C = "http://a.example/start", "https://b.example/hop", "https://c.example/land"
PROFILE = "5F2B7C1A-9D3E-4B8F-A6C0-1E2D3F4A5B6C"


def test_each_visit_becomes_a_record(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    item = builder.add_item("https://example.org/page", visit_count=3)
    builder.add_visit(item, cocoa(WHEN), title="Example page")
    db = builder.build()

    [record] = safari_history.parse(db)

    assert record.artifact == "safari_history"
    assert record.source == "HomeDomain/Library/Safari/History.db"
    assert record.locator == "history_visits.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Page visited"
    assert record.message == "Visited https://example.org/page"
    assert record.fields == {
        "url": "https://example.org/page",
        "title": "Example page",
        "visit_count": 3,
        "load_successful": True,
        "http_non_get": False,
        "origin": 0,
        "history_item": 1,
    }
    assert record.observables == Observable.of(url="https://example.org/page")
    assert db.notes == []


def test_a_redirect_chain_is_resolved_on_every_hop(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    a = builder.visit(A, cocoa(WHEN))
    b = builder.visit(B, cocoa(WHEN) + 0.2, redirect_from=a)
    builder.visit(C, cocoa(WHEN) + 0.4, redirect_from=b)

    first, middle, last = safari_history.parse(builder.build())

    assert middle.locator == "history_visits.id=2"
    assert middle.message == f"Visited {B} (redirected from {A}), redirected to {C}"
    assert middle.fields["redirect_source"] == 1
    assert middle.fields["redirect_destination"] == 3
    assert middle.fields["redirect_source_url"] == A
    assert middle.fields["redirect_destination_url"] == C
    assert middle.fields["redirect_chain"] == [A, B, C]
    assert middle.fields["redirect_destination_time"] == "2024-03-01T12:30:15.400000Z"
    assert middle.observables == Observable.of(url=[B, A, C])
    assert first.message == f"Visited {A}, redirected to {B}"
    assert first.fields["redirect_chain"] == [A, B, C]
    assert "redirect_source_url" not in first.fields
    assert first.fields["redirect_destination_time"] == "2024-03-01T12:30:15.200000Z"
    assert "redirect_destination_time" not in last.fields
    assert last.message == f"Visited {C} (redirected from {B})"
    assert last.fields["redirect_chain"] == [A, B, C]
    assert last.observables == Observable.of(url=[C, B])


def test_a_redirect_cycle_ends_after_one_lap(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    a = builder.visit(A, cocoa(WHEN))
    b = builder.visit(B, cocoa(WHEN) + 1, redirect_from=a)
    builder.link(b, a)

    first, second = safari_history.parse(builder.build())

    assert first.fields["redirect_chain"] == [B, A]
    assert first.fields["redirect_source_url"] == B
    assert first.fields["redirect_destination_url"] == B
    assert second.fields["redirect_chain"] == [A, B]


def test_a_very_long_chain_is_cut_at_the_hop_limit(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    previous = None
    for n in range(100):
        previous = builder.visit(
            f"https://hop{n}.example/", cocoa(WHEN) + n, redirect_from=previous
        )

    records = list(safari_history.parse(builder.build()))

    assert len(records) == 100
    chain = records[0].fields["redirect_chain"]
    assert len(chain) == 1 + safari_history.MAX_HOPS
    assert chain[:3] == ["https://hop0.example/", "https://hop1.example/", "https://hop2.example/"]


def test_visits_without_redirects_carry_no_chain(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    builder.visit(A, cocoa(WHEN))
    builder.visit(A, cocoa(WHEN) + 60, load_successful=False, origin=1)

    first, second = safari_history.parse(builder.build())

    assert "redirect_chain" not in first.fields
    assert second.fields["load_successful"] is False
    assert second.fields["origin"] == 1
    assert second.time == datetime(2024, 3, 1, 12, 31, 15, tzinfo=UTC)


def test_a_profile_database_names_its_profile(tmp_path):
    path = f"HomeDomain/Library/Safari/Profiles/{PROFILE}/History.db"
    builder = SafariHistoryDb(tmp_path, logical_path=path)
    builder.visit(A, cocoa(WHEN))

    [record] = safari_history.parse(builder.build())

    assert record.source == path
    assert record.fields["profile"] == PROFILE


@pytest.mark.parametrize(
    "path",
    [
        "HomeDomain/Library/Safari/History.db",
        f"HomeDomain/Library/Safari/Profiles/{PROFILE}/History.db",
        "AppDomain-com.apple.mobilesafari/Library/Safari/History.db",
        "private/var/mobile/Library/Safari/History.db",
        f"private/var/mobile/Library/Safari/Profiles/{PROFILE}/History.db",
        "private/var/mobile/Containers/Data/Application/0A1B/Library/Safari/History.db",
    ],
)
def test_paths_cover_the_default_profile_and_app_container_databases(path):
    assert compile_globs(safari_history.PATHS).match(path)


def test_a_missing_column_still_gives_the_visits_and_a_note(tmp_path):
    builder = SafariHistoryDbWithoutOrigin(tmp_path)
    builder.visit(A, cocoa(WHEN))
    db = builder.build()

    [record] = safari_history.parse(db)

    assert record.fields["url"] == A
    assert "origin" not in record.fields
    assert db.notes == ["column v.origin missing"]


def test_deleted_history_leaves_tombstones(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    builder.add_tombstone("https://gone.example/x", cocoa(WHEN) - 3600, cocoa(WHEN))
    builder.add_tombstone(None, 0.0, cocoa(WHEN))

    with_url, whole_range = safari_history.parse(builder.build())

    assert with_url.locator == "history_tombstones.id=1"
    assert with_url.time == WHEN
    assert with_url.time_desc == "End of deleted history range"
    assert with_url.message == "History of https://gone.example/x deleted"
    assert with_url.fields == {
        "url": "https://gone.example/x",
        "deleted_from": "2024-03-01T11:30:15Z",
        "deleted_until": "2024-03-01T12:30:15Z",
    }
    assert with_url.observables == Observable.of(url="https://gone.example/x")
    assert whole_range.message == "A range of history deleted"
    assert whole_range.observables == ()


def test_an_older_database_without_tombstones_is_read_whole(tmp_path):
    builder = SafariHistoryDbWithoutTombstones(tmp_path)
    builder.visit(A, cocoa(WHEN))
    db = builder.build()

    assert [r.locator for r in safari_history.parse(db)] == ["history_visits.id=1"]
    assert db.notes == []


def test_a_visit_whose_item_is_gone_still_counts(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    builder.conn.execute("PRAGMA foreign_keys = OFF")
    builder.add_visit(42, cocoa(WHEN))

    [record] = safari_history.parse(builder.build())

    assert record.message == "Visited a page whose history item 42 is gone"
    assert record.observables == ()


def test_a_large_history_streams_in_visit_order(tmp_path):
    builder = SafariHistoryDb(tmp_path)
    builder.add_visits(
        (f"https://site{n % 500}.example/p{n}", cocoa(WHEN) + n, None) for n in range(5000)
    )

    records = list(safari_history.parse(builder.build()))

    assert len(records) == 5000
    assert records[4999].fields["url"] == "https://site499.example/p4999"
    assert records[4999].locator == "history_visits.id=5000"
