from datetime import UTC, datetime

from spytrace.artifacts.ios import firefox_favicons
from spytrace.model import Observable
from spytrace.testkit.ios_browsers import (
    FirefoxBrowserDb,
    FirefoxBrowserDbWithoutFaviconSites,
    unix,
)

WHEN = datetime(2020, 2, 29, 23, 59, 58, tzinfo=UTC)
ICON = "https://example.com/apple-touch-icon.png"


def test_each_favicon_becomes_a_record_with_its_pages(tmp_path):
    builder = FirefoxBrowserDb(tmp_path)
    icon = builder.add_favicon(ICON, unix(WHEN) * 1000, width=180, type=1)
    builder.link_favicon(builder.add_site("https://example.com/b"), icon)
    builder.link_favicon(builder.add_site("https://example.com/a"), icon)
    db = builder.build()

    [record] = firefox_favicons.parse(db)

    assert record.artifact == "firefox_favicons"
    assert (
        record.source == "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile/browser.db"
    )
    assert record.locator == "favicons.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Icon saved"
    assert record.message == f"Favicon {ICON} of 2 pages"
    assert record.fields == {
        "icon_url": ICON,
        "page_urls": ["https://example.com/a", "https://example.com/b"],
        "width": 180,
        "icon_type": 1,
    }
    assert record.observables == Observable.of(
        url=[ICON, "https://example.com/a", "https://example.com/b"]
    )
    assert db.notes == []


def test_a_favicon_of_one_page_names_it(tmp_path):
    builder = FirefoxBrowserDb(tmp_path)
    icon = builder.add_favicon(ICON, unix(WHEN))
    builder.link_favicon(builder.add_site("https://example.com/"), icon)

    [record] = firefox_favicons.parse(builder.build())

    assert record.message == f"Favicon {ICON} of https://example.com/"
    assert record.time == WHEN


def test_without_the_link_table_the_icons_still_come(tmp_path):
    builder = FirefoxBrowserDbWithoutFaviconSites(tmp_path)
    builder.add_favicon(ICON, unix(WHEN))
    db = builder.build()

    [record] = firefox_favicons.parse(db)

    assert record.message == f"Favicon {ICON}"
    assert "page_urls" not in record.fields
    assert db.notes == []
