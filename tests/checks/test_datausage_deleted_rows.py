from datetime import UTC, datetime

from spytrace.artifacts.ios import datausage
from spytrace.checks.datausage_deleted_rows import CHECK, check
from spytrace.model import Evidence, Severity
from spytrace.testkit.ios_system import DataUsageDb
from spytrace.testkit.records import (
    datausage_key_max,
    datausage_orphan,
    datausage_process,
)

T1 = datetime(2021, 7, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2021, 7, 2, 9, 30, tzinfo=UTC)
T3 = datetime(2021, 7, 3, 10, 45, tzinfo=UTC)
SOURCE = "WirelessDomain/Library/Databases/DataUsage.sqlite"


def test_datausage_and_netusage_keys_are_judged_per_file():
    netusage = "private/var/networkd/netusage.sqlite"
    records = [
        datausage_process(1, "a"),
        datausage_process(3, "c"),  # DataUsage lacks key 2
        datausage_process(1, "b", source=netusage),
        datausage_process(2, "c", source=netusage),
    ]
    findings = list(check(records))
    assert "netusage" in CHECK.reads
    assert [(f.evidence.file, "key 2" in f.message) for f in findings] == [(SOURCE, True)]


def test_names_a_gap_in_the_middle_with_its_neighbours():
    records = [
        datausage_process(1, "launchd", first=T1),
        datausage_process(2, "mediaserverd", first=T1),
        datausage_process(5, "Safari/com.apple.mobilesafari", first=T3),
        datausage_key_max(5),
    ]

    [finding] = check(records)

    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "DataUsage ZPROCESS keys 3-4 deleted (2 rows): created after 'mediaserverd' "
        "(first used 2021-07-01T08:00:00Z) and before 'Safari/com.apple.mobilesafari' "
        "(first used 2021-07-03T10:45:00Z)"
    )
    assert finding.evidence == Evidence(SOURCE, "ZPROCESS.Z_PK=2")
    assert finding.related == (
        Evidence(SOURCE, "ZPROCESS.Z_PK=5"),
        Evidence(SOURCE, "Z_PRIMARYKEY.Z_ENT=2"),
    )
    assert finding.time == T1


def test_names_rows_deleted_at_the_end_from_z_max():
    records = [
        datausage_process(1, "launchd", first=T1),
        datausage_process(2, "bh", first=T2),
        datausage_key_max(4),
    ]

    [finding] = check(records)

    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "DataUsage ZPROCESS keys 3-4 deleted (2 rows): the last keys handed out, "
        "created after 'bh' (first used 2021-07-02T09:30:00Z)"
    )
    assert finding.evidence.locator == "ZPROCESS.Z_PK=2"
    assert [e.locator for e in finding.related] == ["Z_PRIMARYKEY.Z_ENT=2"]


def test_traffic_left_behind_by_a_deleted_row_raises_the_severity():
    records = [
        datausage_process(1, "launchd", first=T1),
        datausage_process(3, "Safari", first=T3),
        datausage_key_max(3),
        datausage_orphan(2, last=T2, first_usage_pk=7),
    ]

    [finding] = check(records)

    assert finding.severity is Severity.HIGH
    assert finding.message == (
        "DataUsage ZPROCESS key 2 deleted (1 row): created after 'launchd' "
        "(first used 2021-07-01T08:00:00Z) and before 'Safari' (first used "
        "2021-07-03T10:45:00Z); ZLIVEUSAGE still holds traffic of deleted key 2 "
        "(last at 2021-07-02T09:30:00Z), so the rows were removed behind Core Data's back"
    )
    assert Evidence(SOURCE, "ZLIVEUSAGE.Z_PK=7") in finding.related


def test_a_deleted_first_row_is_named_by_the_row_after_it():
    [finding] = check([datausage_process(2, "launchd", first=T1), datausage_key_max(2)])

    assert finding.message == (
        "DataUsage ZPROCESS key 1 deleted (1 row): created before 'launchd' "
        "(first used 2021-07-01T08:00:00Z)"
    )
    assert finding.time is None


