import json

from spytrace.artifacts.android import processes
from spytrace.model import Observable
from spytrace.testkit.android import PIXEL_PROPS, PS_TXT, dumpstate, evidence


def test_ps_text_one_record_per_process(tmp_path):
    records = list(processes.parse(evidence(tmp_path, "ps.txt", PS_TXT)))

    assert [r.fields["name"] for r in records] == [
        "init", "[kthreadd]", "com.example.tracker:remote", "magiskd"
    ]  # fmt: skip
    assert records[2].fields == {"name": "com.example.tracker:remote", "pid": 4321, "ppid": 612,
                                 "user": "u0_a234", "state": "S"}  # fmt: skip
    assert records[2].observables == Observable.of(
        process="com.example.tracker:remote", app_id="com.example.tracker"
    )
    assert records[1].observables == Observable.of(process="kthreadd")
    assert records[2].locator == "line 4"


def test_collector_json_processes(tmp_path):
    data = [{"pid": 4321, "uid": 10234, "ppid": 612, "pgroup": 0, "psid": 0, "filename": "app_process64",
             "priority": 20, "state": "S", "user_time": 1, "kernel_time": 1,
             "path": "/system/bin/app_process64", "context": "u:r:untrusted_app:s0",
             "previous_context": "", "command_line": ["com.example.tracker"], "env": [], "cwd": "/"}]  # fmt: skip
    file = evidence(tmp_path, "processes.txt", json.dumps(data))

    [record] = processes.parse(file)

    assert record.locator == "[0]"
    assert record.fields["label"] == "u:r:untrusted_app:s0"
    assert record.observables == Observable.of(
        process="com.example.tracker", app_id="com.example.tracker",
        file_path="/system/bin/app_process64",
    )  # fmt: skip


def test_bugreport_threads_keep_only_main_threads(tmp_path):
    table = (
        "LABEL                          USER           PID   TID  PPID     VSZ    RSS WCHAN"
        "            ADDR S PRI  NI RTPRIO SCH  PCY     TIME CMD\n"
        "u:r:init:s0                    root             1     1     0 1 1 0 0 S 19 0 - 0 fg 00:00:01 init\n"
        "u:r:init:s0                    root             1     7     0 1 1 0 0 S 19 0 - 0 fg 00:00:00 ueventd_thread\n"
        "u:r:untrusted_app:s0:c512,c768 u0_a234       4321  4321   612 1 1 0 0 S 10 -10 - 0 ta 00:00:02 ample.tracker\n"
    )  # fmt: skip
    file = evidence(
        tmp_path, "bugreport/dumpstate.txt", dumpstate(PIXEL_PROPS, [], processes=table)
    )

    init, app = processes.parse(file)

    assert init.fields["label"] == "u:r:init:s0"
    assert app.fields["name"] == "ample.tracker"
    assert app.observables == Observable.of(process="ample.tracker", app_id="ample.tracker")
