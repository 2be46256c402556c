"""packages.json, root_binaries.json, mounts, selinux.txt, acquisition.json (androidqf)."""

import json
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.android import (
    acquisition_json,
    mounts,
    packages_json,
    root_binaries,
    selinux,
)
from spytrace.errors import EvidenceError
from spytrace.model import Observable
from spytrace.testkit.android import acquisition_json as write_acquisition
from spytrace.testkit.android import adb_key, apk_file, evidence, package_entry

APK = "6977e6e1050aa884ebc4732859c9c239218847ddd492a86dfdc19fbc3748a109"
CERT = "7F5C0D54A813BA9B87A91420CA2C3DE5E7948F09"


def test_packages_json_gives_app_apk_hash_and_certificate_observables(tmp_path):
    data = [
        package_entry("com.android.settings", [], installer="null", system=True),
        package_entry("com.example.renamed", [apk_file("/data/app/~~x==/base.apk", APK, CERT)],
                      installer="com.google.android.packageinstaller"),
    ]  # fmt: skip
    file = evidence(tmp_path, "packages.json", json.dumps(data))

    system, renamed = packages_json.parse(file)

    assert system.fields == {"package": "com.android.settings", "uid": 10234, "system": True,
                             "third_party": False, "disabled": False}  # fmt: skip
    assert system.message == "Package com.android.settings, no installer recorded"
    assert renamed.locator == "[1]"
    assert renamed.fields["installer"] == "com.google.android.packageinstaller"
    assert renamed.fields["files"] == [{
        "path": "/data/app/~~x==/base.apk",
        "sha256": APK,
        "sha1": "6cb06e9ab5619345f930c2b2096b4dd013a10ec9",
        "md5": "5870bd06e642de410c54705226ecfa9a",
        "certificate_sha1": CERT.lower(),
        "certificate_sha256": "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44",
        "certificate_subject": "C=US, O=Example, CN=Example",
        "certificate_issuer": "C=US, O=Example, CN=Example",
        "certificate_valid_from": "2010-06-25T23:07:16Z",
        "certificate_verified": True,
        "certificate_trusted": False,
    }]  # fmt: skip
    assert renamed.observables == Observable.of(
        app_id="com.example.renamed",
        file_path="/data/app/~~x==/base.apk",
        file_hash=[APK, "6cb06e9ab5619345f930c2b2096b4dd013a10ec9", "5870bd06e642de410c54705226ecfa9a"],
        cert_hash=[CERT.lower(), "3987d043d10aefaf5a8710b3671418fe57e0e19b653c9df82558feb5ffce5d44",
                   "556c6019249bbc0cab70495178d3a9d1"],
    )  # fmt: skip


def test_a_packages_json_of_the_wrong_shape_is_an_evidence_error(tmp_path):
    file = evidence(tmp_path, "packages.json", '{"name": "x"}')

    with pytest.raises(EvidenceError, match="not an androidqf package list"):
        list(packages_json.parse(file))


def test_root_binaries_one_record_per_path(tmp_path):
    data = ["/system/xbin/su\n/sbin/su", "/data/adb/magisk/busybox", ""]
    file = evidence(tmp_path, "root_binaries.json", json.dumps(data))

    records = list(root_binaries.parse(file))

    assert [(r.locator, r.fields["path"], r.fields["binary"]) for r in records] == [
        ("[0]", "/system/xbin/su", "su"),
        ("[0]", "/sbin/su", "su"),
        ("[1]", "/data/adb/magisk/busybox", "busybox"),
    ]
    assert records[0].observables == Observable.of(file_path="/system/xbin/su")


def test_mounts_from_mount_proc_mounts_and_mountinfo(tmp_path):
    data = ["/dev/block/dm-0 on /system type ext4 (rw,seclabel,relatime)",
            "/dev/block/dm-1 /vendor ext4 ro,seclabel,relatime 0 0"]  # fmt: skip
    json_file = evidence(tmp_path, "mounts.json", json.dumps(data))
    info = evidence(tmp_path, "bugreport/FS/proc/1/mountinfo",
                    "36 35 253:0 / /product ro,relatime shared:1 - ext4 /dev/block/dm-2 ro,seclabel\n")  # fmt: skip

    system, vendor = mounts.parse(json_file)
    [product] = mounts.parse(info)

    assert system.fields == {"device": "/dev/block/dm-0", "mount_point": "/system", "fs_type": "ext4",
                             "options": ["rw", "seclabel", "relatime"], "read_write": True}  # fmt: skip
    assert vendor.fields["read_write"] is False
    assert product.fields["mount_point"] == "/product"
    assert product.fields["options"] == ["ro", "relatime", "ro", "seclabel"]
    assert product.locator == "line 1"
    assert system.observables == Observable.of(file_path=["/system", "/dev/block/dm-0"])


def test_selinux_mode(tmp_path):
    [record] = selinux.parse(evidence(tmp_path, "selinux.txt", "Permissive\n"))

    assert record.fields == {"mode": "permissive"}


def test_acquisition_json_with_the_host_key_and_go_nanosecond_times(tmp_path):
    key = adb_key("analyst")
    file = evidence(tmp_path, "acquisition.json", write_acquisition(f"{key} analyst@lab"))

    [record] = acquisition_json.parse(file)

    assert record.time == datetime(2024, 5, 2, 10, 0, 0, 123456, tzinfo=UTC)
    assert record.fields["adb_host_key"] == key
    assert record.fields["adb_host_comment"] == "analyst@lab"
    assert record.fields["completed"] == "2024-05-02T10:12:00.500000Z"
    assert record.fields["uuid"] == "7b1a5c2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b"
