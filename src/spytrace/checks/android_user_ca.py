"""CA certificates added by the user: whoever holds the CA's key can read the phone's TLS.

Android stores them in /data/misc/user/<n>/cacerts-added/. Corporate networks install
them legitimately; a stalker or an interception kit installs one to read traffic. Read from
the certificates a bugreport copied and from androidqf's file list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

USER_CA = re.compile(r"^/data/misc/user/\d+/cacerts-added/[^/]+$")


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.artifact == "android_user_ca":
            yield Finding.heuristic(
                record, Severity.MEDIUM,
                f"User-installed CA certificate {record.fields.get('subject')} "
                "(can intercept encrypted traffic)",
            )  # fmt: skip
        elif record.artifact == "android_files":
            path = str(record.fields.get("path") or "")
            if USER_CA.match(path):
                yield Finding.heuristic(
                    record, Severity.MEDIUM,
                    f"User-installed CA certificate file {path} (can intercept encrypted traffic)",
                )  # fmt: skip


CHECK = Check(
    "android_user_ca",
    reads=("android_user_ca", "android_files"),
    run=check,
    select={"android_files": ("cacerts-added",)},
)
