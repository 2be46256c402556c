"""Apps installed outside a vetted store: from an APK a browser downloaded, over adb, by a
third-party store or by another app — and not part of the system.

Stalkerware is not in Google Play: it is installed from the vendor's site (an APK opened in
the package installer, originating package = the browser) or over adb by someone holding
the phone. Evidence: the installer (`installerPackageName`, androidqf `installer`), the
initiating package (com.android.shell for `adb install`, Android 11+), the originating app
and PackageInstaller's package source (Android 13+). System packages and vetted stores'
installs are left out; third-party stores (F-Droid, Aurora...) are a low lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.checks.android_common import (
    ADB_SHELL,
    OFFICIAL_STORES,
    PACKAGE_ARTIFACTS,
    PACKAGE_INSTALLERS,
    THIRD_PARTY_STORES,
)
from spytrace.model import Check, Finding, Record, Severity


def check(records: Iterable[Record]) -> Iterator[Finding]:
    by_package: dict[str, list[Record]] = {}
    for record in records:
        name = record.fields.get("package")
        if record.artifact in PACKAGE_ARTIFACTS and isinstance(name, str) and name:
            by_package.setdefault(name, []).append(record)
    for name, found in by_package.items():
        if any(r.fields.get("system") for r in found):
            continue
        verdict = _verdict(found)
        if verdict is None:
            continue
        severity, how = verdict
        first = found[0]
        when = next((r.fields.get("first_install_time") for r in found
                     if r.fields.get("first_install_time")), None)  # fmt: skip
        message = f"{name} was installed {how}, outside a vetted app store"
        if when:
            message += f" (first installed {when})"
        yield Finding.heuristic(first, severity, message, related=found[1:])


def _verdict(found: list[Record]) -> tuple[Severity, str] | None:
    installer = next((r.fields.get("installer") for r in found if r.fields.get("installer")), None)
    initiating = next((r.fields.get("initiating_package") for r in found
                       if r.fields.get("initiating_package")), None)  # fmt: skip
    originating = next((r.fields.get("originating_package") for r in found
                        if r.fields.get("originating_package")), None)  # fmt: skip
    source = next((r.fields.get("package_source") for r in found
                   if r.fields.get("package_source")), None)  # fmt: skip
    if installer in OFFICIAL_STORES:
        return None
    if installer in THIRD_PARTY_STORES:
        return Severity.LOW, f"by the third-party store {installer}"
    if installer in PACKAGE_INSTALLERS or source in ("downloaded file", "local file"):
        origin = f", downloaded with {originating}" if originating else ""
        return Severity.MEDIUM, f"from an APK file{origin} (installer {installer or 'none'})"
    if installer is None:
        if initiating == ADB_SHELL:
            return Severity.MEDIUM, "over adb (adb install, initiated by com.android.shell)"
        return Severity.MEDIUM, "with no installer recorded (adb or a direct APK install)"
    return Severity.MEDIUM, f"by the app {installer}, which is not an app store"


CHECK = Check("android_sideloaded", reads=PACKAGE_ARTIFACTS, run=check)
