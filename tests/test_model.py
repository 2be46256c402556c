from datetime import UTC, datetime, timedelta, timezone

import pytest

from spytrace.model import iso


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2024, 1, 1, tzinfo=UTC), "2024-01-01T00:00:00Z"),
        (datetime(2024, 1, 1, 1, 2, 3, 5, tzinfo=UTC), "2024-01-01T01:02:03.000005Z"),
        (datetime(2024, 1, 1, 1, 2, 3, 120000, tzinfo=UTC), "2024-01-01T01:02:03.120000Z"),
        (datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "9999-12-31T23:59:59.999999Z"),
        (datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2))), "2024-01-01T00:00:00+02:00"),
        (datetime(2024, 1, 1, tzinfo=timezone(timedelta(0))), "2024-01-01T00:00:00Z"),
        (
            datetime(2024, 1, 1, tzinfo=timezone(timedelta(seconds=30))),
            "2024-01-01T00:00:00+00:00:30",
        ),
        (datetime(2024, 1, 1, 8), "2024-01-01T08:00:00"),
        (None, None),
    ],
)
def test_iso_writes_what_isoformat_writes_with_z_for_utc(moment, text):
    assert iso(moment) == text


def test_json_safe_keeps_a_plain_record_as_it_is_and_converts_the_rest():
    from spytrace.model import json_safe

    plain = {"a": "x", "n": 1, "f": 1.5, "b": True, "none": None, "list": ["x", 2]}
    assert json_safe(plain) is plain

    when = datetime(2024, 1, 1, tzinfo=UTC)
    mixed = {"blob": b"\x01\xff", "nested": {"when": when}, "list": ["x", b"\x02"], "t": (1, 2)}
    assert json_safe(mixed) == {
        "blob": "01ff",
        "nested": {"when": when},  # msgspec writes it as iso() would
        "list": ["x", "02"],
        "t": [1, 2],
    }
