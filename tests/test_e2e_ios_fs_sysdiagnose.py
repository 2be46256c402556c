"""Filesystem dumps and sysdiagnose archives end to end through the command line."""

import json
from datetime import UTC, datetime

from spytrace.testkit.ios_comms import SmsDb, cocoa_nanos
from spytrace.testkit.ios_fs import FsDump
from spytrace.testkit.scenarios import EXPLOIT_DOMAIN, write_indicators
from spytrace.testkit.sysdiagnose import Reboot, Sysdiagnose
from tests.cli_helpers import spytrace

REBOOT = datetime(2024, 3, 2, 6, 30, tzinfo=UTC)


def findings(output):
    return json.loads((output / "findings.json").read_text())


def test_filesystem_dump_runs_backup_parsers_on_device_paths(tmp_path):
    sms = SmsDb(tmp_path / "parts", logical_path="private/var/mobile/Library/SMS/sms.db")
    friend = sms.add_handle("+15555550123")
    sms.add_message(handle_id=friend, text=f"https://{EXPLOIT_DOMAIN}/x", date=cocoa_nanos(REBOOT))
    dump = FsDump(tmp_path, with_private=False)
    dump.place("private/var/mobile/Library/SMS/sms.db", sms.build())
    dump.add(
        "private/var/db/com.apple.xpc.roleaccountd.staging/bh", b"\xcf\xfa\xed\xfe", mode=0o755
    )
    archive = dump.tar("dump.tar.gz", "w:gz")
    indicators = write_indicators(tmp_path / "iocs.stix2")

    result = spytrace("scan", archive, "-o", tmp_path / "out", "--iocs", indicators, home=tmp_path)

    assert result.returncode == 1, result.stderr
    document = findings(tmp_path / "out")
    assert document["acquisition"]["type"] == "ios_fs"
    hits = {
        (f["artifact"], f["indicator"]["value"]) for f in document["findings"] if f["kind"] == "ioc"
    }
    assert ("sms", EXPLOIT_DOMAIN) in hits
    # A file named like a Pegasus process, in a folder iOS apps never run from.
    assert ("filesystem", "bh") in hits
    assert any(
        f.get("rule") == "crash_unusual_path" and "/private/var/db/" in f["message"]
        for f in document["findings"]
    )
    assert document["coverage"]["sms"]["files"] == ["private/var/mobile/Library/SMS/sms.db"]
    for name in ("timeline.csv", "timeline.jsonl", "coverage.json", "custody.json"):
        assert (tmp_path / "out" / name).is_file()


def test_sysdiagnose_names_the_process_that_delayed_the_reboot(tmp_path):
    diag = Sysdiagnose(tmp_path).standard()
    diag.shutdown_log(
        [Reboot(REBOOT, [[(412, "/private/var/db/com.apple.xpc.roleaccountd.staging/subridged")]])],
        name="shutdown.0.log",
    )
    archive = diag.build_tar()

    result = spytrace("scan", archive, "-o", tmp_path / "out", home=tmp_path)  # heuristics only

    document = findings(tmp_path / "out")
    assert document["acquisition"]["type"] == "ios_sysdiagnose"
    sticky = [f for f in document["findings"] if f.get("rule") == "shutdown_sticky_process"]
    assert sticky, document["findings"]
    assert "subridged" in sticky[0]["message"]
    assert sticky[0]["severity"] == "high"
    assert sticky[0]["time"].startswith("2024-03-02")
    assert result.returncode == 1
    assert document["coverage"]["logarchive"]["status"] in ("partial", "unreadable")


def test_a_clean_sysdiagnose_gives_nothing_above_low(tmp_path):
    archive = Sysdiagnose(tmp_path).standard().build_tar()
    result = spytrace(
        "scan",
        archive,
        "-o",
        tmp_path / "out",
        "--iocs",
        write_indicators(tmp_path / "i.stix2"),
        home=tmp_path,
    )
    document = findings(tmp_path / "out")
    assert [f for f in document["findings"] if f["severity"] not in ("low", "info")] == []
    assert result.returncode == 0
