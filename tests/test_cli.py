"""The command line through a subprocess: exit codes, one-line errors, JSON outputs."""

import json
import re

import pytest

from tests.cli_helpers import spytrace

COMMANDS = [
    ["scan"],
    ["demo"],
    ["decrypt-backup"],
    ["report"],
    ["selftest"],
    ["iocs", "update"],
    ["iocs", "list"],
    ["iocs", "check"],
]


def test_version(tmp_path):
    from spytrace import __version__

    result = spytrace("--version", home=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"spytrace {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(tmp_path, command):
    result = spytrace(*command, "--help", home=tmp_path)
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_iocs_check_exit_codes_like_grep(tmp_path, shared_iocs):
    hit = spytrace(
        "iocs",
        "check",
        "--iocs",
        shared_iocs / "amnesty/2021-07-18_nso/pegasus.stix2",
        "https://x.free247downloads.com/a",
        "--json",
        home=tmp_path,
    )
    assert hit.returncode == 0
    [answer] = json.loads(hit.stdout)
    assert answer["kinds"] == ["url"]
    assert answer["matches"][0]["malware"] == "Pegasus"
    assert answer["matches"][0]["kind"] == "domain"
    miss = spytrace(
        "iocs",
        "check",
        "--iocs",
        shared_iocs / "amnesty/2021-07-18_nso/pegasus.stix2",
        "example.org",
        home=tmp_path,
    )
    assert miss.returncode == 1 and "no match" in miss.stdout


def test_iocs_check_guesses_each_kind(tmp_path, shared_iocs):
    values = {
        "bh": "process",
        "nonbaguette@yahoo.com": "email",
        "83.220.169.120": "ip",
        "77126e749a9c1144ae3cebb8deb0b72fc90d4eb73d1072a69a1248b4f518bb47": "file_hash",
        "com.oneplussync.bat": "app_id",
        "76DAB334-7E17-475D-A5D6-0794EB5818A5": "profile_id",
        "/private/var/db/com.apple.xpc.roleaccountd.staging/subridged": "file_path",
        "/private/var/mobile/Library/Preferences/com.apple.photolibraryd.plist": "file_path",
        "sys.brand.note": "android_property",
    }
    result = spytrace("iocs", "check", "--iocs", shared_iocs, "--json", *values, home=tmp_path)
    assert result.returncode == 0, result.stderr
    for answer in json.loads(result.stdout):
        kinds = {m["kind"] for m in answer["matches"]}
        assert values[answer["value"]] in kinds, answer


def test_iocs_check_rejects_an_unknown_kind_in_one_line(tmp_path, shared_iocs):
    result = spytrace(
        "iocs", "check", "--kind", "colour", "x", "--iocs", shared_iocs, home=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("spytrace: error: --kind colour")
    assert "Traceback" not in result.stderr


def test_iocs_list_json(tmp_path, shared_iocs):
    result = spytrace(
        "iocs", "list", "--iocs", shared_iocs / "amnesty/2021-12-16_cytrox", "--json", home=tmp_path
    )
    assert result.returncode == 0
    entries = {e["file"].rsplit("/", 1)[-1]: e for e in json.loads(result.stdout)}
    cytrox = entries["cytrox.stix2"]
    assert cytrox["count"] == 343 and cytrox["unsupported"] == 0
    assert cytrox["feed"] == "2021-12-16_cytrox/cytrox.stix2"
    assert len(cytrox["sha256"]) == 64


def test_iocs_list_without_any_feed_says_so(tmp_path):
    result = spytrace("iocs", "list", home=tmp_path)
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "no such file or folder"),
        (lambda p: p, "not an acquisition spytrace recognises"),
    ],
)
def test_scan_of_something_unusable_is_one_line_and_exit_2(tmp_path, make, message):
    target = make(tmp_path / "input")
    if target.name == "input":
        target.mkdir()
        (target / "notes.txt").write_text("hello")
    result = spytrace("scan", target, "-o", tmp_path / "out", "--iocs", tmp_path, home=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_scan_refuses_missing_indicator_paths(tmp_path):
    folder = tmp_path / "acq"
    folder.mkdir()
    (folder / "Manifest.db").write_bytes(b"")
    result = spytrace(
        "scan", folder, "-o", tmp_path / "out", "--iocs", tmp_path / "nope", home=tmp_path
    )
    assert result.returncode == 2
    assert "none of the --iocs paths exist" in result.stderr


def test_detection_names_every_acquisition_type(tmp_path):
    import zipfile

    from spytrace.sources.detect import detect
    from spytrace.testkit.ios_fs import FsDump
    from spytrace.testkit.sysdiagnose import Sysdiagnose

    wrapped = FsDump(tmp_path / "fs", wrapper="filesystem1")
    wrapped.add("private/var/mobile/Library/x.txt", "x")
    assert detect(wrapped.base).type == "ios_fs"
    diag = Sysdiagnose(tmp_path / "diag").standard()
    assert detect(diag.build_folder()).type == "ios_sysdiagnose"
    assert detect(diag.build_tar()).type == "ios_sysdiagnose"
    ab = tmp_path / "backup.ab"
    ab.write_bytes(b"ANDROID BACKUP\n5\n1\nnone\n")
    assert detect(ab).type == "android_backup"
    qf = tmp_path / "qf.zip"
    with zipfile.ZipFile(qf, "w") as zf:
        zf.writestr("acquisition.json", "{}")
    assert detect(qf).type == "android_androidqf"


def test_debug_says_how_long_each_stage_and_artifact_took(tmp_path):
    from spytrace.testkit.scenarios import androidqf_files

    scenario = androidqf_files(tmp_path / "acquisition", files=50, planted=1)
    run = spytrace(
        "scan", scenario.path, "--iocs", scenario.indicators, "-o", tmp_path / "out", "--debug",
        home=tmp_path,
    )  # fmt: skip

    assert run.returncode == 1, run.stderr
    stages = [line for line in run.stderr.splitlines() if " in " in line and "DEBUG" in line]
    for stage in (
        r"scan: loaded \d+ indicators",
        r"scan: planned \d+ files",
        r"android_files: 50 records",
        r"scan: read every artifact",
        r"scan: ran \d+ checks",
        r"scan: wrote report.html",
    ):
        assert any(re.search(stage + r" in \d+\.\d\d s$", line) for line in stages), stage


def test_a_library_scan_says_once_how_long_loading_the_indicators_took(tmp_path, caplog):
    import logging

    from spytrace import api
    from spytrace.testkit.scenarios import androidqf_files

    scenario = androidqf_files(tmp_path / "acquisition", files=5, planted=1)
    request = api.ScanRequest(
        path=scenario.path, output=tmp_path / "out", iocs=[scenario.indicators], use_cache=False
    )
    with caplog.at_level(logging.DEBUG, logger="spytrace"):
        api.scan_path(request)

    assert sum("loaded" in r.getMessage() for r in caplog.records) == 1
