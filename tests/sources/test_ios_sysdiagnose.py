import json
import tarfile
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import (
    configuration_profiles,
    crash_reports,
    device_info,
    logarchive,
    ps,
    shutdown_log,
    sysdiagnose_info,
)
from spytrace.checks import (
    crash_unusual_path,
    process_imitation,
    shutdown_delays,
    shutdown_sticky_process,
)
from spytrace.errors import UnsupportedAcquisition
from spytrace.model import Severity
from spytrace.outputs.files import prepare_output
from spytrace.scan import scan
from spytrace.sources.base import SourceOptions, sha256_file
from spytrace.sources.ios_sysdiagnose import open_ios_sysdiagnose
from spytrace.testkit.sysdiagnose import UUID_A, Reboot, Sysdiagnose, add_member

ARTIFACTS = [
    shutdown_log.ARTIFACT,
    crash_reports.ARTIFACT,
    ps.ARTIFACT,
    sysdiagnose_info.ARTIFACT,
    device_info.ARTIFACT,
    configuration_profiles.ARTIFACT,
    logarchive.ARTIFACT,
]
CHECKS = [
    shutdown_sticky_process.CHECK,
    shutdown_delays.CHECK,
    crash_unusual_path.CHECK,
    process_imitation.CHECK,
]
REBOOT = datetime(2024, 3, 2, 6, 45, tzinfo=UTC)
STAGED = "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd"


def opened(tmp_path, path):
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700, exist_ok=True)
    return open_ios_sysdiagnose(path, SourceOptions(), scratch)


def run_scan(tmp_path, source):
    output = tmp_path / "out"
    prepare_output(output, force=False)
    scratch = tmp_path / "scan-scratch"
    scratch.mkdir()
    result = scan(
        source,
        None,
        output,
        scratch,
        artifacts=ARTIFACTS,
        checks=CHECKS,
        device_artifacts=frozenset({"sysdiagnose_info", "device_info"}),
    )
    return result, output


def test_the_real_tarball_name_and_top_folder_give_paths_inside_it(tmp_path):
    sd = Sysdiagnose(tmp_path / "in").standard()
    tar = sd.build_tar()
    assert tar.name == "sysdiagnose_2024.03.05_10-30-00+0100_iPhone-OS_iPhone_21D61.tar.gz"

    source = opened(tmp_path, tar)

    assert source.type == "ios_sysdiagnose"
    assert source.folder_name == "sysdiagnose_2024.03.05_10-30-00+0100_iPhone-OS_iPhone_21D61"
    assert sorted(source.files()) == [
        "crashes_and_spins/SpringBoard-2024-03-01-101500.ips",
        "logs/SystemVersion/SystemVersion.plist",
        "ps.txt",
        "ps_thread.txt",
        "sysdiagnose.log",
        "system_logs.logarchive/Extra/shutdown.log",
        "system_logs.logarchive/Info.plist",
        "system_logs.logarchive/Persist/0000000000000001.tracev3",
        "system_logs.logarchive/logdata.LiveData.tracev3",
    ]
    file = source.open("ps.txt")
    assert file.private_copy is True
    assert file.sha256 == sha256_file(sd.root / "ps.txt")  # a private copy: hashed as opened
    extracted = {p.name for p in (tmp_path / "scratch").rglob("*") if p.is_file()}
    # One pass pulled the small files; the unified log's chunks stay packed.
    assert "shutdown.log" in extracted and "Info.plist" in extracted
    assert not any(name.endswith(".tracev3") for name in extracted)
    assert source.problems() == []


def test_the_extracted_folder_and_its_parent_both_open(tmp_path):
    sd = Sysdiagnose(tmp_path / "in").standard()

    for path in (sd.build_folder(), sd.directory):
        source = opened(tmp_path, path)
        assert "ps.txt" in list(source.files())
        assert source.open("ps.txt").path == sd.root / "ps.txt"
        assert source.open("ps.txt").private_copy is False


