"""identityservicesd's ID status cache: which Apple IDs and numbers the device looked up, when.

Every iMessage, FaceTime or other Apple service (com.apple.madrid, com.apple.private.alloy.*)
lookup of a `mailto:` or `tel:` identifier leaves an entry with its LookupDate. Amnesty's
Pegasus forensic methodology (2021) found attacker iCloud accounts in this file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import as_utc, cocoa_time
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "id_status_cache"
# The Preferences file on current iOS; older versions kept it under IdentityServices
# (both paths as MVT's IDStatusCache module lists them).
PATHS = (
    *paths.home("Library/Preferences/com.apple.identityservices.idstatuscache.plist"),
    *paths.home("Library/IdentityServices/idstatuscache.plist"),
)


def parse(file: EvidenceFile) -> Iterator[Record]:
    # service -> identifier -> {"LookupDate": Cocoa seconds, "IDStatus": int}, beside a
    # non-dictionary "CacheVersion" (layout as plaso's ios_identityservices plugin reads it).
    top = load_plist(file)
    if not isinstance(top, Mapping):
        raise EvidenceError(f"{file.logical_path}: expected a dictionary at the top")
    for service, lookups in top.items():
        if not isinstance(lookups, Mapping):
            continue
        for identifier, entry in lookups.items():
            yield _record(file, str(service), str(identifier), entry)


def _record(file: EvidenceFile, service: str, identifier: str, entry: Any) -> Record:
    entry = entry if isinstance(entry, Mapping) else {}
    # Identifiers can hold NUL bytes (MVT flags "\x00\x00" in them): fields keep the raw
    # identifier, the locator and message show NULs escaped, the observable goes without them.
    shown = identifier.replace("\x00", "\\x00")
    scheme, _, value = identifier.replace("\x00", "").partition(":")
    kind = {"mailto": "email", "tel": "phone"}.get(scheme.lower())
    lookup = entry.get("LookupDate")
    status = entry.get("IDStatus")
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"{service}/{shown}",
        time=as_utc(lookup) if isinstance(lookup, datetime) else cocoa_time(lookup),
        message=f"{service} looked up {value if kind and shown == identifier else shown}",
        fields=fields_of(
            {
                "service": service,
                "identifier": identifier,
                "id_status": status if isinstance(status, int) else None,
            }
        ),
        observables=Observable.of(**{kind: value}) if kind and value else (),
        time_desc="Identifier looked up",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
