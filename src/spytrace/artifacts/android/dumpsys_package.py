"""dumpsys package: every installed package, its version, installer, install times,
signatures and permissions.

The `Packages:` block lists `  Package [name] (hash):` then `key=value` lines (PackageManager
dumpPackageLPr). Layouts differ by release:
- Android 10: `userId=`, package-level `firstInstallTime=`, `installerPackageName=` only
  when set, `User 0: ... installed=true ...` then per-user runtime permissions;
- Android 11 and later: `appId=`, `installerPackageName=`/`installerPackageUid=`,
  `initiatingPackageName=` (com.android.shell for `adb install`), `originatingPackageName=`
  (the browser a downloaded APK came from), `packageSource=` (PackageInstaller
  PACKAGE_SOURCE_*: 0 unspecified, 1 other, 2 store, 3 local file, 4 downloaded file);
  Android 13+ moves `firstInstallTime=` under each `User N:` line.
Signatures are PackageSignatures identity hashes, not certificate digests. `Hidden system
packages:` (the factory copies of updated system apps) are not listed twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "dumpsys_package"
PATHS = dumpsys.DUMPSYS_PATHS
PACKAGE_SOURCES = {
    "0": "unspecified",
    "1": "other",
    "2": "store",
    "3": "local file",
    "4": "downloaded file",
}
_PACKAGE = re.compile(r"^  Package \[([^\]]+)\] \(([0-9a-f]+)\):")
_USER = re.compile(r"^\s+User (\d+): (.*)$")
_KEY = re.compile(r"^\s+([A-Za-z][\w]*)=(.*)$")
_VERSION = re.compile(r"versionCode=(-?\d+)(?: minSdk=(\d+))?(?: targetSdk=(\d+))?")
_SIGNATURES = re.compile(r"signatures:\[([^\]]*)\]")
_PERMISSION = re.compile(r"^\s+([\w.]+): granted=(true|false)")
_USER_KEYS = frozenset({"firstInstallTime", "installReason", "uninstallReason"})
_LISTS = {
    "requested permissions:": "requested",
    "install permissions:": "install",
    "runtime permissions:": "runtime",
    "declared permissions:": "declared",
    "usesLibraries:": "other",
    "usesOptionalLibraries:": "other",
    "usesLibraryFiles:": "other",
    "disabledComponents:": "other",
    "enabledComponents:": "other",
}


def parse(file: EvidenceFile) -> Iterator[Record]:
    clock = dumpsys.device_clock(file)
    current: dict[str, Any] | None = None
    in_packages = False
    for number, line in dumpsys.service_lines(file, "package"):
        if line and not line.startswith(" "):
            if current is not None:
                yield _record(file, current, clock)
                current = None
            in_packages = line.startswith("Packages:")
            continue
        if not in_packages:
            continue
        if match := _PACKAGE.match(line):
            if current is not None:
                yield _record(file, current, clock)
            current = _new(match.group(1), number)
            continue
        if current is not None and line.strip():
            _read_line(current, line)
    if current is not None:
        yield _record(file, current, clock)


def _new(name: str, number: int) -> dict[str, Any]:
    return {
        "name": name,
        "line": number,
        "values": {},
        "requested": [],
        "install": [],
        "runtime": {},
        "users": {},
        "list": None,
        "user": None,
        "version": None,
    }


def _read_line(package: dict[str, Any], line: str) -> None:
    stripped = line.strip()
    if stripped in _LISTS:
        package["list"] = _LISTS[stripped]
        return
    if match := _USER.match(line):
        user, rest = match.group(1), match.group(2)
        package["user"] = user
        package["list"] = None
        state = dict(re.findall(r"(\w+)=(\S+)", rest))
        package["users"][user] = {
            "installed": state.get("installed") == "true",
            "enabled": state.get("enabled"),
            "hidden": state.get("hidden") == "true",
            "suspended": state.get("suspended") == "true",
        }
        return
    kind = package["list"]
    indent = len(line) - len(line.lstrip())
    if kind is not None and indent >= 6:
        granted = _PERMISSION.match(line)
        if kind == "requested":
            package["requested"].append(stripped.split(":", 1)[0].split(",", 1)[0])
        elif granted and granted.group(2) == "true" and kind == "install":
            package["install"].append(granted.group(1))
        elif granted and granted.group(2) == "true" and kind == "runtime":
            package["runtime"].setdefault(package["user"] or "0", []).append(granted.group(1))
        return
    package["list"] = None
    if match := _KEY.match(line):
        key, value = match.group(1), match.group(2).strip()
        if key == "versionCode":
            package["version"] = _VERSION.match(stripped)
        elif package["user"] is not None and indent >= 6:
            if key in _USER_KEYS:  # per-user lines (Android 13+)
                package["users"][package["user"]][key] = value
        else:
            package["values"].setdefault(key, value)


def _record(file: EvidenceFile, package: dict[str, Any], clock: dumpsys.DeviceClock) -> Record:
    values: dict[str, str] = package["values"]
    name: str = package["name"]
    version = package["version"]
    flags = _words(values.get("flags") or values.get("pkgFlags"))
    private_flags = _words(values.get("privateFlags") or values.get("privatePkgFlags"))
    users: dict[str, dict[str, Any]] = package["users"]
    first_local = values.get("firstInstallTime") or _earliest(
        u.get("firstInstallTime") for u in users.values()
    )
    first = clock.to_utc(first_local)
    updated = clock.to_utc(values.get("lastUpdateTime"))
    installer = _null(values.get("installerPackageName"))
    signatures = _SIGNATURES.search(values.get("signatures", ""))
    source = values.get("packageSource")
    runtime: dict[str, list[str]] = package["runtime"]
    granted = sorted(set(package["install"]).union(*runtime.values()))
    code_path = values.get("codePath")
    fields = fields_of(
        {
            "package": name,
            "app_id": _int(values.get("appId") or values.get("userId")),
            "version_code": _int(version.group(1)) if version else None,
            "min_sdk": _int(version.group(2)) if version else None,
            "target_sdk": _int(version.group(3)) if version else None,
            "version_name": values.get("versionName"),
            "code_path": code_path,
            "system": "SYSTEM" in flags,
            "updated_system_app": "UPDATED_SYSTEM_APP" in flags or None,
            "debuggable": "DEBUGGABLE" in flags or None,
            "privileged": "PRIVILEGED" in private_flags or None,
            "installer": installer,
            "initiating_package": _null(values.get("initiatingPackageName")),
            "originating_package": _null(values.get("originatingPackageName")),
            "update_owner": _null(values.get("updateOwnerPackageName")),
            "package_source": PACKAGE_SOURCES.get(source or "", source),
            "first_install_time": iso(first),
            "last_update_time": iso(updated),
            "local_first_install_time": first_local,
            "time_zone": clock.note(),
            "signatures": signatures.group(1).split(", ") if signatures else None,
            "apk_signing_version": _int(values.get("apkSigningVersion")),
            "requested_permissions": package["requested"] or None,
            "granted_permissions": granted or None,
            "users": {
                u: fields_of({k: v for k, v in state.items() if k != "firstInstallTime"})
                for u, state in users.items()
            }
            or None,
        }
    )
    how = f", installer {installer}" if installer else ""
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {package['line']}",
        time=first or updated,
        message=f"Package {name} {values.get('versionName') or ''}".rstrip() + how,
        fields=fields,
        observables=Observable.of(app_id=name, file_path=code_path),
        time_desc="Package first installed" if first else "Package last updated",
    )


def _words(value: str | None) -> set[str]:
    return set((value or "").strip("[] ").split())


def _null(value: str | None) -> str | None:
    return None if value in (None, "", "null") else value


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _earliest(values: Iterator[Any]) -> str | None:
    known = sorted(v for v in values if isinstance(v, str) and v and not v.startswith("1970"))
    return known[0] if known else None


ARTIFACT = Artifact(NAME, PATHS, parse)
