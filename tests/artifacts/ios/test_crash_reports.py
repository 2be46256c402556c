from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import crash_reports
from spytrace.errors import EvidenceError
from spytrace.model import Observable
from spytrace.testkit.sysdiagnose import UUID_A, crash_body, crash_header, evidence, ips_text

WHEN = datetime(2024, 3, 1, 9, 15, tzinfo=UTC)


def test_json_report_gives_process_path_bug_type_and_time(tmp_path):
    path = "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd"
    text = ips_text(
        crash_header("roleaccountd", WHEN), crash_body("roleaccountd", f"{path}/{UUID_A}", pid=777)
    )
    file = evidence(tmp_path, "crashes_and_spins/roleaccountd-2024-03-01-101500.ips", text)

    [record] = crash_reports.parse(file)

    assert record.locator == "header"
    assert record.time == WHEN
    assert record.message == f"Crash report for roleaccountd ({path})"
    assert record.fields == {
        "bug_type": "309",
        "report_kind": "crash",
        "process_name": "roleaccountd",
        "process_path": path,
        "raw_path": f"{path}/{UUID_A}",
        "pid": 777,
        "parent_process": "launchd",
        "os_version": "iPhone OS 17.3.1 (21D61)",
        "model": "iPhone14,2",
        "incident_id": "6A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9",
        "exception_type": "EXC_CRASH",
        "termination": "Abort trap: 6",
    }
    assert record.observables == Observable.of(process="roleaccountd", file_path=path)


def test_text_report_before_ios_15(tmp_path):
    body = (
        "Incident Identifier: 1A2B\n"
        "Process:             MobileSafari [1234]\n"
        "Path:                /Applications/MobileSafari.app/MobileSafari\n"
        "Identifier:          com.apple.mobilesafari\n"
        "Exception Type:  EXC_BAD_ACCESS (SIGSEGV)\n"
    )
    header = {
        "bug_type": "109",
        "timestamp": "2021-07-01 10:00:00.00 +0200",
        "name": "MobileSafari",
    }
    file = evidence(
        tmp_path,
        "private/var/mobile/Library/Logs/CrashReporter/MobileSafari.ips",
        ips_text(header, body),
    )

    [record] = crash_reports.parse(file)

    assert record.time == datetime(2021, 7, 1, 8, 0, tzinfo=UTC)
    assert record.fields["pid"] == 1234
    assert record.fields["process_path"] == "/Applications/MobileSafari.app/MobileSafari"
    assert record.fields["exception_type"] == "EXC_BAD_ACCESS (SIGSEGV)"
    assert record.observables == Observable.of(
        process="MobileSafari",
        file_path="/Applications/MobileSafari.app/MobileSafari",
        app_id="com.apple.mobilesafari",
    )


def test_panic_keeps_its_bug_type_and_a_broken_body_is_a_note(tmp_path):
    header = {"bug_type": "210", "timestamp": "2024-03-01 10:15:00.00 +0100"}
    file = evidence(
        tmp_path,
        "crashes_and_spins/Panics/panic-full-2024-03-01.ips",
        '{"bug_type":"210","timestamp":"2024-03-01 10:15:00.00 +0100"}\n{"panicString": "trunc',
    )

    [record] = crash_reports.parse(file)

    assert header["bug_type"] == record.fields["bug_type"]
    assert record.fields["report_kind"] == "panic"
    assert record.time == WHEN
    assert file.notes == ["report body is not valid JSON; header read only"]


def test_a_file_without_a_json_header_is_an_evidence_error(tmp_path):
    file = evidence(tmp_path, "crashes_and_spins/x.ips", "not json\n{}\n")
    with pytest.raises(EvidenceError, match="no JSON header line"):
        list(crash_reports.parse(file))
