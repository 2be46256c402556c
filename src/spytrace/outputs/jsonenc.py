"""Deterministic JSON: sorted keys, UTF-8, the same bytes for the same data."""

from __future__ import annotations

from typing import Any

import msgspec

_ENCODER = msgspec.json.Encoder(order="sorted")


def dumps(value: Any) -> bytes:
    return _ENCODER.encode(value)


def dumps_pretty(value: Any) -> bytes:
    return msgspec.json.format(_ENCODER.encode(value), indent=2) + b"\n"


def loads(data: bytes) -> Any:
    return msgspec.json.decode(data)
