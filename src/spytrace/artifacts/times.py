"""Timestamps as devices store them, turned into aware UTC datetimes (None when unusable)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_COCOA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WEBKIT_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
# Anything outside these years is a placeholder or garbage, not a moment worth a timeline row.
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _plausible(moment: datetime) -> datetime | None:
    return moment if _EARLIEST <= moment < _LATEST else None


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str | bytes):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def cocoa_time(value: object) -> datetime | None:
    """Apple's absolute time: seconds since 2001-01-01 UTC (nanoseconds in sms.db since iOS 11)."""
    # Exact type tests first: this runs for several times of every message and visit.
    number = value if type(value) is int or type(value) is float else _number(value)
    if not number:
        return None
    if abs(number) > 1e14:  # nanoseconds: seconds never get that large before year 5000
        number /= 1e9
    try:
        return _plausible(_COCOA_EPOCH + timedelta(seconds=number))
    except OverflowError:
        return None


def unix_time(value: object) -> datetime | None:
    """Seconds, milliseconds, microseconds or nanoseconds since 1970, told apart by size."""
    number = _number(value)
    if not number:
        return None
    for scale in (1, 1_000, 1_000_000, 1_000_000_000):
        if abs(number) / scale < 1e10:  # before year 2286
            try:
                if _is_int(value):  # exact: no float rounding of micro/nanoseconds
                    micros = value * 1_000_000 // scale  # type: ignore[operator]
                    return _plausible(_UNIX_EPOCH + timedelta(microseconds=micros))
                return _plausible(_UNIX_EPOCH + timedelta(seconds=number / scale))
            except OverflowError:
                return None
    return None


def webkit_time(value: object) -> datetime | None:
    """Chrome's microseconds since 1601-01-01 UTC."""
    # Whole numbers stay integers: these values pass 2**53, where a float loses microseconds.
    number: float | int | None = value if _is_int(value) else _number(value)  # type: ignore[assignment]
    if not number:
        return None
    try:
        return _plausible(_WEBKIT_EPOCH + timedelta(microseconds=number))
    except OverflowError:
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_utc(moment: datetime | None) -> datetime | None:
    """A datetime from a plist (naive, meaning UTC) or already aware, as aware UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return _plausible(moment.replace(tzinfo=UTC))
    return _plausible(moment.astimezone(UTC))
