from datetime import UTC, datetime

from spytrace.artifacts.android import dumpsys
from spytrace.testkit.android import (
    ALARM_WITH_CLOCK,
    PIXEL_PROPS,
    dumpstate,
    dumpsys_txt,
    evidence,
    service,
)


def test_sections_of_a_dumpstate_with_their_first_line_numbers(tmp_path):
    text = dumpstate(PIXEL_PROPS, [service("adb", "ADB MANAGER STATE"), service("package", "x")])
    file = evidence(tmp_path, dumpsys.DUMPSTATE, text)

    found = [(s.kind, s.name, s.line) for s in dumpsys.sections(file)]

    assert found == [
        ("command", "SYSTEM PROPERTIES", 11),
        ("command", "DUMPSYS", 32),
        ("service", "adb", 34),
        ("service", "package", 38),
    ]
    assert list(dumpsys.service_lines(file, "package")) == [(38, "x")]


def test_a_line_of_dashes_inside_a_dump_does_not_cut_the_section(tmp_path):
    body = "first\n--- not a separator\nlast"
    file = evidence(tmp_path, dumpsys.DUMPSYS, dumpsys_txt([service("dbinfo", body)]))

    assert [line for _, line in dumpsys.service_lines(file, "dbinfo")] == [
        "first",
        "--- not a separator",
        "last",
    ]


def test_a_priority_dump_is_found_under_its_service_name(tmp_path):
    text = "DUMP OF SERVICE CRITICAL SurfaceFlinger:\nLayers\n"
    file = evidence(tmp_path, dumpsys.DUMPSTATE, text)

    [section] = dumpsys.service(file, "SurfaceFlinger")

    assert section.line == 2


def test_the_clock_comes_from_persist_sys_timezone(tmp_path):
    file = evidence(tmp_path, dumpsys.DUMPSTATE, dumpstate(PIXEL_PROPS, []))

    clock = dumpsys.device_clock(file)

    assert clock.name == "Europe/Berlin"
    assert clock.to_utc("2024-01-15 12:00:00") == datetime(2024, 1, 15, 11, 0, tzinfo=UTC)
    assert clock.to_utc("2024-07-15 12:00:00.250") == datetime(
        2024, 7, 15, 10, 0, 0, 250000, tzinfo=UTC
    )


def test_without_a_zone_the_alarm_dump_gives_the_offset(tmp_path):
    file = evidence(tmp_path, dumpsys.DUMPSYS, dumpsys_txt([service("alarm", ALARM_WITH_CLOCK)]))

    clock = dumpsys.device_clock(file)

    assert clock.name == "UTC+02:00 (from dumpsys alarm)"
    assert clock.to_utc("2024-05-02-12-00-05") == datetime(2024, 5, 2, 10, 0, 5, tzinfo=UTC)
    assert not clock.assumed


def test_without_any_clock_times_are_read_as_utc_and_said_so(tmp_path):
    file = evidence(tmp_path, dumpsys.DUMPSYS, dumpsys_txt([service("package", "Packages:")]))

    clock = dumpsys.device_clock(file)

    assert clock.assumed
    assert clock.note() == "device time zone unknown: local times read as UTC"
    assert clock.to_utc("2024-05-02 12:00:00") == datetime(2024, 5, 2, 12, 0, tzinfo=UTC)


def test_component_names_give_their_package():
    assert dumpsys.package_of("com.example/.Service") == "com.example"
    assert dumpsys.package_of("ComponentInfo{com.example/com.example.A}") == "com.example"
