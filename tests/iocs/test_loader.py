"""Loader counts on the real public feeds, one test per quirk their README lists."""

import json
from pathlib import Path

import pytest

from spytrace.iocs.loader import load_feeds
from spytrace.model import Observable

STIX_FILES = [
    "amnesty/2021-07-18_nso/pegasus.stix2",
    "amnesty/2021-12-16_cytrox/cytrox.stix2",
    "amnesty/2023-03-29_android_campaign/malware.stix2",
    "amnesty/2024-05-02_wintego_helios/wintego_helios.stix2",
    "amnesty/2024-12-16_serbia_novispy/novispy.stix2",
    "mvt-indicators/2022-06-23_rcs_lab/rcs.stix2",
    "mvt-indicators/2023-04-11_quadream/kingspawn.stix2",
    "mvt-indicators/2023-06_01_operation_triangulation/operation_triangulation.stix2",
    "mvt-indicators/2023-07-25_wyrmspy_dragonegg/wyrmspy_dragonegg.stix2",
    "mvt-indicators/2024-12-25_eaglemsgspy/eaglemsgspy.stix2",
    "mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2",
    "mvt-indicators/2026-03-30_darksword/darksword.stix2",
    "mvt-indicators/ResidentBat/residentbat.stix2",
    "mvt-indicators/candiru/candiru.stix2",
    "mvt-indicators/cellebrite/cellebrite.stix2",
    "mvt-indicators/intellexa_predator/predator.stix2",
]


def _one(path: Path):
    feeds = load_feeds([path])
    [feed] = feeds.files
    return feeds, feed


def test_pegasus_counts_by_kind(shared_iocs):
    feeds, feed = _one(shared_iocs / "amnesty/2021-07-18_nso/pegasus.stix2")
    assert feed.count == 1549
    assert feed.kinds == {"domain": 1438, "email": 29, "file_name": 1, "process": 81}
    assert feed.unsupported == () and feed.duplicates == 0
    assert {
        i.origin.malware
        for m in [feeds.index.match(Observable("process", "bh"))]
        for i in [m[0].indicator]
    } == {"Pegasus"}


def test_cytrox_counts_by_kind(shared_iocs):
    _, feed = _one(shared_iocs / "amnesty/2021-12-16_cytrox/cytrox.stix2")
    assert feed.count == 343
    assert feed.kinds == {"domain": 336, "file_path": 6, "profile_id": 1}


@pytest.mark.parametrize("relative", STIX_FILES)
def test_every_shared_stix_file_loads_every_indicator(shared_iocs, relative):
    path = shared_iocs / relative
    bundle = json.loads(path.read_text())
    patterns = {o["pattern"] for o in bundle["objects"] if o["type"] == "indicator"}
    _, feed = _one(path)
    assert feed.error is None
    assert feed.unsupported == ()
    assert feed.count + feed.duplicates == len(patterns)


def test_sha_256_quoted_hash_key_is_a_file_hash(shared_iocs):
    feeds, feed = _one(shared_iocs / "mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2")
    assert feed.kinds["file_hash"] == 20
    sha = "05B5E4070B3B8A130B12EA96C5526B4615FCAE121BB802B1A10C3A7A70F39901"
    [match] = feeds.index.match(Observable("file_hash", sha))
    assert match.indicator.path == "file:hashes.SHA-256"
    assert match.indicator.pattern == f"[file:hashes.'SHA-256'='{sha.lower()}']"


def test_domain_indicator_holding_a_path_becomes_a_url(shared_iocs):
    feeds, feed = _one(shared_iocs / "mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2")
    assert feed.kinds["url"] == 1
    assert feeds.index.match(Observable("url", "https://fgr1w2gnsdvsb.xyz/x"))
    assert not feeds.index.match(Observable("url", "https://fgr1w2gnsdvsb.xyz/y"))


def test_indicator_not_linked_to_malware_takes_the_bundles_only_malware(tmp_path):
    bundle = {
        "type": "bundle",
        "id": "bundle--1",
        "objects": [
            {"type": "malware", "id": "malware--1", "name": "Predator", "is_family": False},
            {
                "type": "indicator",
                "id": "indicator--1",
                "pattern": "[domain-name:value='a.com']",
                "pattern_type": "stix",
            },
        ],
    }
    path = tmp_path / "x.stix2"
    path.write_text(json.dumps(bundle))
    feeds, _ = _one(path)
    [match] = feeds.index.match(Observable("domain", "a.com"))
    assert match.indicator.origin.malware == "Predator"


