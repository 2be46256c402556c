from datetime import UTC, date, datetime

from spytrace.artifacts.ios import backup_info, device_info
from spytrace.checks.ios_outdated import (
    bundled_table,
    check,
    table_from,
    version_key,
)
from spytrace.model import Evidence, Severity
from spytrace.testkit.ios_system import backup_info_plist, system_version_plist
from spytrace.testkit.records import backup_info as info_record
from spytrace.testkit.records import device_info as dump_record

TABLE = table_from(
    {
        "updated": "2024-12-01",
        "releases": [
            {"version": "17.5", "builds": ["21F79"], "released": "2024-05-13"},
            {"version": "17.5.1", "builds": ["21F90"], "released": "2024-05-20"},
            {"version": "17.7.2", "builds": ["21H221"], "released": "2024-11-19"},
            {"version": "17.7.3", "builds": ["21H305"], "released": None, "platform": "iPadOS"},
            {"version": "18.0", "builds": ["22A3354"], "released": "2024-09-16"},
        ],
    }
)


def test_an_outdated_build_names_the_release_it_misses():
    record = info_record(product_version="17.5", build_version="21F79")

    [finding] = check([record], TABLE)

    assert finding.severity is Severity.LOW
    assert finding.message == (
        "iOS 17.5 (21F79) is 2 releases behind iOS 17.7.2 (21H221), released 2024-11-19, "
        "the newest iOS 17 release spytrace knows; the updates it misses fix security flaws"
    )
    assert finding.evidence == Evidence("Info.plist", "Info.plist")


def test_ipad_only_releases_count_only_for_ipads():
    iphone = info_record(product_version="17.7.2", build_version="21H221")
    ipad = info_record(product_version="17.7.2", build_version="21H221", product_type="iPad7,5")

    assert list(check([iphone], TABLE)) == []
    [finding] = check([ipad], TABLE)
    assert finding.message.startswith("iOS 17.7.2 (21H221) is 1 release behind iOS 17.7.3")
    assert ", released" not in finding.message


def test_an_unknown_build_falls_back_to_the_version():
    [finding] = check([info_record(product_version="17.5.1", build_version="21F5073b")], TABLE)
    assert finding.message.startswith("iOS 17.5.1 (21F5073b) is 1 release behind iOS 17.7.2")


def test_an_unknown_build_and_version_is_info():
    [finding] = check([info_record(product_version="13.7", build_version="17H35")], TABLE)

    assert finding.severity is Severity.INFO
    assert finding.message == (
        "Unknown iOS build: iOS 13.7 (17H35) is not in spytrace's release table (updated "
        "2024-12-01), so it cannot tell whether the device is up to date"
    )


def test_a_build_without_a_version_is_looked_up():
    [finding] = check([dump_record(product_version=None, build_version="21F79")], TABLE)
    assert finding.message.startswith("iOS 17.5 (21F79) is 2 releases behind")


def test_quiet_when_up_to_date_or_newer_than_the_table():
    assert list(check([info_record(product_version="18.0", build_version="22A3354")], TABLE)) == []
    assert list(check([info_record(product_version="18.1", build_version="22B83")], TABLE)) == []
    assert list(check([info_record(product_version=None, build_version=None)], TABLE)) == []


def test_the_same_device_seen_twice_is_judged_once():
    records = [
        dump_record(product_version="17.5", build_version="21F79"),
        info_record(product_version="17.5", build_version="21F79"),
    ]

    [finding] = check(records, TABLE)

    assert finding.artifact == "backup_info"


def test_planted_outdated_backup_and_dump_with_the_bundled_table(tmp_path):
    backup = backup_info.parse(
        backup_info_plist(tmp_path, product_version="16.5", build_version="20F66")
    )
    dump = device_info.parse(
        system_version_plist(tmp_path, product_version="26.7.1", build_version="23H30")
    )

    [finding] = check([*backup, *dump])

    assert finding.severity is Severity.LOW
    assert finding.message.startswith(
        "iOS 16.5 (20F66) is 20 releases behind iOS 16.7.16 (20H392), released 2026-05-11"
    )


def test_the_bundled_table_covers_ios_14_to_26():
    table = bundled_table()

    # Apple went from iOS 18 to iOS 26 (versions named after the year).
    assert {r.key[0] for r in table.releases} >= {14, 15, 16, 17, 18, 26}
    assert table.by_build("21F79").version == "17.5"
    assert table.by_build("21F79").released == date(2024, 5, 13)
    assert table.by_build("18H107").version == "14.8.1"
    assert table.by_build("22G100").version == "18.6.2"
    assert table.by_build("23A341").version == "26.0"
    builds = [b for r in table.releases for b in r.builds]
    assert len(builds) == len(set(builds))
    for release in table.releases:
        assert version_key(release.version) is not None
        assert release.builds


def test_version_keys():
    assert version_key("18.0") == version_key("18") == (18,)
    assert version_key("17.5.1") == (17, 5, 1)
    assert version_key("17.x") is None
    assert version_key(None) is None


def test_dates_in_the_bundled_table_grow_with_versions():
    for major in (14, 15, 16, 17, 18, 26, 27):
        dated = [r for r in bundled_table().line(major, ipad=True) if r.released]
        assert [r.released for r in dated] == sorted(r.released for r in dated), major
    assert datetime(2020, 9, 16, tzinfo=UTC).date() == bundled_table().by_build("18A373").released
