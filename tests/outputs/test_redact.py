"""Redaction keeps the findings and what they cite, and removes what it promises to remove."""

import hashlib
import json
import stat

import pytest

from spytrace import api
from spytrace.outputs.redact import Masker, redact_scan
from spytrace.testkit.scenarios import ATTACKER_EMAIL, EXPLOIT_DOMAIN, pegasus_backup
from tests.cli_helpers import spytrace

FRIEND = "+15555550123"  # the scenario's correspondent: no finding is about them
OWNER_NUMBER = "+33 6 00 00 00 00"  # the device's own number, from Info.plist
IMEI = "356789104512345"
SERIAL = "F2LXK0TESTQ1"


def every_file(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def records(folder):
    out = {}
    for path in sorted((folder / "records").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            out[(row["artifact"], row["source"], row["locator"])] = row
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("redact")
    scenario = pegasus_backup(root / "acq", messages=300, link_every=100, visits=30)
    full = root / "full"
    api.scan_path(
        api.ScanRequest(
            path=scenario.path, output=full, iocs=[scenario.indicators], use_cache=False
        )
    )
    redacted = root / "redacted"
    summary = redact_scan(full, redacted)
    return root, full, redacted, summary


def test_only_the_findings_and_the_records_they_cite_are_kept(scanned):
    _, full, redacted, summary = scanned
    before = json.loads((full / "findings.json").read_text())
    after = json.loads((redacted / "findings.json").read_text())
    assert after["redacted"] is True
    assert [f["id"] for f in after["findings"]] == [f["id"] for f in before["findings"]]
    cited = {
        (f["artifact"], f["evidence"]["file"], f["evidence"]["locator"]) for f in before["findings"]
    }
    related = {(e["file"], e["locator"]) for f in before["findings"] for e in f.get("related", ())}
    kept = records(redacted)
    assert all(k in cited or k[1:] in related for k in kept)
    # Every cited record that exists is kept (one finding cites backup_info's only record).
    full_records = records(full)
    assert {k for k in full_records if k in cited} <= set(kept)
    assert len(full_records) > 300 and len(kept) == summary.records == 14
    timeline = [json.loads(line) for line in (redacted / "timeline.jsonl").read_text().splitlines()]
    assert summary.timeline == len(timeline) == 13
    assert all(
        (r["artifact"], r["source"], r["locator"]) in cited
        or (r["source"], r["locator"]) in related
        for r in timeline
    )
    csv_rows = (redacted / "timeline.csv").read_text().splitlines()
    assert len(csv_rows) == 1 + len(timeline)


def test_message_bodies_become_their_sha256(scanned):
    _, full, redacted, summary = scanned
    originals = {k: r for k, r in records(full).items() if k[0] == "sms"}
    kept = {k: r for k, r in records(redacted).items() if k[0] == "sms"}
    assert len(kept) == 4
    for key, row in kept.items():
        text = originals[key]["fields"].get("text")
        if text:
            assert row["fields"]["text"] == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    bodies = [r["fields"]["text"] for r in originals.values() if r["fields"].get("text")]
    everything = b"".join(every_file(redacted).values()).decode()
    assert not [b for b in bodies if b in everything]
    assert summary.hashed >= 3


def test_phone_numbers_and_identifiers_outside_findings_are_masked(scanned):
    root, full, redacted, summary = scanned
    assert FRIEND in (full / "timeline.jsonl").read_text()
    everything = b"".join(every_file(redacted).values()).decode()
    for secret in (FRIEND, OWNER_NUMBER, IMEI, SERIAL, "Test iPhone", str(root)):
        assert secret not in everything, secret
    sms = [r for k, r in records(redacted).items() if k[0] == "sms" and r["fields"].get("handle")]
    masks = {r["fields"]["handle"] for r in sms if r["fields"]["handle"] != ATTACKER_EMAIL}
    assert len(masks) == 1 and masks.pop().startswith("[phone ")
    assert summary.masked >= 1
    device = json.loads((redacted / "findings.json").read_text())["acquisition"]["device"]
    assert device["phone_number"] == device["imei"] == device["serial_number"] == "[redacted]"
    assert device["product_type"] == "iPhone14,2"


def test_what_the_findings_are_about_stays_as_found(scanned):
    _, _, redacted, _ = scanned
    document = json.loads((redacted / "findings.json").read_text())
    values = {f["observable"]["value"] for f in document["findings"] if f["observable"]}
    assert ATTACKER_EMAIL in values
    assert any(EXPLOIT_DOMAIN in v for v in values)
    attacker = [
        r
        for k, r in records(redacted).items()
        if k[0] == "sms" and r["fields"].get("handle") == ATTACKER_EMAIL
    ]
    assert len(attacker) == 1
    for finding in document["findings"]:
        if finding["indicator"]:
            assert len(finding["indicator"]["sha256"]) == 64
            assert "/" not in finding["indicator"]["file"]  # the local path is gone, the name stays
        assert len(finding["evidence"]["sha256"]) == 64


def test_redacted_files_are_private(scanned):
    _, _, redacted, _ = scanned
    for path in redacted.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_masks_are_consistent_and_leave_dates_alone():
    masker = Masker(keep=["attacker@example.org"])
    masker.learn("phone", "0612345678")
    text = (
        "call +44 20 7946 0958 or 0612345678, mail bob@example.com, attacker@example.org; "
        "again +44 20 7946 0958 on 2021-06-01 09:00 (id 1234567890)"
    )
    assert masker.text(text) == (
        "call [phone 1] or [phone 2], mail [email 1], attacker@example.org; "
        "again [phone 1] on 2021-06-01 09:00 (id 1234567890)"
    )
    assert masker.text("33612345678@s.whatsapp.net") == "[email 2]"
    assert masker.any({"text": "hello", "nested": {"body": "hi", "to": "+33 6 11 22 33 44"}}) == {
        "text": "sha256:" + hashlib.sha256(b"hello").hexdigest(),
        "nested": {"body": "sha256:" + hashlib.sha256(b"hi").hexdigest(), "to": "[phone 3]"},
    }
    assert masker.masked == 5 and masker.hashed == 2


def test_a_kept_address_inside_a_longer_value_stays_whole():
    masker = Masker(keep=["https://evil.example/x?to=+33611223344"])
    assert masker.text("visited https://evil.example/x?to=+33611223344 then +33611223344") == (
        "visited https://evil.example/x?to=+33611223344 then [phone 1]"
    )


def test_scan_redact_writes_only_redacted_outputs(tmp_path):
    scenario = pegasus_backup(tmp_path / "acq", messages=200, link_every=100)
    out = tmp_path / "out"
    result = spytrace(
        "scan",
        scenario.path,
        "-o",
        out,
        "--iocs",
        scenario.indicators,
        "--redact",
        "-q",
        home=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    files = every_file(out)
    assert out / "report.html" in files
    everything = b"".join(files.values()).decode()
    for secret in (FRIEND, OWNER_NUMBER, IMEI, str(tmp_path / "acq")):
        assert secret not in everything, secret
    assert json.loads((out / "findings.json").read_text())["redacted"] is True
    assert "Redacted copy." in (out / "report.html").read_text()


def test_report_redact_leaves_the_full_report_and_outputs_alone(scanned, tmp_path):
    _, full, _, _ = scanned
    before = every_file(full)
    result = spytrace("report", full, "--redact", home=tmp_path)
    assert result.returncode == 0, result.stderr
    target = full / "report-redacted.html"
    html = target.read_text()
    assert FRIEND not in html and "Redacted copy." in html
    after = every_file(full)
    target.unlink()
    assert {p: b for p, b in after.items() if p != target} == before
