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
