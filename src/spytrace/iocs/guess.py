"""Which observable kinds a value given on the command line could be."""

from __future__ import annotations

from spytrace.iocs import normalize

_UUID_LENGTH = 36


def guess_kinds(value: str) -> tuple[str, ...]:
    text = value.strip()
    if "://" in text:
        return ("url",)
    if "@" in text:
        return ("email",)
    if normalize.ip(text) is not None:
        return ("ip",)
    if normalize.hex_digest(text) is not None:
        return ("file_hash", "cert_hash")
    if text.startswith(("/", "~")):
        return ("file_path",)
    if len(text) == _UUID_LENGTH and text.count("-") == 4:
        return ("profile_id",)
    if "/" in text:
        return ("url",)
    if "." in text:
        # com.example.app is as much a domain as an app id; ro.debuggable a property.
        return ("domain", "app_id", "android_property", "file_name", "process")
    return ("process", "file_name", "app_id")
