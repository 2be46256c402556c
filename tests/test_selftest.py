"""The self-test passes on a sound installation, and fails, saying where, when a stage is broken."""

import dataclasses

import pytest

from spytrace import selftest
from spytrace.catalog import ANDROID_ARTIFACTS, IOS_ARTIFACTS
from spytrace.iocs.loader import FeedSet, load_feeds
from spytrace.selftest import CASES, FAIL, OK, WARN, Case, Outcome, Report
from spytrace.testkit.scenarios import EXPLOIT_DOMAIN, Planted, pegasus_backup
from tests.cli_helpers import spytrace

STAGES = ("detect", "parse", "match", "heuristics", "outputs")
IOS_BACKUP = CASES[0]


def feed_folder(tmp_path):
    """Small plain lists of every kind, as Amnesty and mvt-indicators publish them."""
    folder = tmp_path / "feeds" / "campaign"
    folder.mkdir(parents=True)
    lists = {
        "domains.txt": "evil-cdn.example\nupdates.evil-cdn.example\n",
        "emails.txt": "attacker@evil-mail.example\n",
        "ips.txt": "203.0.113.77\n",
        "processes.txt": "fakeprocessd\n",
        "config_profiles.txt": "0C1D2E3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F\n",
        "file_paths.txt": "/private/var/tmp/implant.dylib\n",
        "file_names.txt": "implant.plist\n",
        "sha256.txt": "ab" * 32 + "\n",
        "package_names.txt": "org.evil.spy\n",
        "package_cert_hashes.txt": "cd" * 20 + "\n",
        "android_properties.txt": "persist.evil.flag\n",
    }
    for name, text in lists.items():
        (folder / name).write_text(text)
    return folder


def by_stage(report):
    return {(o.stage, o.subject): o for o in report.outcomes}


def failures(report):
    return [o for o in report.outcomes if o.status == FAIL]


def test_every_stage_fires_for_every_acquisition_type(tmp_path):
    report = selftest.run([feed_folder(tmp_path)], use_cache=False)

    assert report.ok, failures(report)
    outcomes = by_stage(report)
    assert [c.type for c in CASES] == ["ios_backup", "ios_backup", "ios_fs", "ios_sysdiagnose",
                                       "android_bugreport", "android_androidqf", "android_backup"]  # fmt: skip
    for case in CASES:
        assert [outcomes[(stage, case.label)].status for stage in STAGES] == [OK] * 5
    assert outcomes[("match", "ios_backup")].detail == (
        "8/8 planted indicators found (Pegasus, Predator)"
    )
    assert outcomes[("heuristics", "android_androidqf")].detail == (
        "android_sideloaded, android_tmp_files"
    )
    assert outcomes[("detect", "ios_fs")].detail == "tar of an iOS filesystem dump (file)"


def test_each_feed_matches_its_own_indicators_and_is_found_by_a_scan(tmp_path):
    report = selftest.run([feed_folder(tmp_path)], cases=(), use_cache=False)

    feeds = {o.subject: o for o in report.outcomes if o.stage == "feeds"}
    scans = {o.subject: o for o in report.outcomes if o.stage == "feed scan"}
    assert len(feeds) == len(scans) == 11
    assert feeds["campaign/domains.txt"].detail == "all 2 indicators match themselves"
    assert {o.status for o in [*feeds.values(), *scans.values()]} == {OK}
    assert scans["campaign/sha256.txt"].detail == "a planted file_hash found by a scan"
    assert sum(o.count for o in scans.values()) == 11  # one value of each kind per file


def test_a_catalog_without_sms_fails_parsing_and_matching(tmp_path):
    without_sms = {
        "ios": tuple(a for a in IOS_ARTIFACTS if a.name != "sms"),
        "android": ANDROID_ARTIFACTS,
    }

    report = selftest.run(
        [feed_folder(tmp_path)],
        cases=[IOS_BACKUP],
        artifacts_by_platform=without_sms,
        use_cache=False,
    )

    assert not report.ok
    outcomes = by_stage(report)
    assert outcomes[("parse", "ios_backup")].status == FAIL
    assert outcomes[("parse", "ios_backup")].detail == "no records: sms (not run)"
    assert outcomes[("match", "ios_backup")].status == FAIL
    assert outcomes[("match", "ios_backup")].detail == (
        f"{EXPLOIT_DOMAIN} in sms missed; ameliehaggart@gmail.com in sms missed"
    )
    assert outcomes[("detect", "ios_backup")].status == OK
    assert outcomes[("heuristics", "ios_backup")].status == OK


