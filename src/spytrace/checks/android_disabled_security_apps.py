"""Security or system-update apps disabled on the phone.

Disabling the OEM's security agent or the updater keeps a phone from being patched or
scanned; androidqf's packages.json says which packages are disabled (`pm list packages -d`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

SECURITY = frozenset({"com.policydm", "com.samsung.android.app.omcagent",
                      "com.samsung.android.securitylogagent", "com.sec.android.soagent",
                      "com.google.android.gms.policy_sidecar_aps"})  # fmt: skip
UPDATES = frozenset({"com.android.updater", "com.google.android.gms", "com.huawei.android.hwouc",
                     "com.lge.lgdmsclient", "com.motorola.ccc.ota", "com.oneplus.opbackup",
                     "com.oppo.ota", "com.transsion.systemupdate", "com.wssyncmldm",
                     "com.google.android.configupdater"})  # fmt: skip


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        name = record.fields.get("package")
        if not record.fields.get("disabled") or not isinstance(name, str):
            continue
        if name in SECURITY:
            yield Finding.heuristic(record, Severity.MEDIUM, f"Security app {name} is disabled")
        elif name in UPDATES:
            yield Finding.heuristic(
                record, Severity.MEDIUM, f"System update component {name} is disabled"
            )


CHECK = Check("android_disabled_security_apps", reads=("androidqf_packages",), run=check)
