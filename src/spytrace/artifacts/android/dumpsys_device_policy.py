"""dumpsys device_policy: device owner, profile owners and active device administrators.

DevicePolicyManagerService dumps `  Device Owner:` and `  Profile Owner (User 10):` blocks
(`admin=ComponentInfo{pkg/cls}`, `package=`, `User ID:`), then, per user,
`  Enabled Device Admins (User 0, provisioningState: 0):` followed by each admin component
on its own line ending in `:` (`    com.example/.AdminReceiver:`) with `uid=`,
`testOnlyAdmin=` and its `policies:` (wipe-data, force-lock, reset-password...).
Device administrators can lock, wipe or block the uninstall of an app; stalkerware asks
for it to resist removal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "dumpsys_device_policy"
PATHS = dumpsys.DUMPSYS_PATHS
_OWNER = re.compile(r"^\s+(Device Owner|Profile Owner)(?: \(User (\d+)\))?:?\s*$")
_ADMINS = re.compile(r"^\s+Enabled Device Admins \(User (\d+)")
_COMPONENT = re.compile(r"^(\s+)([A-Za-z0-9_][\w.]*/[\w.$]+):\s*$")
_ADMIN_KEY = re.compile(r"^\s+admin=ComponentInfo\{([^}]+)\}")
_USER_ID = re.compile(r"^\s+User ID: (\d+)")
_VALUE = re.compile(r"^\s+(uid|testOnlyAdmin)=(\S+)")


def parse(file: EvidenceFile) -> Iterator[Record]:
    current: dict[str, Any] | None = None
    mode = ""  # "owner", "admins" or ""
    role = ""
    user = "0"
    policies = False
    for number, line in dumpsys.service_lines(file, "device_policy"):
        if match := _OWNER.match(line):
            if current:
                yield _record(file, current)
            current = None
            mode, role, user = "owner", match.group(1), match.group(2) or "0"
            continue
        if match := _ADMINS.match(line):
            if current:
                yield _record(file, current)
            current = None
            mode, role, user = "admins", "Device admin", match.group(1)
            continue
        if mode == "owner":
            if match := _ADMIN_KEY.match(line):
                current = {
                    "component": match.group(1),
                    "role": role,
                    "user": user,
                    "line": number,
                    "policies": [],
                }
            elif (match := _USER_ID.match(line)) and current:
                current["user"] = match.group(1)
            elif line.strip() == "" or not line.startswith("    "):
                if current:
                    yield _record(file, current)
                current, mode = None, ""
            continue
        if mode == "admins":
            if match := _COMPONENT.match(line):
                if current:
                    yield _record(file, current)
                current = {
                    "component": match.group(2),
                    "role": role,
                    "user": user,
                    "line": number,
                    "policies": [],
                    "indent": len(match.group(1)),
                }
                policies = False
            elif current and line.startswith(" " * (current["indent"] + 1)):
                stripped = line.strip()
                if stripped == "policies:":
                    policies = True
                elif (match := _VALUE.match(line)) and not policies:
                    current[match.group(1)] = match.group(2)
                elif policies and re.fullmatch(r"[\w-]+", stripped):
                    current["policies"].append(stripped)
                else:
                    policies = False
            else:
                if current:
                    yield _record(file, current)
                current, mode = None, ""
    if current:
        yield _record(file, current)


def _record(file: EvidenceFile, admin: dict[str, Any]) -> Record:
    component: str = admin["component"]
    package = dumpsys.package_of(component)
    role: str = admin["role"]
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {admin['line']}",
        time=None,
        message=f"{role}: {component} (user {admin['user']})",
        fields=fields_of(
            {
                "role": role.lower().replace(" ", "_"),
                "component": component,
                "package": package,
                "user": int(admin["user"]),
                "uid": int(admin["uid"]) if str(admin.get("uid", "")).isdigit() else None,
                "test_only": admin.get("testOnlyAdmin") == "true" or None,
                "policies": admin["policies"] or None,
            }
        ),
        observables=Observable.of(app_id=package),
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
