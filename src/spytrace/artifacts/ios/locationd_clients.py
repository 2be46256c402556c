"""locationd's clients.plist: every app and binary that asked for the device's location.

One dictionary per client. The key names the client: a bundle identifier, or
`com.apple.locationd.executable-<path>` / `com.apple.locationd.bundle-<path>` for binaries and
plug-in bundles; since iOS 17 a client key path `[user:]<type><anchor>:[<type><sub-id>]`
where type `i` is a bundle identifier, `e` an executable path and `p` a bundle path (as
locationd's CLClientKeyPath reads it, decompiled iOS 17 locationd). Values hold BundleId,
BundlePath, Executable, Registered (a path, or true), Authorization (0 not determined,
1 never, 2 while using, 4 always: the mapping Apple's simulator tooling writes, e.g.
wix/AppleSimulatorUtils) and Cocoa times such as LocationTimeStopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "locationd_clients"
# Backups keep it under RootDomain; filesystem dumps have had it under both homes.
PATHS = (
    *paths.root("Library/Caches/locationd/clients.plist"),
    "private/var/mobile/Library/Caches/locationd/clients.plist",
)

AUTHORIZATION = {0: "not determined", 1: "never", 2: "while using", 4: "always"}
# The Cocoa times MVT's LocationdClients module reads; the latest is the record's time.
TIME_KEYS = (
    "ConsumptionPeriodBegin",
    "ReceivingLocationInformationTimeStopped",
    "VisitTimeStopped",
    "LocationTimeStopped",
    "BackgroundLocationTimeStopped",
    "SignificantTimeStopped",
    "NonPersistentSignificantTimeStopped",
    "FenceTimeStopped",
    "BeaconRegionTimeStopped",
)
EXECUTABLE_PREFIX = "com.apple.locationd.executable-"
BUNDLE_PREFIX = "com.apple.locationd.bundle-"


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    if not isinstance(plist, dict):
        file.notes.append("clients.plist is not a dictionary")
        return
    for key, value in plist.items():
        # Migration counters and the like sit beside the clients as plain numbers.
        if isinstance(value, dict):
            yield _record(file, str(key), value)


def client_identity(key: str) -> dict[str, str]:
    """What a clients.plist key says about its client: bundle_id, executable, bundle_path."""
    if key.startswith(EXECUTABLE_PREFIX):
        return {"executable": key.removeprefix(EXECUTABLE_PREFIX)}
    if key.startswith(BUNDLE_PREFIX):
        return {"bundle_path": key.removeprefix(BUNDLE_PREFIX)}
    if ":" not in key:
        return {"bundle_id": key}
    parts = key.split(":")
    if len(parts) == 3:  # a user name first
        parts = parts[1:]
    found: dict[str, str] = {}
    for part in parts:
        kind, value = part[:1], part[1:]
        name = {"i": "bundle_id", "e": "executable", "p": "bundle_path"}.get(kind)
        if name and value and name not in found:
            found[name] = value
    return found


def _record(file: EvidenceFile, key: str, client: dict[str, Any]) -> Record:
    identity = client_identity(key)
    bundle_id = _text(client.get("BundleId"))
    bundle_path = _text(client.get("BundlePath"))
    executable = _text(client.get("Executable"))
    registered = client.get("Registered")
    times = {k: cocoa_time(client.get(k)) for k in TIME_KEYS}
    moments = {k: v for k, v in times.items() if v is not None}
    authorization = client.get("Authorization")
    label = AUTHORIZATION.get(authorization) if isinstance(authorization, int) else None
    # BundleId of a binary client repeats the executable- key, which is no bundle identifier.
    bundle_ids = [b for b in (identity.get("bundle_id"), bundle_id) if b and "/" not in b]
    path_values = [
        identity.get("executable"),
        identity.get("bundle_path"),
        bundle_path,
        executable,
        registered if isinstance(registered, str) else None,
    ]
    file_paths = [p for p in path_values if p and p.startswith("/")]
    executables = [p for p in (identity.get("executable"), executable) if p]
    name = bundle_ids[0] if bundle_ids else (file_paths[0] if file_paths else key)
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"key {key}",
        time=max(moments.values(), default=None),
        message=f"{name} location access: {label or 'unknown'}",
        fields=fields_of(
            {
                "client": key,
                "bundle_id": bundle_ids[0] if bundle_ids else None,
                "bundle_path": bundle_path or identity.get("bundle_path"),
                "executable": executable or identity.get("executable"),
                "registered": registered if isinstance(registered, str | bool) else None,
                "authorization": authorization,
                "authorization_name": label,
                "times": {k: iso(v) for k, v in moments.items()} or None,
            }
        ),
        observables=Observable.of(
            app_id=bundle_ids,
            file_path=file_paths,
            process=[p.rstrip("/").rpartition("/")[2] for p in executables],
        ),
        time_desc="Last location use",
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
