"""The system build is debuggable or not a retail build, or the bootloader is unlocked.

`ro.debuggable=1` lets adb run as root and any app be debugged; `ro.secure=0` starts adb as
root; `userdebug`/`eng` builds and `test-keys` are not what phones ship with; an `orange`
verified-boot state or `ro.boot.flash.locked=0` means the bootloader is unlocked, the first
step to rooting or to flashing a modified system (AOSP verified boot documentation).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.artifact != "getprop":
            continue
        fields = record.fields
        reasons: list[tuple[Severity, str]] = []
        if fields.get("secure") == "0":
            reasons.append((Severity.HIGH, "ro.secure=0 (adb runs as root)"))
        if fields.get("debuggable") == "1":
            reasons.append((Severity.MEDIUM, "ro.debuggable=1 (every process can be debugged)"))
        if fields.get("build_type") in ("userdebug", "eng"):
            reasons.append((Severity.MEDIUM, f"a {fields['build_type']} build, not a retail one"))
        if "test-keys" in str(fields.get("build_tags") or ""):
            reasons.append((Severity.MEDIUM, "signed with test-keys"))
        if fields.get("verified_boot_state") == "orange" or fields.get("flash_locked") == "0":
            reasons.append((Severity.MEDIUM, "the bootloader is unlocked"))
        if not reasons:
            continue
        severity = max((s for s, _ in reasons), key=lambda s: s.rank)
        yield Finding.heuristic(
            record, severity, "Insecure system build: " + "; ".join(text for _, text in reasons)
        )


CHECK = Check("android_debuggable", reads=("getprop",), run=check)
