"""A minimal reader of the protobuf wire format, enough for Android's tombstone.proto.

Wire types (protobuf encoding documentation): 0 varint, 1 fixed 64-bit, 2 length-delimited
(strings, bytes, nested messages), 5 fixed 32-bit; 3 and 4 (groups) are obsolete. A message
is read into {field number: [values]}, nested messages left as bytes for the caller.
"""

from __future__ import annotations


class ProtobufError(ValueError):
    pass


def fields(data: bytes) -> dict[int, list[int | bytes]]:
    found: dict[int, list[int | bytes]] = {}
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 2:
            length, position = _varint(data, position)
            if position + length > len(data):
                raise ProtobufError("length-delimited field runs past the end")
            value = data[position : position + length]
            position += length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if position + size > len(data):
                raise ProtobufError("fixed-size field runs past the end")
            value = int.from_bytes(data[position : position + size], "little")
            position += size
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        if number == 0:
            raise ProtobufError("field number 0")
        found.setdefault(number, []).append(value)
    return found


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ProtobufError("truncated or overlong varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def text(values: list[int | bytes] | None) -> str:
    """The first value of a string field, or ""."""
    if not values or not isinstance(values[0], bytes):
        return ""
    return values[0].decode("utf-8", "replace")


def number(values: list[int | bytes] | None) -> int | None:
    if not values or not isinstance(values[0], int):
        return None
    return values[0]
