from datetime import UTC, datetime

import pytest

from spytrace.artifacts.android import anr, tombstones
from spytrace.errors import EvidenceError
from spytrace.model import Observable
from spytrace.testkit.android import TOMBSTONE_TEXT, evidence, protobuf_tombstone

FOLDER = "bugreport/FS/data/tombstones/"


def test_a_text_tombstone(tmp_path):
    file = evidence(tmp_path, FOLDER + "tombstone_03", TOMBSTONE_TEXT)

    [record] = tombstones.parse(file)

    assert record.locator == "tombstone_03"
    assert record.time == datetime(2024, 5, 1, 21, 43, 49, 123456, tzinfo=UTC)
    assert record.message == "mediaserver crashed (SIGSEGV)"
    assert record.fields == {
        "process": "mediaserver",
        "command": "/system/bin/mediaserver",
        "pid": 9850,
        "tid": 9893,
        "thread": "Binder:9850_2",
        "uid": 1013,
        "signal": 11,
        "signal_name": "SIGSEGV",
        "code_name": "SEGV_MAPERR",
        "build_fingerprint": "google/panther/panther:14/UP1A.231005.007/10754064:user/release-keys",
    }
    assert record.observables == Observable.of(
        process="mediaserver", file_path="/system/bin/mediaserver"
    )


def test_a_protobuf_tombstone_of_an_app(tmp_path):
    data = protobuf_tombstone(pid=4321, tid=4330, uid=10234, command=["com.example.tracker"],
                              thread="RenderThread", timestamp="2024-05-01 23:43:49.5+0200",
                              signal=(6, "SIGABRT"))  # fmt: skip
    file = evidence(tmp_path, FOLDER + "tombstone_04.pb", data)

    [record] = tombstones.parse(file)

    assert record.time == datetime(2024, 5, 1, 21, 43, 49, 500000, tzinfo=UTC)
    assert record.fields["thread"] == "RenderThread"
    assert record.fields["uid"] == 10234
    assert record.fields["selinux_label"] == "u:r:untrusted_app:s0:c512,c768"
    assert record.observables == Observable.of(
        process="com.example.tracker", app_id="com.example.tracker"
    )


def test_a_damaged_protobuf_is_an_evidence_error(tmp_path):
    file = evidence(tmp_path, FOLDER + "tombstone_05.pb", b"\x12\xff\xff\xff\x0f")

    with pytest.raises(EvidenceError, match="not a tombstone protobuf"):
        list(tombstones.parse(file))


def test_anr_blocks_name_the_app(tmp_path):
    text = (
        "\n----- pid 4321 at 2024-05-01 23:40:00.123456789+0200 -----\nCmd line: com.example.tracker\n"
        "----- end 4321 -----\n----- pid 99 at 2024-05-01 23:41:00 -----\nCmd line: system_server\n"
    )  # fmt: skip
    file = evidence(tmp_path, "bugreport/FS/data/anr/anr_2024-05-01-23-40-00-123", text)

    app, system = anr.parse(file)

    assert app.time == datetime(2024, 5, 1, 21, 40, 0, 123456, tzinfo=UTC)
    assert app.observables == Observable.of(
        process="com.example.tracker", app_id="com.example.tracker"
    )
    assert system.time is None
    assert system.fields == {"pid": 99, "command": "system_server", "process": "system_server",
                             "local_time": "2024-05-01 23:41:00"}  # fmt: skip
