"""The plain text inside a Messages `attributedBody`: an NSAttributedString archived by NSArchiver.

NSArchiver writes Apple's "typedstream" format (`04 0B "streamtyped" 81 E8 03 ...`). The text of
the attributed string is the first NSString in the stream: after the class chain
(`NSAttributedString` or `NSMutableAttributedString`, ..., `NSString`) comes the type tag `+`
and then the UTF-8 bytes, prefixed by their length as a typedstream integer: one byte below
0x80, or 0x81 and a little-endian int16, or 0x82 and a little-endian int32.
Sources: the hex dump in "Inspecting files of type NeXT/Apple typedstream" (mcmap.net, 2013);
C. Sardegna, "Reverse Engineering Apple's typedstream Format" (chrissardegna.com); the integer
tags as documented by the dkdc-io-imessage crate (docs.rs).

Only that one string is read; everything else in the stream (attribute runs, NSURL attributes,
data detector results) is skipped, so a damaged or unexpected archive costs just its text.
"""

from __future__ import annotations

_MAGIC = b"streamtyped"
_CLASS = b"NSString"
# Class version, superclass reference, then a new type string of length 1: "+".
_TYPE_WINDOW = 16
_TYPE_TAG = b"\x84\x01+"
_INT16 = 0x81
_INT32 = 0x82


def attributed_text(blob: object) -> str | None:
    """The message text in an `attributedBody` blob, or None when there is none to be had."""
    if not isinstance(blob, bytes) or _MAGIC not in blob[:16]:
        return None
    start = blob.find(_CLASS)
    if start < 0:
        return None
    start += len(_CLASS)
    tag = blob.find(_TYPE_TAG, start, start + _TYPE_WINDOW)
    if tag < 0:
        return None
    at = tag + len(_TYPE_TAG)
    length, at = _read_length(blob, at)
    if length is None or at + length > len(blob):
        return None
    return blob[at : at + length].decode("utf-8", "replace")


def _read_length(blob: bytes, at: int) -> tuple[int | None, int]:
    if at >= len(blob):
        return None, at
    head = blob[at]
    if head < 0x80:
        return head, at + 1
    size = {_INT16: 2, _INT32: 4}.get(head)
    if size is None or at + 1 + size > len(blob):
        return None, at
    value = int.from_bytes(blob[at + 1 : at + 1 + size], "little", signed=True)
    return (value if value >= 0 else None), at + 1 + size
