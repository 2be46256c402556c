"""DESIGN.md's matching rules, each positively and negatively."""

import json

import pytest

from spytrace.iocs import normalize
from spytrace.iocs.index import IndicatorIndex
from spytrace.iocs.indicator import Origin, key_of
from spytrace.iocs.loader import load_feeds
from spytrace.model import Observable

ORIGIN = Origin("test feed", "Spyware", "feed.stix2", "00" * 32)
INDICATORS = [
    ("domain", "evil.com"),
    ("domain", "xn--bcher-kva.example"),
    ("url", "https://links.example/abc/"),
    ("url", "noscheme.example/x"),
    ("ip", "203.0.113.7"),
    ("ip", "2001:db8::1"),
    ("email", "Attacker@Mail.example"),
    ("process", "bh"),
    ("process", "com.apple.Spyware-agentd"),
    ("file_path", "/private/var/db/com.apple.xpc.roleaccountd.staging"),
    ("file_path", "/var/tmp/evil"),
    ("file_path", "Library/Preferences/com.example.tracker.plist"),
    ("file_name", "roleaccountd.plist"),
    ("file_hash", "D41D8CD98F00B204E9800998ECF8427E"),
    ("app_id", "com.spy.app"),
    ("cert_hash", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"),
    ("android_property", "sys.brand.note"),
    ("profile_id", "76dab334-7e17-475d-a5d6-0794eb5818a5"),
]


@pytest.fixture(scope="module")
def index() -> IndicatorIndex:
    built = IndicatorIndex()
    for kind, raw in INDICATORS:
        key = key_of(kind, raw)
        assert key is not None, raw
        built.add(key[0], key[1], raw, f"{kind}:value", ORIGIN)
    return built


def hits(index: IndicatorIndex, kind: str, value: str) -> list[str]:
    return [m.indicator.raw for m in index.match(Observable(kind, value))]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        # domain: equal or a subdomain at a label boundary, case, trailing dot, IDNA
        ("domain", "evil.com", "evil.com"),
        ("domain", "a.b.EVIL.com.", "evil.com"),
        ("domain", "bücher.example", "xn--bcher-kva.example"),
        ("url", "https://cdn.evil.com:8443/path?q=1", "evil.com"),
        ("url", "evil.com/landing", "evil.com"),
        # url: scheme and host case, default port, trailing slash
        ("url", "HTTPS://LINKS.example:443/abc", "https://links.example/abc/"),
        ("url", "https://links.example/abc", "https://links.example/abc/"),
        ("url", "http://noscheme.example/x", "noscheme.example/x"),
        ("url", "noscheme.example/x/", "noscheme.example/x"),
        # ip: exact, also as a URL host
        ("ip", "203.0.113.7", "203.0.113.7"),
        ("url", "http://203.0.113.7/x", "203.0.113.7"),
        ("ip", "2001:0db8:0:0::1", "2001:db8::1"),
        ("url", "http://[2001:db8::1]:8080/", "2001:db8::1"),
        ("ip", "::ffff:203.0.113.7", "203.0.113.7"),
        # email: case-insensitive
        ("email", "attacker@mail.EXAMPLE", "Attacker@Mail.example"),
        ("email", "mailto:attacker@mail.example", "Attacker@Mail.example"),
        # process: equal
        ("process", "bh", "bh"),
        # file path: equal, under at a / boundary, /var spelled either way, UUID suffix dropped
        (
            "file_path",
            "/private/var/db/com.apple.xpc.roleaccountd.staging",
            "/private/var/db/com.apple.xpc.roleaccountd.staging",
        ),
        (
            "file_path",
            "/private/var/db/com.apple.xpc.roleaccountd.staging/com.apple.WebKit.Networking.xpc",
            "/private/var/db/com.apple.xpc.roleaccountd.staging",
        ),
        (
            "file_path",
            "/private/var/tmp/evil/0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
            "/var/tmp/evil",
        ),
        (
            "file_path",
            "/var/db/com.apple.xpc.roleaccountd.staging/x",
            "/private/var/db/com.apple.xpc.roleaccountd.staging",
        ),
        (
            "file_path",
            "/private/var/mobile/Library/Preferences/com.example.tracker.plist",
            "Library/Preferences/com.example.tracker.plist",
        ),
        # file name: last component
        ("file_name", "roleaccountd.plist", "roleaccountd.plist"),
        ("file_path", "/private/var/root/Library/roleaccountd.plist", "roleaccountd.plist"),
        # the name is the last component with the spaces at its end dropped, as file:name's
        ("file_path", "/private/var/root/Library/roleaccountd.plist /", "roleaccountd.plist"),
        # hashes: case-insensitive hex, colons dropped for certificates
        ("file_hash", "d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E"),
        (
            "cert_hash",
            "abcdef0123456789abcdef0123456789abcdef01",
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
        ),
        ("app_id", "com.spy.app", "com.spy.app"),
        ("android_property", "sys.brand.note", "sys.brand.note"),
        (
            "profile_id",
            "76DAB334-7E17-475D-A5D6-0794EB5818A5",
            "76dab334-7e17-475d-a5d6-0794eb5818a5",
        ),
    ],
)
def test_matches(index, kind, value, expected):
    assert hits(index, kind, value) == [expected]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("domain", "notevil.com"),
        ("domain", "evil.com.attacker.net"),
        ("domain", "evil.co"),
        ("domain", "com"),
        ("url", "https://notevil.com/evil.com"),
        ("url", "https://example.org/?next=evil.com"),
        ("url", "https://links.example/abcd"),
        ("url", "https://links.example/abc/more"),
        ("url", "ftp://noscheme.example/x"),
        ("ip", "203.0.113.70"),
        ("ip", "3.0.113.7"),
        ("url", "http://203.0.113.70/"),
        ("email", "attacker@mail.example.org"),
        ("email", "xattacker@mail.example"),
        ("process", "bhx"),
        ("process", "Bh"),
        ("file_path", "/private/var/db/com.apple.xpc.roleaccountd.stagingX"),
        ("file_path", "/private/var/db"),
        ("file_path", "/private/var/mobile/OtherLibrary/Preferences/com.example.tracker.plist"),
        ("file_path", "/private/var/mobile/Library/Preferences/com.example.tracker.plist.bak"),
        ("file_name", "roleaccountd.plist.bak"),
        ("file_hash", "d41d8cd98f00b204e9800998ecf8427f"),
        ("app_id", "com.spy.app2"),
        ("app_id", "com.spy"),
        ("android_property", "sys.brand"),
        ("profile_id", "76DAB334-7E17-475D-A5D6-0794EB5818A6"),
        ("phone", "+15555550100"),
    ],
)
def test_does_not_match(index, kind, value):
    assert hits(index, kind, value) == []


