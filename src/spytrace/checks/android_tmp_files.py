"""Files in /data/local/tmp: the one place adb (and exploits running as shell) can write.

On a phone nobody develops on, /data/local/tmp is empty but for the acquisition tool's own
collector. Exploit chains drop their stages there; an executable file is a high lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

TMP = "/data/local/tmp/"
# androidqf's own helper (modules/files.go skips it too).
OWN = ("/data/local/tmp/collector", "/data/local/tmp/androidqf")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        path = str(record.fields.get("path") or "")
        if not path.startswith(TMP) or path.startswith(OWN):
            continue
        mode = str(record.fields.get("mode") or "")
        executable = _executable(mode)
        yield Finding.heuristic(
            record,
            Severity.HIGH if executable else Severity.MEDIUM,
            f"{'Executable file' if executable else 'File'} in /data/local/tmp: {path}",
        )


def _executable(mode: str) -> bool:
    if mode.isdigit():
        return any(int(d) & 1 for d in mode[-3:])
    return "x" in mode[1:] or "s" in mode[1:]


CHECK = Check(
    "android_tmp_files", reads=("android_files",), run=check, select={"android_files": (TMP,)}
)
