"""Android acquisitions end to end through the command line."""

import json

from spytrace.testkit.android import (
    PIXEL_PROPS,
    SMS_MEMBER,
    Pkg,
    accessibility_android14,
    apk_file,
    dumpstate,
    getprop_text,
    package_dump_android14,
    package_entry,
    service,
    write_ab,
    write_bugreport,
    write_tree,
)
from spytrace.testkit.android import acquisition_json as write_acquisition
from spytrace.testkit.android import sms_backup as write_sms
from tests.cli_helpers import spytrace

TRUTHSPY_CERT = "31A6ECECD97CF39BC4126B8745CD94A7C30BF81C"  # Echap ioc.yaml, TheTruthSpy


def findings(output):
    return json.loads((output / "findings.json").read_text())


def test_androidqf_zip_with_a_renamed_stalkerware_app(tmp_path, shared_iocs):
    packages = [package_entry("com.android.systemservice.helper",
                              [apk_file("/data/app/~~b==/base.apk", "0" * 64, TRUTHSPY_CERT)],
                              installer="null")]  # fmt: skip
    archive = write_tree(tmp_path / "qf.zip", {
        "getprop.txt": getprop_text(PIXEL_PROPS).encode(),
        "packages.json": json.dumps(packages).encode(),
        "acquisition.json": write_acquisition(),
    }, folder=False)  # fmt: skip

    result = spytrace(
        "scan", archive, "-o", tmp_path / "out", "--iocs", shared_iocs / "echap", home=tmp_path
    )

    assert result.returncode == 1, result.stderr
    document = findings(tmp_path / "out")
    assert document["acquisition"]["type"] == "android_androidqf"
    assert document["acquisition"]["device"]["model"] == PIXEL_PROPS["ro.product.model"]
    [hit] = [f for f in document["findings"] if f["kind"] == "ioc"]
    assert hit["observable"]["kind"] == "cert_hash"
    assert hit["indicator"]["malware"] == "TheTruthSpy"
    assert hit["severity"] == "critical"


def test_bugreport_zip_reads_dumpsys_and_flags_an_accessibility_service(tmp_path):
    text = dumpstate(PIXEL_PROPS, [
        service("package", package_dump_android14([Pkg("com.spy.helper", installer=None)])),
        service("accessibility", accessibility_android14(["com.spy.helper/.Watcher"], 1)),
    ])  # fmt: skip
    archive = write_bugreport(tmp_path / "bugreport.zip", text)

    result = spytrace("scan", archive, "-o", tmp_path / "out", home=tmp_path)

    document = findings(tmp_path / "out")
    assert document["acquisition"]["type"] == "android_bugreport"
    assert document["coverage"]["dumpsys_accessibility"]["status"] == "parsed"
    rules = {f.get("rule") for f in document["findings"]}
    assert "android_accessibility_abuse" in rules, document["findings"]
    assert result.returncode == 1


def test_encrypted_adb_backup_with_the_right_and_a_wrong_password(tmp_path):
    sms = write_sms([{"address": "+15550001111", "body": "hello https://example.org/x",
                      "date": "1714600000000", "type": "1"}])  # fmt: skip
    backup = write_ab(tmp_path / "backup.ab", {SMS_MEMBER: sms}, password="s3cret", rounds=1000)

    wrong = spytrace("scan", backup, "-o", tmp_path / "bad", home=tmp_path,
                     env={"SPYTRACE_BACKUP_PASSWORD": "nope"})  # fmt: skip
    assert wrong.returncode == 2
    assert "password" in wrong.stderr.lower() and "Traceback" not in wrong.stderr
    assert not (tmp_path / "bad" / "findings.json").exists()

    right = spytrace("scan", backup, "-o", tmp_path / "good", home=tmp_path,
                     env={"SPYTRACE_BACKUP_PASSWORD": "s3cret"})  # fmt: skip
    document = findings(tmp_path / "good")
    assert document["acquisition"]["type"] == "android_backup"
    assert document["coverage"]["android_sms_backup"]["records"] == 1
    assert right.returncode == 0, right.stderr
