"""iOS backups end to end through the command line: every planted trace, and nothing else."""

import hashlib
import json
import shutil
import zipfile

import pytest

from spytrace.testkit.scenarios import pegasus_backup
from tests.cli_helpers import spytrace

PASSWORD = "correct horse battery"


# fileID of HomeDomain/Library/SMS/sms.db: SHA-1 of "HomeDomain-Library/SMS/sms.db".
SMS_FILE_ID = "3d0d7e5fb2ce288813306e4d4636395e047a3d28"


def findings_of(output):
    return json.loads((output / "findings.json").read_text())


def assert_every_planted_trace_found(scenario, document):
    for planted in scenario.planted:
        hits = [
            f
            for f in document["findings"]
            if f["artifact"] == planted.artifact
            and f["kind"] == planted.kind
            and (
                f.get("rule") == planted.value
                if planted.kind == "heuristic"
                else f["indicator"]["value"] == planted.value
            )
        ]
        assert hits, planted
        for hit in hits:
            assert hit["evidence"]["locator"], hit
            assert len(hit["evidence"]["sha256"]) == 64, hit
            if planted.kind == "ioc":
                assert hit["indicator"]["malware"] == planted.malware


@pytest.fixture(scope="module")
def infected(tmp_path_factory):
    return pegasus_backup(tmp_path_factory.mktemp("plain"), messages=3000, link_every=1000)


def test_plain_backup_every_trace_found_with_evidence(infected, tmp_path):
    result = spytrace(
        "scan", infected.path, "-o", tmp_path / "out", "--iocs", infected.indicators, home=tmp_path
    )
    assert result.returncode == 1, result.stderr
    document = findings_of(tmp_path / "out")
    assert_every_planted_trace_found(infected, document)
    sms_links = [
        f
        for f in document["findings"]
        if f["artifact"] == "sms" and f["observable"]["kind"] == "url"
    ]
    assert len(sms_links) == 3
    assert {f["evidence"]["file"] for f in sms_links} == {"HomeDomain/Library/SMS/sms.db"}
    assert all(f["evidence"]["locator"].startswith("message.ROWID=") for f in sms_links)
    # Chain of custody: sms.db, read in place, hashed by its run, as the backup stores it.
    custody = json.loads((tmp_path / "out" / "custody.json").read_text())
    stored = hashlib.sha256((infected.path / "3d" / SMS_FILE_ID).read_bytes()).hexdigest()
    assert {"file": "HomeDomain/Library/SMS/sms.db", "sha256": stored} in custody["files_read"]
    assert {f["evidence"]["sha256"] for f in sms_links} == {stored}
    device = document["acquisition"]["device"]
    assert device["product_version"] == "14.6" and device["build_version"] == "18G69"
    assert document["coverage"]["sms"]["status"] == "parsed"
    assert document["coverage"]["manifest"]["records"] >= 6  # every file and folder row


def test_encrypted_backup_with_password_from_environment(tmp_path):
    scenario = pegasus_backup(tmp_path / "enc", password=PASSWORD)
    result = spytrace(
        "scan",
        scenario.path,
        "-o",
        tmp_path / "out",
        "--iocs",
        scenario.indicators,
        home=tmp_path,
        env={"SPYTRACE_BACKUP_PASSWORD": PASSWORD},
    )
    assert result.returncode == 1, result.stderr
    assert_every_planted_trace_found(scenario, findings_of(tmp_path / "out"))


def test_encrypted_backup_with_password_file_in_a_zip(tmp_path):
    scenario = pegasus_backup(tmp_path / "enc", password=PASSWORD)
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in scenario.path.rglob("*"):
            zf.write(path, path.relative_to(scenario.path.parent))
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n")
    result = spytrace(
        "scan",
        archive,
        "-o",
        tmp_path / "out",
        "--iocs",
        scenario.indicators,
        "--password-file",
        secret,
        home=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    document = findings_of(tmp_path / "out")
    assert_every_planted_trace_found(scenario, document)
    assert document["acquisition"]["sha256"] != ""


def test_wrong_password_is_one_line_exit_2_and_nothing_parsed(tmp_path):
    scenario = pegasus_backup(tmp_path / "enc", password=PASSWORD)
    result = spytrace(
        "scan",
        scenario.path,
        "-o",
        tmp_path / "out",
        "--iocs",
        scenario.indicators,
        home=tmp_path,
        env={"SPYTRACE_BACKUP_PASSWORD": "wrong"},
    )
    assert result.returncode == 2
    assert "password" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "findings.json").exists()


def test_missing_password_without_a_terminal_says_how_to_give_it(tmp_path):
    scenario = pegasus_backup(tmp_path / "enc", password=PASSWORD)
    result = spytrace(
        "scan",
        scenario.path,
        "-o",
        tmp_path / "out",
        "--iocs",
        scenario.indicators,
        home=tmp_path,
        input="",
    )
    assert result.returncode == 2
    assert "--password-file" in result.stderr


def test_clean_twin_gives_no_indicator_finding_with_every_shared_feed(tmp_path, shared_iocs):
    clean = pegasus_backup(tmp_path / "clean", infected=False, messages=500)
    result = spytrace(
        "scan", clean.path, "-o", tmp_path / "out", "--iocs", shared_iocs, home=tmp_path
    )
    document = findings_of(tmp_path / "out")
    assert [f for f in document["findings"] if f["kind"] == "ioc"] == []
    assert result.returncode == 0, document["findings"]


