from datetime import UTC, datetime

from spytrace.artifacts.ios import safari_history
from spytrace.checks.safari_redirect_injection import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_browsers import SafariHistoryDb, cocoa

WHEN = datetime(2021, 6, 2, 9, 0, tzinfo=UTC)
EXPLOIT = "https://baramije.net/8a7df2/"


def history(tmp_path, *hops):
    """Visits (url, seconds after WHEN), each redirected to the next."""
    db = SafariHistoryDb(tmp_path)
    previous = None
    for url, seconds in hops:
        previous = db.visit(url, cocoa(WHEN) + seconds, redirect_from=previous)
    return db.build()


def test_an_http_visit_redirected_to_another_domain_within_a_second_is_medium(tmp_path):
    db = history(tmp_path, ("http://news.example.org/today", 0), (EXPLOIT, 0.25))

    [finding] = check(safari_history.parse(db))

    assert CHECK.reads == ("safari_history",)
    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        f"Safari's http visit to http://news.example.org/today was redirected to {EXPLOIT} "
        "(baramije.net) 250 ms later: a cross-domain redirect this fast is how network "
        "injection looks"
    )
    assert finding.evidence == Evidence(db.logical_path, "history_visits.id=1")
    assert finding.observable == Observable("url", EXPLOIT)
    assert finding.time == WHEN


def test_each_fast_hop_from_http_counts(tmp_path):
    db = history(
        tmp_path,
        ("http://a.example/", 0),
        ("http://b.example/", 0.1),
        ("https://c.example/", 0.2),
    )

    findings = list(check(safari_history.parse(db)))

    assert [f.evidence.locator for f in findings] == [
        "history_visits.id=1",
        "history_visits.id=2",
    ]


def test_quiet_on_https_upgrades_slow_redirects_and_https_origins(tmp_path):
    records = [
        # An upgrade to https on the same host, with or without "www.".
        *safari_history.parse(
            history(tmp_path / "a", ("http://example.org/", 0), ("https://www.example.org/", 0.1))
        ),
        # A redirect that took a second or more.
        *safari_history.parse(
            history(tmp_path / "b", ("http://example.org/", 0), ("https://other.example/", 1.0))
        ),
        # An https origin: an injection needs plain http.
        *safari_history.parse(
            history(tmp_path / "c", ("https://example.org/", 0), ("https://other.example/", 0.1))
        ),
        # A destination recorded before its source: a clock change, not a redirect in time.
        *safari_history.parse(
            history(tmp_path / "d", ("http://example.org/", 0), ("https://other.example/", -0.5))
        ),
    ]
    for folder in "abcd":
        assert (tmp_path / folder).is_dir()
    assert len(records) == 8
    assert list(check(records)) == []
