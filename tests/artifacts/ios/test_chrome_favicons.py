from datetime import UTC, datetime

from spytrace.artifacts.ios import chrome_favicons
from spytrace.model import Observable
from spytrace.testkit.ios_browsers import ChromeFaviconsDb, webkit

WHEN = datetime(2023, 5, 30, 9, 15, 0, tzinfo=UTC)


def test_each_page_mapping_becomes_a_record_dated_by_its_newest_bitmap(tmp_path):
    builder = ChromeFaviconsDb(tmp_path)
    icon = builder.add_icon("https://example.com/favicon.ico")
    builder.add_bitmap(icon, webkit(WHEN) - 10_000_000, width=16)
    builder.add_bitmap(icon, webkit(WHEN), width=32)
    builder.map_page("https://example.com/account", icon)
    db = builder.build()

    [record] = chrome_favicons.parse(db)

    assert record.artifact == "chrome_favicons"
    assert record.source.endswith("/Google/Chrome/Default/Favicons")
    assert record.locator == "icon_mapping.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Icon last fetched"
    assert record.message == (
        "Favicon of https://example.com/account from https://example.com/favicon.ico"
    )
    assert record.fields == {
        "page_url": "https://example.com/account",
        "icon_url": "https://example.com/favicon.ico",
        "icon_id": 1,
        "icon_type": 1,
    }
    assert record.observables == Observable.of(
        url=["https://example.com/account", "https://example.com/favicon.ico"]
    )
    assert db.notes == []


def test_an_on_demand_icon_is_dated_by_its_last_request(tmp_path):
    builder = ChromeFaviconsDb(tmp_path)
    icon = builder.add_icon("https://example.net/touch.png", icon_type=2)
    builder.add_bitmap(icon, 0, last_requested=webkit(WHEN))
    builder.map_page("https://example.net/", icon)

    [record] = chrome_favicons.parse(builder.build())

    assert record.time == WHEN
    assert record.time_desc == "Icon last requested"


def test_a_mapping_to_a_missing_icon_keeps_the_page(tmp_path):
    builder = ChromeFaviconsDb(tmp_path)
    builder.map_page("https://example.org/", 99)

    [record] = chrome_favicons.parse(builder.build())

    assert record.time is None
    assert record.time_desc == ""
    assert record.message == "Favicon of https://example.org/"
    assert record.observables == Observable.of(url="https://example.org/")