def test_scan_into_a_non_empty_folder_needs_force(infected, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    refused = spytrace(
        "scan", infected.path, "-o", tmp_path / "out", "--iocs", infected.indicators, home=tmp_path
    )
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = spytrace(
        "scan",
        infected.path,
        "-o",
        tmp_path / "out",
        "--iocs",
        infected.indicators,
        "--force",
        home=tmp_path,
    )
    assert forced.returncode == 1
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_the_evidence_is_not_written_to(infected, tmp_path):
    before = {
        p: (p.stat().st_mtime_ns, p.read_bytes()) for p in infected.path.rglob("*") if p.is_file()
    }
    spytrace(
        "scan", infected.path, "-o", tmp_path / "out", "--iocs", infected.indicators, home=tmp_path
    )
    after = {
        p: (p.stat().st_mtime_ns, p.read_bytes()) for p in infected.path.rglob("*") if p.is_file()
    }
    assert before == after


def test_mobilesync_parent_with_two_backups_lists_them(infected, tmp_path):
    parent = tmp_path / "Backup"
    parent.mkdir()
    shutil.copytree(infected.path, parent / infected.path.name)
    other = pegasus_backup(tmp_path / "second", infected=False, udid="00008030-000A11112222802E")
    shutil.copytree(other.path, parent / other.path.name)
    result = spytrace(
        "scan", parent, "-o", tmp_path / "out", "--iocs", infected.indicators, home=tmp_path
    )
    assert result.returncode == 2
    assert "holds 2 backups; choose one with --device UDID" in result.stderr
    assert "00008030-000A11112222802E" in result.stderr and infected.path.name in result.stderr


def test_log_json_prints_a_machine_summary(infected, tmp_path):
    result = spytrace(
        "scan",
        infected.path,
        "-o",
        tmp_path / "out",
        "--iocs",
        infected.indicators,
        "--log-json",
        home=tmp_path,
    )
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 1 and summary["acquisition"] == "ios_backup"
    assert summary["verdict"].startswith("Traces matching Pegasus, Predator indicators")


def test_mobilesync_parent_scans_the_backup_named_by_device(infected, tmp_path):
    parent = tmp_path / "Backup"
    parent.mkdir()
    shutil.copytree(infected.path, parent / infected.path.name)
    other = pegasus_backup(tmp_path / "second", infected=False, udid="00008030-000A11112222802E")
    shutil.copytree(other.path, parent / other.path.name)
    result = spytrace(
        "scan",
        parent,
        "-o",
        tmp_path / "out",
        "--iocs",
        infected.indicators,
        "--device",
        infected.path.name,
        home=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert findings_of(tmp_path / "out")["acquisition"]["device"]["udid"] == infected.path.name


def test_decrypt_backup_then_scan_the_plain_copy(tmp_path):
    scenario = pegasus_backup(tmp_path / "enc", password=PASSWORD)
    decrypted = spytrace(
        "decrypt-backup",
        scenario.path,
        tmp_path / "plain",
        home=tmp_path,
        env={"SPYTRACE_BACKUP_PASSWORD": PASSWORD},
    )
    assert decrypted.returncode == 0, decrypted.stderr
    assert "Decrypted" in decrypted.stdout
    scanned = spytrace(
        "scan",
        tmp_path / "plain",
        "-o",
        tmp_path / "out",
        "--iocs",
        scenario.indicators,
        home=tmp_path,
    )
    assert scanned.returncode == 1
    assert_every_planted_trace_found(scenario, findings_of(tmp_path / "out"))


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "empty"])
def test_a_damaged_database_is_unreadable_in_coverage_and_the_scan_goes_on(tmp_path, damage):
    from spytrace.testkit.ios_backup import BackupBuilder
    from spytrace.testkit.ios_comms import SmsDb
    from spytrace.testkit.ios_system import DataUsageDb

    sms = SmsDb(tmp_path / "parts").build()
    data = sms.path.read_bytes()
    broken = {
        "corrupt": data[:100] + b"\xff" * 4000 + data[4100:],
        "truncated": data[: len(data) // 3],
        "empty": b"",
    }[damage]
    usage = DataUsageDb(tmp_path / "parts")
    usage.add_process("bh")
    builder = BackupBuilder(tmp_path / "b")
    builder.add_file("HomeDomain", "Library/SMS/sms.db", broken)
    builder.add_evidence(usage.build())
    (tmp_path / "processes.txt").write_text("bh\n")
    result = spytrace(
        "scan",
        builder.build(),
        "-o",
        tmp_path / "out",
        "--iocs",
        tmp_path / "processes.txt",
        home=tmp_path,
    )
    document = findings_of(tmp_path / "out")
    sms_cover = document["coverage"]["sms"]
    assert sms_cover["status"] in ("unreadable", "partial"), sms_cover
    assert sms_cover["reasons"] and "sms.db" in sms_cover["reasons"][0]
    assert document["coverage"]["datausage"]["status"] == "parsed"
    assert any(f["artifact"] == "datausage" for f in document["findings"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