LINKS = [
    "https://cdn.evil.com:8443/path?q=1",
    "evil.com/landing",
    "HTTPS://A.EVIL.COM./x#frag",
    "http://user@evil.com@bücher.example/x",
    "http://203.0.113.7/x",
    "http://[2001:db8::1]:8080/",
    "http://evil.com:80x/",
    "https://notevil.com/evil.com",
    "https://example.org/?next=evil.com",
    "ftp://[::ffff:203.0.113.7]",
    "https://",
]


@pytest.mark.parametrize("link", LINKS)
def test_without_url_indicators_a_link_is_matched_by_its_host_as_with_them(index, link):
    hosts_only = IndicatorIndex()
    for kind, raw in INDICATORS:
        if kind != "url":
            hosts_only.add(*key_of(kind, raw), raw, f"{kind}:value", ORIGIN)
    links = {raw for kind, raw in INDICATORS if kind == "url"}
    full = [raw for raw in hits(index, "url", link) if raw not in links]

    assert hits(hosts_only, "url", link) == full
    parts = normalize.url_and_host(link)
    assert normalize.url_host(link) == (parts[1] if parts else None)


@pytest.mark.parametrize(
    "link",
    [
        *LINKS,
        "https://links.example/abc",
        "https://links.example/other",
        "links.example/abc/",
        "http://noscheme.example/x",
        "https://noscheme.example/x/",
        "noscheme.example/y",
        "https://sub.links.example/abc",
    ],
)
def test_a_link_matches_as_fully_normalised_whether_or_not_its_host_has_url_indicators(index, link):
    # Only links on a URL indicator's host are normalised whole; the rest go by their host.
    whole = [m.indicator.raw for m in index._match_uncached("url", link)]
    assert hits(index, "url", link) == whole


def test_a_url_indicator_added_after_lookups_is_matched():
    index = IndicatorIndex()
    index.add(*key_of("url", "https://a.example/x"), "https://a.example/x", "url:value", ORIGIN)
    assert hits(index, "url", "https://b.example/x") == []

    index.add(*key_of("url", "https://b.example/x"), "https://b.example/x", "url:value", ORIGIN)

    assert hits(index, "url", "https://b.example/x") == ["https://b.example/x"]


def test_truncated_process_name_is_a_weak_match(index):
    [match] = index.match(Observable("process", "com.apple.Spywa"))  # 15 characters
    assert match.weak and match.indicator.raw == "com.apple.Spyware-agentd"
    [match] = index.match(Observable("process", "com.apple.Spywar"))  # 16 characters
    assert match.weak
    assert not index.match(Observable("process", "com.apple.Spyw"))  # 14: not a truncation


