from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import firefox_history
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import FirefoxBrowserDb, FirefoxPlacesDb, unix

WHEN = datetime(2020, 10, 1, 6, 30, 0, 250000, tzinfo=UTC)
LURE, LANDING = "http://lure.example/r", "https://landing.example/"


def test_each_browser_db_visit_becomes_a_record(tmp_path):
    builder = FirefoxBrowserDb(tmp_path)
    site = builder.add_site("https://example.org/", title="Example")
    builder.add_visit(site, unix(WHEN) * 1_000_000, type=2)
    db = builder.build()

    [record] = firefox_history.parse(db)

    assert record.artifact == "firefox_history"
    assert (
        record.source == "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile/browser.db"
    )
    assert record.locator == "visits.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Page visited"
    assert record.message == "Visited https://example.org/"
    assert record.fields == {
        "url": "https://example.org/",
        "title": "Example",
        "visit_type": "typed",
        "is_local": True,
    }
    assert record.observables == Observable.of(url="https://example.org/")
    assert db.notes == []


def test_a_places_db_visit_names_the_visit_it_came_from(tmp_path):
    builder = FirefoxPlacesDb(tmp_path)
    lure = builder.add_place(LURE)
    landing = builder.add_place(LANDING, title="Landing")
    first = builder.add_visit(lure, int(unix(WHEN) * 1000))
    builder.add_visit(landing, int(unix(WHEN) * 1000) + 40, visit_type=6, from_visit=first)
    db = builder.build()

    lure_visit, landing_visit = firefox_history.parse(db)

    assert lure_visit.locator == "moz_historyvisits.id=1"
    assert lure_visit.time == WHEN
    assert lure_visit.message == f"Visited {LURE}"
    assert landing_visit.message == f"Visited {LANDING} (redirected from {LURE})"
    assert landing_visit.fields == {
        "url": LANDING,
        "title": "Landing",
        "visit_type": "temporary_redirect",
        "is_local": True,
        "from_visit": 1,
        "from_url": LURE,
    }
    assert landing_visit.observables == Observable.of(url=[LANDING, LURE])
    assert db.notes == []


def test_a_visit_whose_page_is_gone(tmp_path):
    builder = FirefoxBrowserDb(tmp_path)
    builder.conn.execute("PRAGMA foreign_keys = OFF")
    builder.add_visit(7, unix(WHEN) * 1_000_000, type=99)

    [record] = firefox_history.parse(builder.build())

    assert record.message == "Visited a page whose history row 7 is gone"
    assert record.fields == {"visit_type": "unknown (99)", "is_local": True}


@pytest.mark.parametrize(
    "path",
    [
        "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile/browser.db",
        "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile/places.db",
        "AppDomainGroup-group.org.mozilla.ios.Fennec/profile.profile/browser.db",
        "private/var/mobile/Containers/Shared/AppGroup/7D2E/profile.profile/browser.db",
        "private/var/mobile/Containers/Shared/AppGroup/7D2E/profile.profile/places.db",
    ],
)
def test_paths_cover_the_app_group_profile(path):
    assert compile_globs(firefox_history.PATHS).match(path)


def test_paths_are_listed_once():
    assert len(set(firefox_history.PATHS)) == len(firefox_history.PATHS)