def test_a_planted_staging_process_is_named_at_its_reboot(tmp_path):
    sd = Sysdiagnose(tmp_path / "in").standard()
    sd.shutdown_log(
        [
            Reboot(datetime(2024, 2, 1, 7, 0, tzinfo=UTC), []),
            Reboot(
                REBOOT,
                [
                    [(70, "/usr/libexec/locationd"), (4011, f"{STAGED}/{UUID_A}")],
                    [(4011, f"{STAGED}/{UUID_A}")],
                    [(4011, f"{STAGED}/{UUID_A}")],
                ],
            ),
        ],
        name="shutdown.0.log",
    )
    source = opened(tmp_path, sd.build_tar())

    result, output = run_scan(tmp_path, source)

    high = [f for f in result.findings if f.severity is Severity.HIGH]
    assert [(f.rule, f.evidence.file, f.evidence.locator) for f in high] == [
        ("shutdown_sticky_process", "system_logs.logarchive/Extra/shutdown.0.log", "line 4"),
    ]
    assert high[0].message == (
        f"{STAGED} (pid 4011) was still running at the reboot of 2024-03-02T06:45:00Z and "
        "delayed it, running from /private/var/db/, where Pegasus staged its binaries"
    )
    [medium] = [f for f in result.findings if f.severity is Severity.MEDIUM]
    assert medium.rule == "shutdown_delays"
    assert medium.time == REBOOT
    assert f"{STAGED} (pid 4011, in 3 wait(s))" in medium.message
    assert len(medium.related) == 2
    document = json.loads((output / "findings.json").read_text())
    assert document["acquisition"]["type"] == "ios_sysdiagnose"


def test_a_clean_sysdiagnose_gives_nothing_above_low_and_says_what_it_did_not_parse(tmp_path):
    sd = Sysdiagnose(tmp_path / "in").standard()
    source = opened(tmp_path, sd.build_tar())

    result, output = run_scan(tmp_path, source)

    assert [f for f in result.findings if f.severity.at_least(Severity.LOW)] == []
    assert result.device == {
        "product_name": "iPhone OS",
        "product_version": "17.3.1",
        "build_version": "21D61",
        "sysdiagnose_taken": "2024-03-05T09:30:00Z",
        "platform": "iPhone-OS",
        "device_class": "iPhone",
    }
    coverage = {c.artifact: c for c in result.coverage}
    assert coverage["logarchive"].status.value == "partial"
    assert coverage["ps"].records == 12
    assert coverage["configuration_profiles"].status.value == "absent"
    assert (output / "timeline.jsonl").exists()


def test_hostile_members_of_a_sysdiagnose_are_skipped_and_reported(tmp_path):
    top = "sysdiagnose_2024.03.05_10-30-00+0100_iPhone-OS_iPhone_21D61"
    path = tmp_path / f"{top}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        add_member(
            archive, tarfile.TarInfo(f"{top}/ps.txt"), b"USER PID COMMAND\nroot 1 /sbin/launchd\n"
        )
        add_member(archive, tarfile.TarInfo(f"{top}/../../../tmp/evil"), b"x")
        link = tarfile.TarInfo(f"{top}/logs/escape")
        link.type, link.linkname = tarfile.SYMTYPE, "../../../../../etc/passwd"
        add_member(archive, link)
        fifo = tarfile.TarInfo(f"{top}/logs/pipe")
        fifo.type = tarfile.FIFOTYPE
        add_member(archive, fifo)
    source = opened(tmp_path, path)

    assert list(source.files()) == ["ps.txt"]
    [record] = ps.parse(source.open("ps.txt"))
    assert record.fields["process_name"] == "launchd"
    assert source.problems() == [
        f"archive member skipped: {top}/../../../tmp/evil: path traversal (..)",
        f"archive member skipped: {top}/logs/escape: symbolic link pointing outside the archive "
        "(../../../../../etc/passwd)",
        f"archive member skipped: {top}/logs/pipe: device or fifo member",
    ]
    assert {p.name for p in tmp_path.iterdir()} == {path.name, "scratch"}


def test_an_archive_without_a_sysdiagnose_is_refused(tmp_path):
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as archive:
        add_member(archive, tarfile.TarInfo("notes/readme.txt"), b"hi")
    with pytest.raises(UnsupportedAcquisition, match="no sysdiagnose_"):
        opened(tmp_path, path)
