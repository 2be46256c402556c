"""What the Android checks share: who installed a package, whether it is a system one.

A package is a system package when the evidence says so (the SYSTEM flag of dumpsys
package, `system: true` in androidqf packages.json); when the evidence holds no entry for
it, data/android_system_packages.txt (exact names) decides. Stores and installer apps are
named from their package names (Google Play, OEM stores; AOSP and OEM package installers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

from spytrace.model import Record

PACKAGE_ARTIFACTS = ("dumpsys_package", "androidqf_packages")
# App stores that vet what they distribute, by their package names.
OFFICIAL_STORES = frozenset({
    "com.android.vending",  # Google Play
    "com.sec.android.app.samsungapps",  # Galaxy Store
    "com.huawei.appmarket",  # AppGallery
    "com.xiaomi.market", "com.xiaomi.mipicks",  # GetApps
    "com.heytap.market", "com.oppo.market",  # OPPO / realme App Market
    "com.bbk.appstore", "com.vivo.appstore",  # vivo App Store
    "com.amazon.venezia",  # Amazon Appstore
    "com.google.android.feedback",  # Play Store installs on older releases
    "com.android.managedprovisioning",  # set up by the device's own provisioning
})  # fmt: skip
# The system UI that installs an APK file the user opened (a download, a file manager).
PACKAGE_INSTALLERS = frozenset({
    "com.android.packageinstaller",
    "com.google.android.packageinstaller",
    "com.samsung.android.packageinstaller",
    "com.miui.packageinstaller",
})  # fmt: skip
# Stores outside the vetted ones: legitimate, but nothing checks what they carry.
THIRD_PARTY_STORES = frozenset({
    "org.fdroid.fdroid", "org.fdroid.basic", "com.aurora.store", "com.apkpure.aegon",
    "com.uptodown", "com.aptoide.pt", "cm.aptoide.pt", "com.apkmirror.helper.prod",
    "com.looker.droidify", "com.machiav3lli.fdroid", "dev.imranr.obtainium",
})  # fmt: skip
ADB_SHELL = "com.android.shell"


@dataclass(slots=True)
class PackageFacts:
    name: str
    system: bool | None = None
    installer: str | None = None
    initiating: str | None = None
    originating: str | None = None
    source: str | None = None
    installed: datetime | None = None
    granted: set[str] = field(default_factory=set)
    records: list[Record] = field(default_factory=list)


@cache
def known_system_packages() -> frozenset[str]:
    text = resources.files("spytrace.data").joinpath("android_system_packages.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class Packages:
    """Package facts gathered from the package records a check reads first."""

    def __init__(self) -> None:
        self.by_name: dict[str, PackageFacts] = {}

    def add(self, record: Record) -> bool:
        """Take in a package record; False when the record is of another artifact."""
        if record.artifact not in PACKAGE_ARTIFACTS:
            return False
        fields = record.fields
        name = fields.get("package")
        if not isinstance(name, str) or not name:
            return True
        facts = self.by_name.setdefault(name, PackageFacts(name))
        if isinstance(fields.get("system"), bool):
            facts.system = bool(facts.system) or bool(fields["system"])
        facts.installer = facts.installer or _text(fields.get("installer"))
        facts.initiating = facts.initiating or _text(fields.get("initiating_package"))
        facts.originating = facts.originating or _text(fields.get("originating_package"))
        facts.source = facts.source or _text(fields.get("package_source"))
        if record.artifact == "dumpsys_package" and record.time_desc == "Package first installed":
            facts.installed = facts.installed or record.time
        granted = fields.get("granted_permissions")
        if isinstance(granted, list):
            facts.granted.update(p for p in granted if isinstance(p, str))
        facts.records.append(record)
        return True

    def is_system(self, name: str) -> bool:
        facts = self.by_name.get(name)
        if facts is not None and facts.system is not None:
            return facts.system
        return name in known_system_packages()

    def known(self, name: str) -> bool:
        return name in self.by_name

    def evidence(self, name: str) -> list[Record]:
        facts = self.by_name.get(name)
        return facts.records[:2] if facts else []


def split_components(value: object) -> list[str]:
    """`pkg/.A:pkg2/cls` (a secure setting listing enabled components) -> the components."""
    if not isinstance(value, str):
        return []
    return [c.strip() for c in value.split(":") if "/" in c]


def package_of(component: str) -> str:
    return component.split("/", 1)[0].strip()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def first_of(records: Iterable[Record], artifact: str) -> Record | None:
    return next((r for r in records if r.artifact == artifact), None)
