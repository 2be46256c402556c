"""Stalkerware through the one matcher with Echap's indicators, on an androidqf acquisition:
every indicator kind found in the artifact that carries it, and a renamed app still caught
by its signing certificate and by its APK hash."""

import json

import pytest

from spytrace.artifacts.android import (
    acquisition_json,
    dumpsys_package,
    files_json,
    getprop,
    packages_json,
    settings,
    sms_backup,
)
from spytrace.checks import android_sideloaded
from spytrace.iocs.loader import load_feeds
from spytrace.model import FindingKind, Severity
from spytrace.outputs.files import prepare_output
from spytrace.scan import scan
from spytrace.sources.android_androidqf import open_android_androidqf
from spytrace.sources.base import SourceOptions
from spytrace.testkit.android import (
    PIXEL_PROPS,
    SMS_MEMBER,
    Pkg,
    apk_file,
    dumpsys_txt,
    file_entry,
    getprop_text,
    package_dump_android14,
    package_entry,
    service,
    write_ab,
    write_tree,
)
from spytrace.testkit.android import (
    acquisition_json as write_acquisition,
)
from spytrace.testkit.android import (
    files_json as write_files,
)
from spytrace.testkit.android import (
    sms_backup as write_sms,
)
from tests.conftest import SHARED_IOCS

ECHAP = SHARED_IOCS / "echap"
TRUTHSPY_CERT = "31A6ECECD97CF39BC4126B8745CD94A7C30BF81C"  # ioc.yaml, TheTruthSpy
TOPSPY_APK = "6977e6e1050aa884ebc4732859c9c239218847ddd492a86dfdc19fbc3748a109"  # samples.csv
BENIGN = "0" * 64
ARTIFACTS = (acquisition_json.ARTIFACT, dumpsys_package.ARTIFACT, files_json.ARTIFACT,
             getprop.ARTIFACT, packages_json.ARTIFACT, settings.ARTIFACT, sms_backup.ARTIFACT)  # fmt: skip

pytestmark = pytest.mark.skipif(not ECHAP.is_dir(), reason="Echap's indicators are not here")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stalkerware")
    packages = [
        package_entry("com.thetruth", [apk_file("/data/app/~~a==/base.apk", BENIGN, "ab" * 20)],
                      installer="null"),
        package_entry("com.android.systemservice.helper",  # renamed: only its certificate tells
                      [apk_file("/data/app/~~b==/base.apk", BENIGN, TRUTHSPY_CERT)], installer="null"),
        package_entry("com.example.updater",  # renamed: only its APK hash tells
                      [apk_file("/data/app/~~c==/base.apk", TOPSPY_APK, "cd" * 20)], installer="null"),
    ]  # fmt: skip
    sms = write_sms([{"address": "+15550001111", "body": "install it: https://thetruthspy.com/dl",
                      "date": "1714600000000", "type": "1"}])  # fmt: skip
    members = {
        "acquisition.json": write_acquisition(),
        "getprop.txt": getprop_text(PIXEL_PROPS).encode(),
        "packages.json": json.dumps(packages).encode(),
        "dumpsys.txt": dumpsys_txt([service("package", package_dump_android14(
            [Pkg("com.thetruth", installer=None, initiating="com.android.shell", source=1)]))]).encode(),
        "files.json": write_files([file_entry("/sdcard/Download/update.apk", sha256=TOPSPY_APK)]),
        "settings_global.txt": b"global_http_proxy_host=69.64.74.239\n",
        "backup.ab": write_ab(tmp / "backup.ab", {SMS_MEMBER: sms}).read_bytes(),
    }  # fmt: skip
    acquisition = write_tree(tmp / "acq", members, folder=True)
    output = tmp / "out"
    prepare_output(output, force=False)
    (tmp / "scratch").mkdir()
    feeds = load_feeds([ECHAP])
    with open_android_androidqf(acquisition, SourceOptions(), tmp / "scratch" / "source") as source:
        return scan(source, feeds, output, tmp / "scratch", artifacts=ARTIFACTS,
                    checks=(android_sideloaded.CHECK,), device_artifacts=frozenset({"getprop"}))  # fmt: skip


def _iocs(result, kind):
    return [f for f in result.findings if f.kind is FindingKind.IOC and f.observable.kind == kind]


def test_package_names_in_packages_json_and_dumpsys(result):
    hits = _iocs(result, "app_id")

    assert sorted((f.evidence.file, f.observable.value) for f in hits) == [
        ("dumpsys.txt", "com.thetruth"),
        ("packages.json", "com.thetruth"),
    ]
    assert {f.indicator.malware for f in hits} == {"TheTruthSpy"}
    assert {f.severity for f in hits} == {Severity.CRITICAL}


def test_a_renamed_app_is_caught_by_its_signing_certificate(result):
    [hit] = _iocs(result, "cert_hash")

    assert hit.observable.value == TRUTHSPY_CERT.lower()
    assert hit.indicator.malware == "TheTruthSpy"
    assert hit.evidence.locator == "[1]"
    assert hit.evidence.file == "packages.json"
    assert hit.evidence.sha256 is not None


def test_a_renamed_app_is_caught_by_its_apk_hash_and_so_is_the_downloaded_apk(result):
    hits = _iocs(result, "file_hash")

    assert sorted((f.evidence.file, f.evidence.locator) for f in hits) == [
        ("files.json", "[0]"),
        ("packages.json", "[2]"),
    ]
    assert {f.indicator.malware for f in hits} == {"1TopSpy"}


def test_a_link_to_the_vendor_in_an_sms_and_the_c2_as_proxy(result):
    [link] = _iocs(result, "url")
    [proxy] = _iocs(result, "ip")

    assert link.evidence.file == f"backup/{SMS_MEMBER}"
    assert link.indicator.value == "thetruthspy.com"
    assert link.severity is Severity.HIGH
    assert proxy.evidence.file == "settings_global.txt"
    assert proxy.indicator.value == "69.64.74.239"


def test_heuristics_and_device_come_along(result):
    sideloaded = [f for f in result.findings if f.kind is FindingKind.HEURISTIC]

    assert {f.message.split(" ", 1)[0] for f in sideloaded} == {
        "com.thetruth", "com.android.systemservice.helper", "com.example.updater"
    }  # fmt: skip
    assert result.device["model"] == "Pixel 7"
    assert result.device["security_patch"] == "2023-10-05"