def test_same_value_in_two_feeds_gives_both(index):
    other = Origin("other feed", "Spyware", "other.txt", "11" * 32)
    two = IndicatorIndex()
    two.add("domain", "evil.com", "evil.com", "domain-name:value", ORIGIN)
    two.add("domain", "evil.com", "evil.com", "domain-name:value", other)
    assert two.add("domain", "evil.com", "evil.com", "domain-name:value", other) is False
    assert [m.indicator.origin.feed for m in two.match(Observable("domain", "evil.com"))] == [
        "test feed",
        "other feed",
    ]


def test_lookup_cost_does_not_depend_on_indicator_count():
    # Counted in dictionary probes, not seconds: a domain with N labels costs N lookups.
    small, large = IndicatorIndex(), IndicatorIndex()
    small.add("domain", "evil.com", "evil.com", "domain-name:value", ORIGIN)
    for i in range(20000):
        large.add("domain", f"host{i}.com", f"host{i}.com", "domain-name:value", ORIGIN)
    probes = []
    for built in (small, large):
        table = built._tables["domain"]
        counting = _CountingDict(table)
        built._tables["domain"] = counting
        built.match(Observable("domain", "a.b.c.example.org"))
        probes.append(counting.probes)
    assert probes[0] == probes[1] == 5


class _CountingDict(dict):
    def __init__(self, data):
        super().__init__(data)
        self.probes = 0

    def __contains__(self, key):
        self.probes += 1
        return super().__contains__(key)

    def get(self, key, default=None):
        self.probes += 1
        return super().get(key, default)


def test_or_joined_pattern_matches_each_value_and_keeps_the_pattern(tmp_path):
    pattern = "[domain-name:value='one.example' OR domain-name:value='two.example']"
    path = tmp_path / "or.stix2"
    path.write_text(
        json.dumps(
            {
                "type": "bundle",
                "objects": [{"type": "indicator", "id": "indicator--1", "pattern": pattern}],
            }
        )
    )
    feeds = load_feeds([path])
    [match] = feeds.index.match(Observable("domain", "two.example"))
    assert match.indicator.pattern == pattern


def test_an_indicator_added_after_lookups_is_matched():
    index = IndicatorIndex()
    index.add("domain", "evil.com", "evil.com", "domain:evil.com", ORIGIN)
    assert hits(index, "email", "spy@mail.example") == []
    assert hits(index, "domain", "other.example") == []

    index.add("email", "spy@mail.example", "spy@mail.example", "email:x", ORIGIN)
    index.add("domain", "other.example", "other.example", "domain:y", ORIGIN)

    assert hits(index, "email", "spy@mail.example") == ["spy@mail.example"]
    assert hits(index, "domain", "other.example") == ["other.example"]


def _file_path_hits_by_walking(paths: set[str], path: str) -> list[str]:
    """DESIGN.md's rule spelled out: equal, under at a / boundary, or (relative indicators)
    the end of the path after a / that is not its first character; longest first each."""
    under = [f for f in paths if f.startswith("/") and (path == f or path.startswith(f + "/"))]
    ends = [
        r
        for r in paths
        if not r.startswith("/") and path.endswith("/" + r) and len(path) > len(r) + 1
    ]
    return sorted(under, key=len, reverse=True) + sorted(ends, key=len, reverse=True)


def test_file_paths_match_as_a_walk_of_every_folder_and_tail_would(index):
    import random

    folders = ["/private/var/mobile", "/private/var/db", "/data/local/tmp", "/sdcard/Download"]
    names = ["a.plist", "b", "tracker.plist", "com.example.tracker.plist", "x.apk"]
    indicators = {
        "/private/var/mobile/Library",
        "/private/var/db/x",
        "/data/local/tmp",
        "Library/Preferences/com.example.tracker.plist",
        "Preferences/com.example.tracker.plist",
        "b",
        "tmp/x.apk",
    }
    built = IndicatorIndex()
    for raw in sorted(indicators):
        built.add("file_path", raw, raw, "file:path", ORIGIN)
    chooser = random.Random(7)
    for _ in range(400):
        middle = "/".join(chooser.choice(["Library", "Preferences", "x", "tmp", "Caches"])
                          for _ in range(chooser.randrange(0, 4)))  # fmt: skip
        path = "/".join(p for p in (chooser.choice(folders), middle, chooser.choice(names)) if p)

        hits = [m.indicator.raw for m in built.match(Observable("file_path", path))]

        assert hits == _file_path_hits_by_walking(indicators, path), path
