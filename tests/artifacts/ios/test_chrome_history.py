from datetime import UTC, datetime

from spytrace.artifacts.ios import chrome_history
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_browsers import LINK, ChromeHistory2021Db, ChromeHistoryDb, webkit

WHEN = datetime(2024, 1, 9, 14, 2, 3, tzinfo=UTC)
LURE, LANDING = "http://lure.example/r", "https://landing.example/"
# TYPED | FROM_ADDRESS_BAR | CHAIN_START, then LINK | CHAIN_END | SERVER_REDIRECT.
TYPED_START = 0x12000001
SERVER_REDIRECT_END = 0xA0000000


def test_each_visit_becomes_a_record(tmp_path):
    builder = ChromeHistoryDb(tmp_path)
    url = builder.add_url("https://example.org/", title="Example", visit_count=2)
    builder.add_visit(url, webkit(WHEN), visit_duration=1_500_000)
    db = builder.build()

    [record] = chrome_history.parse(db)

    assert record.artifact == "chrome_history"
    assert record.source == (
        "AppDomain-com.google.chrome.ios/Library/Application Support/Google/Chrome/Default/History"
    )
    assert record.locator == "visits.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Page visited"
    assert record.message == "Visited https://example.org/"
    assert record.fields == {
        "url": "https://example.org/",
        "title": "Example",
        "visit_count": 2,
        "typed_count": 0,
        "transition": "link",
        "transition_qualifiers": ["chain_start", "chain_end"],
        "redirect": False,
        "visit_duration_us": 1_500_000,
    }
    assert record.observables == Observable.of(url="https://example.org/")
    assert db.notes == []


def test_a_server_redirect_names_the_visit_it_came_from(tmp_path):
    builder = ChromeHistoryDb(tmp_path)
    first = builder.visit(LURE, webkit(WHEN), transition=TYPED_START)
    builder.visit(LANDING, webkit(WHEN) + 300_000, from_visit=first, transition=SERVER_REDIRECT_END)

    lure, landing = chrome_history.parse(builder.build())

    assert lure.fields["transition"] == "typed"
    assert lure.fields["transition_qualifiers"] == ["from_address_bar", "chain_start"]
    assert landing.message == f"Visited {LANDING} (redirected from {LURE})"
    assert landing.fields["from_visit"] == 1
    assert landing.fields["from_url"] == LURE
    assert landing.fields["redirect"] is True
    assert landing.fields["transition_qualifiers"] == ["chain_end", "server_redirect"]
    assert landing.observables == Observable.of(url=[LANDING, LURE])


def test_a_signed_transition_from_older_chromium_is_read_the_same(tmp_path):
    builder = ChromeHistoryDb(tmp_path)
    first = builder.visit(LURE, webkit(WHEN))
    builder.visit(LANDING, webkit(WHEN), from_visit=first, transition=SERVER_REDIRECT_END - 2**32)

    _, landing = chrome_history.parse(builder.build())

    assert landing.fields["redirect"] is True
    assert landing.fields["transition_qualifiers"] == ["chain_end", "server_redirect"]


def test_a_link_from_another_page_is_not_a_redirect(tmp_path):
    builder = ChromeHistoryDb(tmp_path)
    first = builder.visit(LURE, webkit(WHEN))
    builder.visit(
        LANDING,
        webkit(WHEN),
        from_visit=first,
        transition=LINK,
        external_referrer_url="https://mail.example/",
    )

    _, landing = chrome_history.parse(builder.build())

    assert landing.message == f"Visited {LANDING} (came from {LURE})"
    assert landing.fields["external_referrer_url"] == "https://mail.example/"
    assert landing.observables == Observable.of(url=[LANDING, LURE, "https://mail.example/"])


def test_an_older_visits_table_is_read_whole(tmp_path):
    builder = ChromeHistory2021Db(tmp_path)
    builder.visit(LANDING, webkit(WHEN))
    db = builder.build()

    [record] = chrome_history.parse(db)

    assert record.fields["url"] == LANDING
    assert db.notes == []


def test_paths_cover_every_profile_in_both_layouts():
    globs = compile_globs(chrome_history.PATHS)
    chrome = "Library/Application Support/Google/Chrome"
    assert globs.match(f"AppDomain-com.google.chrome.ios/{chrome}/Default/History")
    assert globs.match(f"AppDomain-com.google.chrome.ios/{chrome}/Profile 1/History")
    assert globs.match(
        f"private/var/mobile/Containers/Data/Application/0A1B/{chrome}/Default/History"
    )
    assert not globs.match(f"AppDomain-com.google.chrome.ios/{chrome}/Default/History-journal")


def test_visit_time_keeps_its_microseconds(tmp_path):
    moment = datetime(2024, 1, 9, 14, 2, 3, 456789, tzinfo=UTC)
    builder = ChromeHistoryDb(tmp_path)
    builder.visit(LANDING, webkit(moment))

    [record] = chrome_history.parse(builder.build())

    assert record.time == moment