def test_each_gap_is_its_own_finding_and_files_stay_apart():
    other = "private/var/wireless/Library/Databases/DataUsage.sqlite"
    records = [
        datausage_process(1, "a", first=T1),
        datausage_process(3, "b", first=T2),
        datausage_process(6, "c", first=T3),
        datausage_key_max(6),
        datausage_process(1, "x", first=T1, source=other),
        datausage_process(2, "y", first=T1, source=other),
        datausage_key_max(2, source=other),
    ]

    findings = list(check(records))

    assert [f.message.split(":")[0] for f in findings] == [
        "DataUsage ZPROCESS key 2 deleted (1 row)",
        "DataUsage ZPROCESS keys 4-5 deleted (2 rows)",
    ]


def test_quiet_on_a_clean_table():
    records = [
        datausage_process(1, "launchd", first=T1),
        datausage_process(2, "mediaserverd", first=T2),
        datausage_key_max(2),
    ]
    assert list(check(records)) == []


def test_quiet_without_z_max_when_keys_are_contiguous():
    assert list(check([datausage_process(1, "a"), datausage_process(2, "b")])) == []


def test_finds_a_planted_deletion_in_a_real_database(tmp_path):
    db = DataUsageDb(tmp_path)
    db.add_process("launchd", first=T1, last=T1)
    planted = db.add_process("bh", first=T2, last=T2)
    db.add_usage(planted, when=T2, wwan_in=4096.0)
    db.add_process("Safari", first=T3, last=T3)
    last = db.add_process("roleaccountd", first=T3, last=T3)
    db.delete_process(planted).delete_process(last)

    findings = list(check(datausage.parse(db.build())))

    assert [(f.severity, f.message.split(":")[0]) for f in findings] == [
        (Severity.HIGH, "DataUsage ZPROCESS key 2 deleted (1 row)"),
        (Severity.MEDIUM, "DataUsage ZPROCESS key 4 deleted (1 row)"),
    ]


def test_quiet_on_a_clean_real_database(tmp_path):
    db = DataUsageDb(tmp_path)
    pk = db.add_process("launchd", first=T1, last=T2)
    db.add_usage(pk, when=T2, wifi_in=1.0)
    db.add_process("Safari", first=T2, last=T3)
    assert list(check(datausage.parse(db.build()))) == []


def test_a_forged_z_max_is_one_cheap_range():
    [finding] = check([datausage_process(1, "launchd", first=T1), datausage_key_max(10**12)])
    assert finding.message.startswith(
        f"DataUsage ZPROCESS keys 2-{10**12} deleted ({10**12 - 1} rows)"
    )


def test_mvt_manipulated_entries_each_give_a_finding(tmp_path):
    # MVT reports every ZLIVEUSAGE row whose process is missing: here a deleted key (in a gap),
    # a link emptied to NULL and a key Core Data never hands out.
    db = DataUsageDb(tmp_path)
    db.add_process("launchd", first=T1, last=T1)
    gone = db.add_process("bh", first=T2, last=T2)
    db.add_usage(gone, when=T2, wwan_in=10.0)
    db.add_process("Safari", first=T3, last=T3)
    db.delete_process(gone)
    emptied = db.add_usage(None, when=T3, wifi_in=5.0)
    forged = db.add_usage(0, when=T2, wifi_in=1.0)

    findings = list(check(datausage.parse(db.build())))

    assert [(f.severity, f.evidence.locator) for f in findings] == [
        (Severity.HIGH, "ZPROCESS.Z_PK=1"),
        (Severity.HIGH, f"ZLIVEUSAGE.Z_PK={forged}"),
        (Severity.MEDIUM, f"ZLIVEUSAGE.Z_PK={emptied}"),
    ]
    assert findings[1].message == (
        "DataUsage ZLIVEUSAGE holds traffic (1 row, last at 2021-07-02T09:30:00Z) of process "
        "key 0, which Core Data never hands out: a forged link"
    )
    assert findings[2].message == (
        "DataUsage ZLIVEUSAGE holds traffic (1 row, last at 2021-07-03T10:45:00Z) that points "
        "at no process: its ZPROCESS row was deleted"
    )
    assert findings[2].time == T3