def test_indicator_with_no_malware_at_all_takes_the_folder_name(tmp_path):
    folder = tmp_path / "2024-01-01_campaign"
    folder.mkdir()
    (folder / "x.stix2").write_text(
        json.dumps(
            {
                "type": "bundle",
                "objects": [
                    {
                        "type": "indicator",
                        "id": "indicator--1",
                        "pattern": "[domain-name:value='a.com']",
                    }
                ],
            }
        )
    )
    feeds, _ = _one(folder / "x.stix2")
    [match] = feeds.index.match(Observable("domain", "a.com"))
    assert match.indicator.origin.malware == "2024-01-01_campaign"


def test_stix_2_0_bundle_without_pattern_type(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "type": "bundle",
                "spec_version": "2.0",
                "objects": [
                    {
                        "type": "indicator",
                        "id": "indicator--1",
                        "labels": ["malicious-activity"],
                        "pattern": "[ipv4-addr:value = '1.2.3.4']",
                    },
                    {"type": "malware", "id": "malware--1", "name": "X", "labels": ["spyware"]},
                    {
                        "type": "relationship",
                        "id": "relationship--1",
                        "relationship_type": "indicates",
                        "source_ref": "indicator--1",
                        "target_ref": "malware--1",
                    },
                ],
            }
        )
    )
    feeds, feed = _one(path)
    assert feed.count == 1 and feed.format == "stix2"
    assert feeds.index.match(Observable("ip", "1.2.3.4"))[0].indicator.origin.malware == "X"


def test_bad_indicators_cost_only_themselves(tmp_path):
    path = tmp_path / "mixed.stix2"
    path.write_text(
        json.dumps(
            {
                "type": "bundle",
                "objects": [
                    {
                        "type": "indicator",
                        "id": "indicator--1",
                        "pattern": "[domain-name:value='ok.com']",
                    },
                    {
                        "type": "indicator",
                        "id": "indicator--2",
                        "pattern": "[domain-name:value='a' AND url:value='b']",
                    },
                    {
                        "type": "indicator",
                        "id": "indicator--3",
                        "pattern": "[ipv4-addr:value='999.1.1.1']",
                    },
                    {"type": "indicator", "id": "indicator--4", "pattern": "[x-custom:thing='v']"},
                    {
                        "type": "indicator",
                        "id": "indicator--5",
                        "pattern": "rule x { }",
                        "pattern_type": "yara",
                    },
                    {"type": "indicator", "id": "indicator--6"},
                    {
                        "type": "indicator",
                        "id": "indicator--7",
                        "name": ["not", "a", "string"],
                        "pattern": "[domain-name:value='still-ok.com']",
                    },
                ],
            }
        )
    )
    _, feed = _one(path)
    assert feed.count == 2
    reasons = sorted(u.reason for u in feed.unsupported)
    assert len(reasons) == 5
    assert any("AND" in r for r in reasons)
    assert any("not a valid ip" in r for r in reasons)
    assert any("x-custom:thing" in r for r in reasons)
    assert any("yara" in r for r in reasons)
    assert any("without a pattern" in r for r in reasons)


def test_malformed_json_is_one_line_and_the_rest_loads(tmp_path):
    (tmp_path / "broken.stix2").write_text('{"type": "bundle", "objects": [')
    (tmp_path / "domains.txt").write_text("good.com\n")
    feeds = load_feeds([tmp_path])
    assert len(feeds.index) == 1
    [problem] = feeds.problems
    assert problem.startswith(str(tmp_path / "broken.stix2")) and "not valid JSON" in problem


def test_empty_list_file_is_reported_not_fatal(shared_iocs):
    feeds = load_feeds([shared_iocs / "mvt-indicators/ResidentBat"])
    empty = [f for f in feeds.files if f.file.endswith("domains.txt")]
    assert empty[0].count == 0 and empty[0].error == "no indicators in the file"
    assert len(feeds.index) > 0


def test_plain_lists_by_file_name(shared_iocs):
    feeds = load_feeds([shared_iocs / "amnesty/2021-07-18_nso"])
    counts = {Path(f.file).name: f.count for f in feeds.files}
    assert counts["processes.txt"] == 81
    assert counts["emails.txt"] == 29
    assert counts["v4_validation_domains.txt"] == 26
    # Lists borrow the malware name of the STIX bundle beside them.
    [match, *_] = feeds.index.match(Observable("domain", "baramije.net"))
    assert match.indicator.origin.malware == "Pegasus"