def test_a_heuristic_that_does_not_fire_fails(tmp_path):
    def build(directory):
        scenario = pegasus_backup(directory, messages=5, link_every=5)
        extra = Planted("sms", "heuristic", "sms_threat_notification")
        return dataclasses.replace(scenario, planted=(*scenario.planted, extra))

    report = selftest.run(
        [feed_folder(tmp_path)], cases=[Case("threat", "ios_backup", build)], use_cache=False
    )

    outcome = by_stage(report)[("heuristics", "threat")]
    assert outcome.status == FAIL
    assert outcome.detail == "did not fire: sms_threat_notification on sms"


def test_an_acquisition_detected_as_another_type_fails(tmp_path):
    case = dataclasses.replace(IOS_BACKUP, label="misnamed", type="android_backup")

    report = selftest.run([feed_folder(tmp_path)], cases=[case], use_cache=False)

    outcome = by_stage(report)[("detect", "misnamed")]
    assert (outcome.status, outcome.detail) == (FAIL, "detected as ios_backup, not android_backup")


def test_a_platform_whose_acquisitions_plant_no_heuristic_fails(tmp_path):
    def build(directory):
        scenario = pegasus_backup(directory, messages=5, link_every=5)
        return dataclasses.replace(
            scenario, planted=tuple(p for p in scenario.planted if p.kind == "ioc")
        )

    report = selftest.run(
        [feed_folder(tmp_path)], cases=[Case("iocs only", "ios_backup", build)], use_cache=False
    )

    assert by_stage(report)[("heuristics", "ios")] == Outcome(
        "heuristics", "ios", FAIL, "no acquisition plants one"
    )


def test_an_index_that_misses_a_feed_s_own_values_fails(tmp_path):
    own = tmp_path / "a" / "domains.txt"
    own.parent.mkdir()
    own.write_text("evil-cdn.example\nother-evil.example\n")
    other = tmp_path / "b" / "domains.txt"
    other.parent.mkdir()
    other.write_text("unrelated.example\n")
    a, b = load_feeds([own]), load_feeds([other])

    [outcome] = selftest.feed_outcomes(FeedSet(a.files, (), b.index))

    assert outcome.status == FAIL
    assert outcome.detail == (
        "2 of its 2 indicators do not match: evil-cdn.example, other-evil.example"
    )


def test_an_empty_feed_file_or_no_feeds_at_all_warn_a_missing_path_fails(tmp_path, monkeypatch):
    empty = tmp_path / "x" / "domains.txt"
    empty.parent.mkdir()
    empty.write_text("")
    [outcome] = selftest.feed_outcomes(load_feeds([empty]))
    assert (outcome.status, outcome.detail) == (WARN, "no indicators in the file")

    [missing, warning] = selftest.run([tmp_path / "typo"], cases=(), use_cache=False).outcomes
    assert (missing.status, missing.detail) == (FAIL, "no such file or folder")
    assert warning.status == WARN

    monkeypatch.setenv("SPYTRACE_DATA_DIR", str(tmp_path / "nothing-installed"))
    report = selftest.run([], cases=(), use_cache=False)
    assert report.ok
    [warning] = report.outcomes
    assert (warning.stage, warning.status) == ("feeds", WARN)


def test_passing_feed_lines_are_summed_up_unless_verbose():
    outcomes = (
        Outcome("match", "ios_backup", OK, "8/8"),
        Outcome("feeds", "a/domains.txt", OK, "all 2 indicators match themselves", 2),
        Outcome("feeds", "a/emails.txt", FAIL, "1 of its 3 indicators do not match: x"),
        Outcome("feeds", "b/ips.txt", OK, "all 5 indicators match themselves", 5),
    )

    rows = selftest.condensed(outcomes)

    assert rows == [
        outcomes[0],
        Outcome("feeds", "2 feed files", OK, "7 indicators match themselves"),
        outcomes[2],
    ]
    assert selftest.table(Report(outcomes, 1.0), verbose=True).row_count == 4
    assert selftest.table(Report(outcomes, 1.0)).row_count == 3


@pytest.mark.parametrize("broken", [False, True])
def test_command_exit_code(tmp_path, broken):
    feeds = feed_folder(tmp_path)
    if broken:
        (feeds / "campaign.stix2").write_text('{"type": "bundle", "objects": [')  # unreadable
    result = spytrace("selftest", "--iocs", feeds, home=tmp_path)

    assert result.returncode == (1 if broken else 0), result.stdout + result.stderr
    assert ("FAILED" in result.stdout) is broken
    assert ("every stage fired" in result.stdout) is not broken
