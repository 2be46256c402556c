"""Scenario clean twins: the same acquisition without its traces gives no indicator finding and
none of the heuristics the infected one plants (the infected ones: tests/test_selftest.py)."""

import pytest

from spytrace import api
from spytrace.model import FindingKind, Severity
from spytrace.testkit import scenarios

TWINS = {
    "ios_backup": lambda d, infected: scenarios.pegasus_backup(d, infected=infected, messages=30),
    "ios_fs": lambda d, infected: scenarios.pegasus_fs(d, infected=infected, files=3),
    "ios_sysdiagnose": lambda d, infected: scenarios.pegasus_sysdiagnose(d, infected=infected),
    "android_bugreport": lambda d, infected: scenarios.stalkerware_bugreport(d, infected=infected),
    "android_androidqf": lambda d, infected: scenarios.stalkerware_androidqf(d, infected=infected),
    "android_backup": lambda d, infected: scenarios.stalkerware_adb_backup(
        d, infected=infected, password="pw", rounds=10
    ),
}


def scan(scenario, output, iocs):
    request = api.ScanRequest(scenario.path, output, password=scenario.password, use_cache=False)
    return api.scan_path(request, api.load_indicators(iocs, use_cache=False))


@pytest.mark.parametrize("kind", TWINS)
def test_the_clean_twin_holds_no_planted_trace(tmp_path, kind, shared_iocs):
    infected = TWINS[kind](tmp_path / "infected", True)
    clean = TWINS[kind](tmp_path / "clean", False)

    detected, result = scan(clean, tmp_path / "out", [clean.indicators, shared_iocs])

    assert detected.type == kind
    assert clean.planted == ()
    assert [f for f in result.findings if f.kind is FindingKind.IOC] == []
    planted_rules = {p.value for p in infected.planted if p.kind == "heuristic"}
    # A clean phone a few releases behind still earns a low "outdated" note.
    serious = {f.rule for f in result.findings if f.severity.at_least(Severity.MEDIUM)}
    assert not planted_rules & serious


def test_holding_plants_each_kind_where_a_phone_keeps_it(tmp_path):
    values = [("domain", "evil.example"), ("email", "a@evil.example"), ("process", "implantd"),
              ("file_hash", "ab" * 32), ("app_id", "org.evil.spy"),
              ("android_property", "persist.evil")]  # fmt: skip

    ios, android = scenarios.holding(tmp_path, values)

    assert (ios / "Manifest.db").is_file()
    assert (android / "files.json").read_text().count("ab" * 32) == 1
    assert "org.evil.spy" in (android / "packages.json").read_text()
    assert "[persist.evil]: [1]" in (android / "getprop.txt").read_text()
    with pytest.raises(ValueError, match="phone"):
        scenarios.holding(tmp_path / "x", [("phone", "+15550000000")])
