"""SELinux is permissive: the policy that confines every process on Android is not enforced.

Retail phones enforce SELinux; permissive mode comes from a rooted or custom build, or from
an exploit that switched it off (`getenforce`, ro.boot.selinux).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.artifact == "android_selinux" and record.fields.get("mode") == "permissive":
            yield Finding.heuristic(
                record, Severity.HIGH, "SELinux is permissive (getenforce): it is not enforced"
            )
        elif record.artifact == "getprop" and record.fields.get("selinux") == "permissive":
            yield Finding.heuristic(
                record, Severity.HIGH, "The phone boots with SELinux permissive (ro.boot.selinux)"
            )


CHECK = Check("android_selinux_permissive", reads=("android_selinux", "getprop"), run=check)
