from datetime import UTC, datetime

from spytrace.artifacts.ios import safari_favicons
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import SafariFaviconsDb, cocoa

WHEN = datetime(2022, 6, 14, 22, 10, 5, tzinfo=UTC)
ICON_UUID = "3E8A1F02-6B4C-4D7E-9A10-B2C3D4E5F607"


def test_each_page_with_its_icon_becomes_a_record(tmp_path):
    builder = SafariFaviconsDb(tmp_path)
    builder.add_icon("https://cdn.example/favicon.ico", cocoa(WHEN), uuid=ICON_UUID)
    builder.add_page("https://example.com/login", ICON_UUID)
    builder.add_page("https://example.com/", ICON_UUID)
    db = builder.build()

    first, second = safari_favicons.parse(db)

    assert first.artifact == "safari_favicons"
    assert first.source == "HomeDomain/Library/Image Cache/Favicons/Favicons.db"
    assert first.locator == "page_url.rowid=1"
    assert first.time == WHEN
    assert first.time_desc == "Icon linked to page"
    assert first.message == (
        "Favicon of https://example.com/login from https://cdn.example/favicon.ico"
    )
    assert first.fields == {
        "page_url": "https://example.com/login",
        "icon_url": "https://cdn.example/favicon.ico",
        "icon_uuid": ICON_UUID,
    }
    assert first.observables == Observable.of(
        url=["https://example.com/login", "https://cdn.example/favicon.ico"]
    )
    assert second.locator == "page_url.rowid=2"
    assert db.notes == []


def test_rejected_icons_are_records_too(tmp_path):
    builder = SafariFaviconsDb(tmp_path)
    builder.add_rejected("https://bad.example/", "https://bad.example/x.png", cocoa(WHEN))

    [record] = safari_favicons.parse(builder.build())

    assert record.locator == "rejected_resources.rowid=1"
    assert record.time == WHEN
    assert record.time_desc == "Icon rejected"
    assert record.fields == {
        "page_url": "https://bad.example/",
        "icon_url": "https://bad.example/x.png",
        "rejected": True,
    }


def test_a_page_whose_icon_row_is_gone(tmp_path):
    builder = SafariFaviconsDb(tmp_path)
    builder.add_page("https://example.com/", ICON_UUID)

    [record] = safari_favicons.parse(builder.build())

    assert record.message == "Favicon of https://example.com/"
    assert record.time is None
    assert record.observables == Observable.of(url="https://example.com/")


def test_paths_cover_both_layouts():
    globs = compile_globs(safari_favicons.PATHS)
    assert globs.match("HomeDomain/Library/Image Cache/Favicons/Favicons.db")
    assert globs.match("private/var/mobile/Library/Image Cache/Favicons/Favicons.db")
