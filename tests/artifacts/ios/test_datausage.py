from datetime import UTC, datetime

from spytrace.artifacts.ios import datausage
from spytrace.model import Observable
from spytrace.testkit.ios_system import DataUsageDb, DataUsageDbWithoutFirstTimestamp

T1 = datetime(2021, 7, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2021, 7, 2, 9, 30, tzinfo=UTC)
T3 = datetime(2021, 7, 3, 10, 45, tzinfo=UTC)


def test_each_process_row_becomes_a_record_with_first_and_last_use_and_bytes(tmp_path):
    db = DataUsageDb(tmp_path)
    pk = db.add_process("bh/com.example.app", bundle_id="com.example.app", first=T1, last=T3)
    db.add_usage(pk, when=T2, wifi_in=100.0, wifi_out=20.0, wwan_in=5.0, wwan_out=1.0)
    db.add_usage(pk, when=T3, wifi_in=50.0, wwan_out=4.0)

    process, key_max = datausage.parse(db.build())

    assert process.locator == "ZPROCESS.Z_PK=1"
    assert process.source == "WirelessDomain/Library/Databases/DataUsage.sqlite"
    assert process.time == T3
    assert process.time_desc == "Last network use"
    assert process.message == "bh used the network"
    assert process.observables == Observable.of(process="bh", app_id="com.example.app")
    assert process.fields == {
        "kind": "process",
        "pk": 1,
        "process_name": "bh/com.example.app",
        "bundle_id": "com.example.app",
        "first_used": "2021-07-01T08:00:00Z",
        "wifi_in": 150,
        "wifi_out": 20,
        "wwan_in": 5,
        "wwan_out": 5,
        "usage_rows": 2,
        "last_live_usage": "2021-07-03T10:45:00Z",
    }
    assert key_max.locator == "Z_PRIMARYKEY.Z_ENT=2"
    assert key_max.time is None
    assert key_max.fields == {"kind": "key_max", "table": "ZPROCESS", "z_max": 1}


def test_a_process_without_traffic_or_bundle_keeps_only_what_it_has(tmp_path):
    db = DataUsageDb(tmp_path)
    db.add_process("mediaserverd", first=T1, last=T1)

    process, _ = datausage.parse(db.build())

    assert process.observables == Observable.of(process="mediaserverd")
    assert process.fields == {
        "kind": "process",
        "pk": 1,
        "process_name": "mediaserverd",
        "first_used": "2021-07-01T08:00:00Z",
    }


def test_traffic_of_a_deleted_process_row_is_kept_as_its_own_record(tmp_path):
    db = DataUsageDb(tmp_path)
    db.add_process("launchd", first=T1, last=T1)
    gone = db.add_process("roleaccountd", first=T2, last=T2)
    first_usage = db.add_usage(gone, when=T2, wwan_in=900.0, wwan_out=300.0)
    db.add_usage(gone, when=T3, wwan_in=100.0)
    db.delete_process(gone)

    records = list(datausage.parse(db.build()))

    assert [r.fields["kind"] for r in records] == ["process", "key_max", "orphan_usage"]
    orphan = records[2]
    assert orphan.locator == f"ZLIVEUSAGE.Z_PK={first_usage}"
    assert orphan.time == T3
    assert orphan.observables == ()
    assert orphan.fields == {
        "kind": "orphan_usage",
        "pk": 2,
        "wifi_in": 0,
        "wifi_out": 0,
        "wwan_in": 1000,
        "wwan_out": 300,
        "usage_rows": 2,
    }
    assert records[1].fields["z_max"] == 2


def test_an_older_schema_still_yields_rows_and_notes_the_missing_column(tmp_path):
    db = DataUsageDbWithoutFirstTimestamp(tmp_path)
    db.add_process("bh", last=T2)
    evidence = db.build()

    process, _ = datausage.parse(evidence)

    assert process.time == T2
    assert "first_used" not in process.fields
    assert evidence.notes == ["column ZPROCESS.ZFIRSTTIMESTAMP missing"]


def test_traffic_that_points_at_no_process_is_kept_as_its_own_record(tmp_path):
    db = DataUsageDb(tmp_path)
    db.add_process("launchd", first=T1, last=T1)
    first_usage = db.add_usage(None, when=T2, wifi_in=10.0)
    db.add_usage(None, when=T3, wifi_in=5.0)

    records = list(datausage.parse(db.build()))

    assert [r.fields["kind"] for r in records] == ["process", "key_max", "orphan_usage"]
    stray = records[2]
    assert stray.locator == f"ZLIVEUSAGE.Z_PK={first_usage}"
    assert stray.time == T3
    assert stray.message == "Network use that points at no process (ZHASPROCESS is empty)"
    assert stray.fields == {
        "kind": "orphan_usage",
        "wifi_in": 15,
        "wifi_out": 0,
        "wwan_in": 0,
        "wwan_out": 0,
        "usage_rows": 2,
    }
