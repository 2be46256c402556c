from datetime import UTC, datetime, timedelta

from spytrace.checks.triangulation_pattern import CHECK, check
from spytrace.model import Evidence, Record, Severity
from spytrace.testkit.records import datausage_process

T = datetime(2023, 5, 2, 14, 0, tzinfo=UTC)
LISTING = "spytrace:filesystem-listing.jsonl"


def fs(path: str, when: datetime) -> Record:
    return Record(
        "filesystem", LISTING, f"entry {path[1:]}", when, "m", {"path": path, "kind": "file"}
    )


def test_attachment_plist_and_backupagent_within_minutes_are_medium_with_the_window():
    agent = datausage_process(
        7, "BackupAgent", first=T + timedelta(minutes=2), last=T + timedelta(days=3)
    )
    records = [
        fs("/private/var/mobile/Library/SMS/Attachments/0a/10/AB12/IMG_0001.heic", T),
        fs(
            "/private/var/mobile/Library/Preferences/com.apple.ImageIO.plist",
            T + timedelta(minutes=3),
        ),
        fs(
            "/private/var/mobile/Library/Preferences/com.apple.locationd.StatusBarIconManager.plist",
            T + timedelta(days=1),
        ),
        agent,
    ]

    [finding] = check(records)

    assert finding.severity is Severity.MEDIUM
    assert finding.evidence.locator == "ZPROCESS.Z_PK=7"
    assert finding.message == (
        "Operation Triangulation pattern between 2023-05-02T14:00:00Z and 2023-05-02T14:03:00Z: "
        "BackupAgent used the network at 2023-05-02T14:02:00Z, 1 change(s) in the SMS "
        "attachments folder and /private/var/mobile/Library/Preferences/com.apple.ImageIO.plist "
        "modified in the same minutes"
    )
    assert finding.related == (
        Evidence(
            LISTING, "entry private/var/mobile/Library/SMS/Attachments/0a/10/AB12/IMG_0001.heic"
        ),
        Evidence(LISTING, "entry private/var/mobile/Library/Preferences/com.apple.ImageIO.plist"),
    )


def test_one_part_of_the_pattern_alone_is_quiet():
    records = [
        fs("/private/var/mobile/Library/SMS/Attachments/0a/10/AB12/IMG_0001.heic", T),
        datausage_process(7, "BackupAgent", first=T, last=T),
        datausage_process(8, "BackupAgent2", first=T, last=T),
    ]
    assert not list(check(records))


def test_the_selected_records_give_the_same_findings_as_all_of_them():
    from spytrace.checks.triangulation_pattern import SELECT
    from spytrace.outputs.jsonenc import dumps
    from spytrace.outputs.records_jsonl import record_to_json

    records = [
        fs("/private/var/mobile/Library/SMS/Attachments/0a/10/AB12/IMG_0001.heic", T),
        fs(
            "/private/var/mobile/Library/Preferences/com.apple.ImageIO.plist",
            T + timedelta(minutes=3),
        ),
        fs("/private/var/mobile/Library/Preferences/com.example.other.plist", T),
        fs("/private/var/mobile/Media/DCIM/100APPLE/IMG_0002.HEIC", T),
        datausage_process(7, "BackupAgent", first=T + timedelta(minutes=2), last=T),
        datausage_process(8, "mobilesafari", first=T, last=T),
    ]
    selected = [r for r in records if any(s.encode() in dumps(record_to_json(r)) for s in SELECT)]
    assert set(CHECK.select) == set(CHECK.reads)
    assert len(selected) == 3
    assert list(check(selected)) == list(check(records))
