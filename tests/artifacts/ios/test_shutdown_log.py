from datetime import UTC, datetime

from spytrace.artifacts.ios import shutdown_log
from spytrace.model import Observable
from spytrace.testkit.sysdiagnose import UUID_A, UUID_B, Reboot, evidence, shutdown_log_text

T1 = datetime(2024, 2, 1, 7, 0, tzinfo=UTC)
T2 = datetime(2024, 2, 20, 22, 15, tzinfo=UTC)
STAGED = "/private/var/db/com.apple.xpc.roleaccountd.staging/mptbd"


def test_clients_belong_to_the_reboot_whose_sigterm_follows_them(tmp_path):
    text = shutdown_log_text(
        [
            Reboot(T1, [[(70, "/usr/libexec/locationd"), (412, STAGED)], [(412, STAGED)]]),
            Reboot(T2, []),
        ]
    )
    file = evidence(tmp_path, "private/var/db/diagnostics/shutdown.log", text)

    locationd, staged, first, second = shutdown_log.parse(file)

    assert staged.locator == "line 3"
    assert staged.time == T1
    assert staged.time_desc == "Reboot (SIGTERM sent)"
    assert staged.fields == {
        "kind": "client",
        "pid": 412,
        "client_path": STAGED,
        "process_name": "mptbd",
        "waits": 2,
        "longest_wait_seconds": 1.06,
        "reboot": "line 6",
        "reboot_time": "2024-02-01T07:00:00Z",
    }
    assert staged.observables == Observable.of(process="mptbd", file_path=STAGED)
    assert locationd.fields["waits"] == 1
    assert first.locator == "line 6"
    assert first.fields == {
        "kind": "reboot",
        "reboot": "line 6",
        "number": 1,
        "waits": 2,
        "wait_seconds": [0.05, 1.06],
        "wait_lines": [1, 4],
        "clients": ["locationd (70)", "mptbd (412)"],
    }
    assert second.locator == "line 7"
    assert second.time == T2
    assert second.message == "Reboot 2: no process delayed the shutdown"
    assert second.fields == {"kind": "reboot", "reboot": "line 7", "number": 2, "waits": 0}


def test_ios_26_rotated_log_with_uuid_suffixed_paths(tmp_path):
    text = shutdown_log_text(
        [
            Reboot(
                T1, [[(210, f"/usr/sbin/filecoordinationd/{UUID_B}"), (412, f"{STAGED}/{UUID_A}")]]
            )
        ]
    )
    file = evidence(tmp_path, "system_logs.logarchive/Extra/shutdown.0.log", text)

    coordination, staged, _reboot = shutdown_log.parse(file)

    assert coordination.fields["client_path"] == "/usr/sbin/filecoordinationd"
    assert coordination.fields["raw_path"] == f"/usr/sbin/filecoordinationd/{UUID_B}"
    assert coordination.observables == Observable.of(
        process="filecoordinationd", file_path="/usr/sbin/filecoordinationd"
    )
    assert staged.fields["process_name"] == "mptbd"
    assert staged.observables == Observable.of(process="mptbd", file_path=STAGED)


def test_clients_after_the_last_sigterm_have_no_reboot_time(tmp_path):
    text = shutdown_log_text([Reboot(T1, []), Reboot(None, [[(99, "/usr/libexec/logd")]])])
    file = evidence(tmp_path, "private/var/db/diagnostics/shutdown.log", text)

    reboot, trailing = shutdown_log.parse(file)

    assert reboot.fields["kind"] == "reboot"
    assert trailing.time is None
    assert trailing.locator == "line 3"
    assert trailing.fields["reboot"] == "end of log"
    assert "reboot_time" not in trailing.fields
    assert (
        trailing.message
        == "/usr/libexec/logd (pid 99) still running at the last, unfinished shutdown of the log"
    )


def test_paths_match_both_names_in_both_layouts():
    from spytrace.pathglob import compile_globs

    globs = compile_globs(shutdown_log.PATHS)
    for path in (
        "private/var/db/diagnostics/shutdown.log",
        "private/var/db/diagnostics/shutdown.0.log",
        "system_logs.logarchive/Extra/shutdown.log",
        "system_logs.logarchive/Extra/shutdown.12.log",
    ):
        assert globs.match(path), path
    assert not globs.match("private/var/db/diagnostics/shutdown.log.bak")


def test_unreadable_bytes_and_unrelated_lines_do_not_stop_the_parser(tmp_path):
    data = (
        b"garbage \xff\xfe line\r\n"
        + shutdown_log_text([Reboot(T1, [[(5, "/sbin/launchd")]])]).encode()
    )
    file = evidence(tmp_path, "private/var/db/diagnostics/shutdown.log", data)

    client, reboot = shutdown_log.parse(file)

    assert client.locator == "line 3"
    assert reboot.locator == "line 4"
