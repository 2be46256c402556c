from datetime import UTC, datetime

from spytrace.checks.shutdown_delays import check as delays
from spytrace.checks.shutdown_sticky_process import check as sticky
from spytrace.model import Evidence, Severity
from spytrace.testkit.sysdiagnose import reboot_record, shutdown_record

WHEN = datetime(2024, 2, 1, 7, 0, tzinfo=UTC)
STAGED = "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd"


def test_a_client_in_a_staging_folder_is_high_and_names_the_reboot():
    [finding] = sticky([shutdown_record(client_path=STAGED, pid=412, when=WHEN, line=3)])

    assert finding.severity is Severity.HIGH
    assert finding.time == WHEN
    assert finding.evidence == Evidence("system_logs.logarchive/Extra/shutdown.log", "line 3")
    assert finding.message == (
        f"{STAGED} (pid 412) was still running at the reboot of 2024-02-01T07:00:00Z and "
        "delayed it, running from /private/var/db/, where Pegasus staged its binaries"
    )


def test_other_data_partition_folders_are_high_too_but_system_and_apps_are_not():
    app = "/private/var/containers/Bundle/Application/9F8E7D6C-5B4A-4392-8170-6F5E4D3C2B1A/Signal.app/Signal"
    findings = list(
        sticky(
            [
                shutdown_record(client_path="/private/var/mobile/Library/helper"),
                shutdown_record(client_path="/usr/libexec/backboardd"),
                shutdown_record(client_path=app),
                shutdown_record(client_path="/var/tmp/x"),
            ]
        )
    )
    assert [f.severity for f in findings] == [Severity.HIGH, Severity.HIGH]
    assert "outside the system volume" in findings[0].message
    assert "/private/var/tmp/" in findings[1].message


def test_three_waits_before_a_reboot_are_medium_and_cite_the_processes():
    reboot = reboot_record(waits=3, seconds=[0.05, 1.06, 2.07], line=9, when=WHEN)
    held = shutdown_record(
        client_path="/usr/libexec/locationd", pid=70, reboot="line 9", waits=3, line=2
    )
    other_reboot = shutdown_record(client_path="/usr/libexec/logd", reboot="line 20", line=15)

    [finding] = delays([reboot, held, other_reboot])

    assert finding.severity is Severity.MEDIUM
    assert finding.evidence.locator == "line 9"
    assert finding.related == (Evidence("system_logs.logarchive/Extra/shutdown.log", "line 2"),)
    assert finding.message == (
        "The reboot of 2024-02-01T07:00:00Z waited 3 times (0.05s, 1.06s, 2.07s) for processes "
        "that would not exit: /usr/libexec/locationd (pid 70, in 3 wait(s))"
    )


def test_two_waits_are_not_reported():
    assert not list(delays([reboot_record(waits=2, seconds=[0.05, 1.06], line=5)]))
