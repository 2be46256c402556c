from datetime import UTC, datetime

from spytrace.artifacts.ios import netusage
from spytrace.model import Observable
from spytrace.testkit.ios_fs import NetUsageDb

T1 = datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2023, 6, 2, 9, 0, tzinfo=UTC)


def test_processes_with_first_last_use_traffic_and_deleted_rows(tmp_path):
    db = NetUsageDb(tmp_path)
    agent = db.add_process("BackupAgent", first=T1, last=T2)
    db.add_usage(agent, when=T2, wifi_in=10.0, wwan_out=5.0, wired_in=7.0)
    gone = db.add_process("msgacntd", first=T1, last=T1)
    db.add_usage(gone, when=T1, wwan_in=900.0)
    db.delete_process(gone)

    process, key_max, orphan = netusage.parse(db.build())

    assert process.locator == "ZPROCESS.Z_PK=1"
    assert process.source == "private/var/networkd/netusage.sqlite"
    assert process.time == T2
    assert process.observables == Observable.of(process="BackupAgent")
    assert process.fields == {
        "kind": "process",
        "pk": 1,
        "process_name": "BackupAgent",
        "first_used": "2023-06-01T08:00:00Z",
        "wifi_in": 10,
        "wifi_out": 0,
        "wwan_in": 0,
        "wwan_out": 5,
        "wired_in": 7,
        "wired_out": 0,
        "usage_rows": 1,
        "last_live_usage": "2023-06-02T09:00:00Z",
    }
    assert key_max.fields == {"kind": "key_max", "table": "ZPROCESS", "z_max": 2}
    assert orphan.fields["pk"] == 2
    assert orphan.fields["wwan_in"] == 900
    assert orphan.time == T1


def test_traffic_that_points_at_no_process(tmp_path):
    db = NetUsageDb(tmp_path)
    db.add_process("BackupAgent", first=T1, last=T2)
    db.add_usage(None, when=T2, wired_in=3.0)

    *_, stray = netusage.parse(db.build())

    assert stray.message == "Network use that points at no process (ZHASPROCESS is empty)"
    assert "pk" not in stray.fields
    assert stray.fields["wired_in"] == 3
    assert stray.time == T2