def test_csv_list_skips_its_header(shared_iocs):
    feeds, feed = _one(shared_iocs / "amnesty/2020-09-25_finfisher/sha256.csv")
    assert feed.count == 12
    assert feeds.index.match(
        Observable("file_hash", "1e9162cd0941557304a6a097dfaadf59f90bc8bbaa9879afe67b5ce0d1514be8")
    )


def test_comment_lines_are_skipped(tmp_path):
    (tmp_path / "domains.txt").write_text("# a comment\nevil.com\n\n  # another\n")
    _, feed = _one(tmp_path / "domains.txt")
    assert feed.count == 1


def test_echap_yaml_packages_certificates_websites_c2(shared_iocs):
    feeds, feed = _one(shared_iocs / "echap/ioc.yaml")
    assert feed.format == "echap" and feed.error is None
    # A few websites are listed with a path: they become URL indicators.
    assert set(feed.kinds) == {"app_id", "cert_hash", "domain", "ip", "url"}
    index = feeds.index
    assert (
        index.match(Observable("app_id", "com.ispyoo"))[0].indicator.origin.malware == "TheTruthSpy"
    )
    assert index.match(Observable("cert_hash", "31a6ececd97cf39bc4126b8745cd94a7c30bf81c"))
    assert index.match(Observable("domain", "api.copy9.com"))


def test_echap_samples_tie_apk_hashes_to_apps(shared_iocs):
    feeds, feed = _one(shared_iocs / "echap/samples.csv")
    assert feed.format == "echap-samples"
    [match] = feeds.index.match(
        Observable("file_hash", "2f3bc9ebe8c249f0416f5b0367f34b4b8f6aaa7d351dc5b4912fe2558491b6b7")
    )
    assert match.indicator.origin.malware == "1TopSpy"


def test_the_community_index_and_unknown_lists_are_skipped_with_a_reason(shared_iocs):
    feeds = load_feeds([shared_iocs / "mvt-indicators"])
    reasons = {Path(s.file).name: s.reason for s in feeds.skipped}
    assert "index of feeds" in reasons["indicators.yaml"]
    assert "does not say which kind" in reasons["indicators_yaml_entry.txt"]


def test_every_shared_feed_together(shared_iocs):
    feeds = load_feeds([shared_iocs])
    assert not feeds.problems or all("no indicators" in p for p in feeds.problems)
    assert all(f.unsupported == () for f in feeds.files)
    assert feeds.index.counts()["process"] == 83


def test_missing_path_is_named(tmp_path):
    feeds = load_feeds([tmp_path / "nope"])
    assert [s.reason for s in feeds.skipped] == ["no such file or folder"]
    assert not feeds.usable


def test_compiled_index_cache_is_reused_and_keyed_by_content(shared_iocs, tmp_path):
    feed = tmp_path / "feeds"
    feed.mkdir()
    (feed / "domains.txt").write_text("a.com\n")
    cache = tmp_path / "cache"
    first = load_feeds([feed], cache_dir=cache)
    [entry] = list(cache.glob("index-*.bin"))
    assert entry.stat().st_mode & 0o777 == 0o600
    again = load_feeds([feed], cache_dir=cache)
    assert [f.sha256 for f in again.files] == [f.sha256 for f in first.files]
    assert again.index.match(Observable("domain", "x.a.com"))
    (feed / "domains.txt").write_text("b.com\n")
    changed = load_feeds([feed], cache_dir=cache)
    assert changed.index.match(Observable("domain", "b.com"))
    assert not changed.index.match(Observable("domain", "a.com"))


def test_report_object_refs_name_indicators_without_a_relationship(tmp_path):
    path = tmp_path / "report.stix2"
    path.write_text(
        json.dumps(
            {
                "type": "bundle",
                "objects": [
                    {
                        "type": "report",
                        "id": "report--1",
                        "name": "Operation X",
                        "object_refs": ["indicator--1"],
                    },
                    {"type": "malware", "id": "malware--1", "name": "A"},
                    {"type": "malware", "id": "malware--2", "name": "B"},
                    {
                        "type": "indicator",
                        "id": "indicator--1",
                        "pattern": "[domain-name:value='a.com']",
                    },
                ],
            }
        )
    )
    feeds, _ = _one(path)
    [match] = feeds.index.match(Observable("domain", "a.com"))
    assert match.indicator.origin.malware == "Operation X"
