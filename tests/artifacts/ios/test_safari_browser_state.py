from datetime import UTC, datetime

from spytrace.artifacts.ios import safari_browser_state
from spytrace.model import Observable
from spytrace.testkit.ios_browsers import (
    SafariBrowserStateDb,
    SafariBrowserStateLegacyDb,
    cocoa,
    session_data,
)

WHEN = datetime(2023, 11, 5, 8, 0, 0, tzinfo=UTC)
LURE = "https://lure.example/a?x=1"
LANDING = "https://landing.example/"
PROFILE = "0C6E9B2A-1F3D-4E5A-8B7C-9D0E1F2A3B4C"


def test_each_tab_becomes_a_record_with_its_back_forward_list(tmp_path):
    builder = SafariBrowserStateDb(tmp_path)
    builder.add_tab(
        LANDING,
        title="Landing",
        last_viewed_time=cocoa(WHEN),
        opened_from_link=True,
        profile_uuid=PROFILE,
        session=session_data(
            [("https://news.example/", None, "News"), (LANDING, LURE, "Landing")],
            provisional_url="https://next.example/",
        ),
    )
    db = builder.build()

    [record] = safari_browser_state.parse(db)

    assert record.artifact == "safari_browser_state"
    assert record.source == "HomeDomain/Library/Safari/BrowserState.db"
    assert record.locator == "tabs.id=1"
    assert record.time == WHEN
    assert record.time_desc == "Tab last viewed"
    assert record.message == f"Safari tab on {LANDING}"
    assert record.fields == {
        "url": LANDING,
        "title": "Landing",
        "tab_uuid": "00000001-0000-4000-8000-000000000000",
        "private_browsing": False,
        "opened_from_link": True,
        "profile_uuid": PROFILE,
        "session_history": [
            {"url": "https://news.example/", "title": "News"},
            {"url": LANDING, "original_url": LURE, "title": "Landing"},
        ],
        "session_history_index": 1,
        "provisional_url": "https://next.example/",
    }
    assert record.observables == Observable.of(
        url=[LANDING, "https://next.example/", "https://news.example/", LURE]
    )
    assert db.notes == []


def test_a_private_tab_without_session_data(tmp_path):
    builder = SafariBrowserStateDb(tmp_path)
    builder.add_tab(LURE, user_visible_url="lure.example", private_browsing=True)

    [record] = safari_browser_state.parse(builder.build())

    assert record.message == f"Safari tab on {LURE} (private browsing)"
    assert record.time is None
    assert record.fields["user_visible_url"] == "lure.example"
    assert record.fields["private_browsing"] is True
    assert "session_history" not in record.fields
    assert record.observables == Observable.of(url=[LURE, "lure.example"])


def test_session_data_without_the_version_prefix_is_read_too(tmp_path):
    builder = SafariBrowserStateDb(tmp_path)
    builder.add_tab(LANDING, session=session_data([(LURE, None, None)], prefix=False))

    [record] = safari_browser_state.parse(builder.build())

    assert record.fields["session_history"] == [{"url": LURE}]


def test_unreadable_session_data_is_noted_once_and_the_tabs_still_come(tmp_path):
    builder = SafariBrowserStateDb(tmp_path)
    builder.add_tab(LANDING, session=b"\x00\x00\x00\x02garbage")
    builder.add_tab(LURE, session=b"\x00\x00\x00\x02bplist00\xff\xff")
    db = builder.build()

    records = list(safari_browser_state.parse(db))

    assert [r.fields["url"] for r in records] == [LANDING, LURE]
    assert db.notes == ["session data of 2 tab(s) is not a readable property list"]


def test_the_legacy_schema_keeps_session_data_in_tabs(tmp_path):
    builder = SafariBrowserStateLegacyDb(tmp_path)
    builder.add_tab(
        LANDING, last_viewed_time=cocoa(WHEN), session=session_data([(LURE, None, None)])
    )
    db = builder.build()

    [record] = safari_browser_state.parse(db)

    assert record.locator == "tabs.id=1"
    assert record.time == WHEN
    assert record.fields["session_history"] == [{"url": LURE}]
    assert "profile_uuid" not in record.fields
    assert record.observables == Observable.of(url=[LANDING, LURE])
    assert db.notes == []
