from spytrace.artifacts.ios import ps
from spytrace.model import Observable
from spytrace.testkit.sysdiagnose import (
    PS_HEADER,
    PS_THREAD_HEADER,
    evidence,
    ps_line,
    ps_thread_lines,
)


def test_each_process_line_becomes_a_record_with_its_executable(tmp_path):
    lines = [
        PS_HEADER,
        ps_line("root", 0, 1, 0, "/sbin/launchd"),
        ps_line("mobile", 501, 420, 1, "/Applications/Some App.app/Some App -launchedByXcode 1"),
        ps_line("root", 0, 777, 1, "/private/var/db/com.apple.xpc.roleaccountd.staging/bh"),
    ]
    file = evidence(tmp_path, "ps.txt", "\n".join(lines) + "\n")

    launchd, app, staged = ps.parse(file)

    assert launchd.locator == "line 2"
    assert launchd.time is None
    assert launchd.fields == {
        "process_name": "launchd",
        "process_path": "/sbin/launchd",
        "command": "/sbin/launchd",
        "user": "root",
        "started": "9:02AM",
        "pid": 1,
        "ppid": 0,
        "uid": 0,
    }
    assert app.fields["process_path"] == "/Applications/Some App.app/Some App"
    assert app.fields["process_name"] == "Some App"
    assert staged.observables == Observable.of(
        process="bh", file_path="/private/var/db/com.apple.xpc.roleaccountd.staging/bh"
    )


def test_ps_thread_counts_each_process_threads(tmp_path):
    lines = [
        PS_THREAD_HEADER,
        *ps_thread_lines("root", 1, "/sbin/launchd", 3),
        *ps_thread_lines(
            "mobile", 35, "/System/Library/CoreServices/SpringBoard.app/SpringBoard", 1
        ),
    ]
    file = evidence(tmp_path, "ps_thread.txt", "\n".join(lines) + "\n")

    launchd, springboard = ps.parse(file)

    assert launchd.fields["threads"] == 3
    assert launchd.fields["pid"] == 1
    assert springboard.locator == "line 5"
    assert springboard.fields["threads"] == 1


def test_a_file_without_header_is_a_note(tmp_path):
    file = evidence(tmp_path, "ps.txt", "nothing here\n")
    assert list(ps.parse(file)) == []
    assert file.notes == ["no ps header line (COMMAND column) found"]
