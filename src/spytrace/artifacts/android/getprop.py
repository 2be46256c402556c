"""getprop: what the phone is — maker, model, Android version, build, security patch, boot state.

One record per file, from androidqf's getprop.txt or the SYSTEM PROPERTIES section of a
bugreport's dumpstate (getprop_text.py). Its fields feed `acquisition.device`. Property names
(AOSP sysprop documentation): ro.product.* (maker, model), ro.build.version.release and
.sdk, ro.build.fingerprint, ro.build.version.security_patch, ro.build.type/.tags (user
builds are `user` with `release-keys`), ro.debuggable and ro.secure, ro.boot.verifiedbootstate
(green locked and verified, yellow, orange unlocked) and ro.boot.flash.locked,
ro.boot.selinux, persist.sys.timezone. A bugreport's record is dated by its dumpstate
header (`== dumpstate: 2022-03-29 23:14:16`, local time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from spytrace.artifacts.android import dumpsys, getprop_text
from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "getprop"
PATHS = getprop_text.PATHS
# Device field -> the properties that may hold it, first found wins.
DEVICE_FIELDS = {
    "manufacturer": ("ro.product.manufacturer", "ro.product.vendor.manufacturer",
                     "ro.product.system.manufacturer"),
    "brand": ("ro.product.brand", "ro.product.vendor.brand"),
    "model": ("ro.product.model", "ro.product.vendor.model", "ro.product.system.model"),
    "device": ("ro.product.device", "ro.product.vendor.device"),
    "android_version": ("ro.build.version.release_or_codename", "ro.build.version.release"),
    "sdk": ("ro.build.version.sdk",),
    "build_id": ("ro.build.display.id", "ro.build.id"),
    "build_fingerprint": ("ro.build.fingerprint", "ro.vendor.build.fingerprint"),
    "build_type": ("ro.build.type",),
    "build_tags": ("ro.build.tags",),
    "security_patch": ("ro.build.version.security_patch",),
    "vendor_security_patch": ("ro.vendor.build.security_patch",),
    "timezone": ("persist.sys.timezone",),
    "serial": ("ro.serialno", "ro.boot.serialno"),
    "verified_boot_state": ("ro.boot.verifiedbootstate",),
    "flash_locked": ("ro.boot.flash.locked",),
    "vbmeta_device_state": ("ro.boot.vbmeta.device_state",),
    "debuggable": ("ro.debuggable",),
    "secure": ("ro.secure",),
    "selinux": ("ro.boot.selinux",),
    "oem_unlock_allowed": ("sys.oem_unlock_allowed",),
}  # fmt: skip
_DUMPSTATE = re.compile(r"^== dumpstate: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def parse(file: EvidenceFile) -> Iterator[Record]:
    props: dict[str, str] = {}
    first = 0
    for number, name, value in getprop_text.properties(file):
        props.setdefault(name, value)
        first = first or number
    if not props:
        return
    device: dict[str, object] = {}
    for key, names in DEVICE_FIELDS.items():
        found = next((props[n] for n in names if props.get(n)), None)
        if found is not None:
            device[key] = found
    if isinstance(device.get("sdk"), str) and str(device["sdk"]).isdigit():
        device["sdk"] = int(str(device["sdk"]))
    built = props.get("ro.build.date.utc", "")
    if built.isdigit():
        device["build_date"] = iso(datetime.fromtimestamp(int(built), UTC))
    taken = _dumpstate_time(file)
    if taken is not None:
        device["bugreport_time"] = iso(taken)
    maker = str(device.get("manufacturer") or device.get("brand") or "Android device")
    version = device.get("android_version")
    patch = device.get("security_patch")
    message = f"{maker} {device.get('model') or ''}".strip()
    if version:
        message += f", Android {version}"
    if patch:
        message += f" (security patch {patch})"
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"line {first}",
        time=taken,
        message=message,
        fields=fields_of(device),
        time_desc="Bugreport taken" if taken else "",
    )


def _dumpstate_time(file: EvidenceFile) -> datetime | None:
    if file.logical_path != dumpsys.DUMPSTATE:
        return None
    with file.path.open("rb") as handle:
        for _ in range(20):
            line = handle.readline().decode("utf-8", "replace")
            if match := _DUMPSTATE.match(line):
                return dumpsys.device_clock(file).to_utc(match.group(1))
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
