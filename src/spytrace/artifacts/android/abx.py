"""Android Binary XML (ABX), the format system_server writes its XML state in since Android 12.

Layout (frameworks/base BinaryXmlSerializer): the magic `ABX\\0`, then tokens. A token is one
byte, the XmlPullParser event in the low nibble (0 start document, 1 end document, 2 start
tag, 3 end tag, 4 text... 15 attribute) and the value type in the high nibble (1 null,
2 string, 3 interned string, 4 hex bytes, 5 base64 bytes, 6 int, 7 hex int, 8 long, 9 hex
long, 10 float, 11 double, 12 true, 13 false). Strings are a big-endian u16 length and UTF-8;
an interned string is a u16 index into the strings seen so far, 0xFFFF announcing a new one.
Only elements and their attributes are read; text is skipped.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = b"ABX\x00"
_FIXED = {6: 4, 7: 4, 8: 8, 9: 8, 10: 4, 11: 8}


@dataclass(frozen=True, slots=True)
class Element:
    tag: str
    attributes: dict[str, object] = field(default_factory=dict)


class AbxError(ValueError):
    pass


def elements(data: bytes) -> list[Element]:
    """Every element of an ABX document in order; AbxError if it is not one or is cut short."""
    if not data.startswith(MAGIC):
        raise AbxError("not Android binary XML (no ABX magic)")
    reader = _Reader(data, len(MAGIC))
    found: list[Element] = []
    current: Element | None = None
    while reader.position < len(data):
        token = reader.byte()
        event, kind = token & 0x0F, token >> 4
        if event == 15:
            name = reader.interned()
            value = reader.value(kind)
            if current is not None:
                current.attributes[name] = value
        elif event == 2:
            current = Element(reader.interned())
            found.append(current)
        elif event == 3:
            reader.interned()
            current = None
        elif event == 1:
            break
        elif event == 0:
            continue
        else:
            reader.value(kind)
    return found


class _Reader:
    def __init__(self, data: bytes, position: int) -> None:
        self.data = data
        self.position = position
        self.pool: list[str] = []

    def take(self, count: int) -> bytes:
        end = self.position + count
        if end > len(self.data):
            raise AbxError("binary XML cut short")
        chunk = self.data[self.position : end]
        self.position = end
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def short(self) -> int:
        value: int = struct.unpack(">H", self.take(2))[0]
        return value

    def utf(self) -> str:
        return self.take(self.short()).decode("utf-8", "replace")

    def interned(self) -> str:
        index = self.short()
        if index == 0xFFFF:
            text = self.utf()
            self.pool.append(text)
            return text
        if index >= len(self.pool):
            raise AbxError("binary XML refers to an unknown string")
        return self.pool[index]

    def value(self, kind: int) -> object:
        if kind == 1:
            return None
        if kind == 2:
            return self.utf()
        if kind == 3:
            return self.interned()
        if kind in (4, 5):
            return self.take(self.short())
        if kind in _FIXED:
            raw = self.take(_FIXED[kind])
            form = {6: ">i", 7: ">i", 8: ">q", 9: ">q", 10: ">f", 11: ">d"}[kind]
            number: object = struct.unpack(form, raw)[0]
            return number
        if kind in (12, 13):
            return kind == 12
        raise AbxError(f"unknown binary XML value type {kind}")
