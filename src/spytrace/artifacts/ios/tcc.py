"""TCC.db: which app or binary was given, or refused, which privacy permission, and when.

Table `access`, one row per (service, client). Since iOS 14 a row carries `auth_value`
(0 denied, 1 unknown, 2 allowed, 3 limited) and `auth_reason`; before, a boolean `allowed` and a
`prompt_count`. `client_type` 0 means the client is a bundle identifier, 1 an absolute path;
`last_modified` is Unix seconds. Value meanings as MVT's TCC module and Apple's tccd use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import columns, rows
from spytrace.artifacts.times import unix_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "tcc"
PATHS = paths.home("Library/TCC/TCC.db")

SQL = (
    "SELECT access.rowid AS row_id, access.service, access.client, access.client_type,"
    " access.auth_value, access.auth_reason, access.last_modified FROM access"
    " ORDER BY access.rowid"
)
# Before iOS 14: allowed/prompt_count instead of auth_value/auth_reason.
LEGACY_SQL = (
    "SELECT access.rowid AS row_id, access.service, access.client, access.client_type,"
    " access.allowed, access.prompt_count, access.last_modified FROM access"
    " ORDER BY access.rowid"
)

AUTH_VALUES = {0: "denied", 1: "unknown", 2: "allowed", 3: "limited"}
LEGACY_VALUES = {0: "denied", 1: "allowed"}
AUTH_REASONS = {
    1: "error",
    2: "user consent",
    3: "user set",
    4: "system set",
    5: "service policy",
    6: "MDM policy",
    7: "override policy",
    8: "missing usage string",
    9: "prompt timeout",
    10: "preflight unknown",
    11: "entitled",
    12: "app type policy",
}
# Services whose short name does not say what they guard.
SERVICE_NAMES = {
    "AddressBook": "contacts",
    "BluetoothAlways": "Bluetooth",
    "BluetoothPeripheral": "Bluetooth peripherals",
    "Calendar": "calendars",
    "Camera": "camera",
    "ContactsFull": "contacts",
    "ContactsLimited": "contacts (limited)",
    "FaceID": "Face ID",
    "FocusStatus": "Focus status",
    "Liverpool": "CloudKit (Liverpool)",
    "MediaLibrary": "media library",
    "Microphone": "microphone",
    "Motion": "motion and fitness",
    "Photos": "photos",
    "PhotosAdd": "adding photos",
    "Reminders": "reminders",
    "SpeechRecognition": "speech recognition",
    "UserTracking": "cross-app tracking",
    "Willow": "Home data",
}
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def parse(db: EvidenceFile) -> Iterator[Record]:
    present = columns(db, "access")
    legacy = "auth_value" not in present and "allowed" in present
    for row in rows(db, LEGACY_SQL if legacy else SQL):
        yield _record(db, row, legacy)


def service_name(service: str | None) -> str:
    """kTCCServiceMicrophone -> "microphone"; unknown services become their words."""
    short = (service or "").removeprefix("kTCCService")
    if short in SERVICE_NAMES:
        return SERVICE_NAMES[short]
    return " ".join(_WORDS.findall(short)).lower() or (service or "unknown service")


def _record(db: EvidenceFile, row: Any, legacy: bool) -> Record:
    client = row["client"] or ""
    is_path = row["client_type"] == 1
    service = service_name(row["service"])
    if legacy:
        auth = LEGACY_VALUES.get(row["allowed"], "unknown")
        extra: dict[str, Any] = {"allowed": row["allowed"], "prompt_count": row["prompt_count"]}
    else:
        auth = AUTH_VALUES.get(row["auth_value"], "unknown")
        extra = {
            "auth_value": row["auth_value"],
            "auth_reason": AUTH_REASONS.get(row["auth_reason"], row["auth_reason"]),
        }
    return Record(
        artifact=NAME,
        source=db.logical_path,
        locator=f"access.rowid={row['row_id']}",
        time=unix_time(row["last_modified"]),
        message=f"{client} {auth} access to {service}",
        fields=fields_of(
            {
                "service": row["service"],
                "service_name": service,
                "client": client,
                "client_type": "path" if is_path else "bundle_id",
                "auth": auth,
                **extra,
            }
        ),
        observables=Observable.of(file_path=client) if is_path else Observable.of(app_id=client),
        time_desc="Permission last changed",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
