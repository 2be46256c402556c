"""A backup's Info.plist: which device the backup is of, on which iOS, taken when.

Written by the computer that made the backup (iTunes, Finder, libimobiledevice), keys as in
MVT's BackupInfo module and libimobiledevice's idevicebackup2: "Device Name", "Product Type",
"Product Version", "Build Version", "Serial Number", "IMEI", "Phone Number", "Unique
Identifier", "Last Backup Date", "iTunes Version"... The fields become `acquisition.device`
in findings.json; the installed-application list is left to the applications artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import as_utc
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "backup_info"
PATHS = ("Info.plist",)

# Info.plist key -> field name.
KEYS = {
    "Device Name": "device_name",
    "Display Name": "display_name",
    "Product Name": "product_name",
    "Product Type": "product_type",
    "Product Version": "product_version",
    "Build Version": "build_version",
    "Serial Number": "serial_number",
    "IMEI": "imei",
    "IMEI 2": "imei2",
    "MEID": "meid",
    "ICCID": "iccid",
    "Phone Number": "phone_number",
    "Unique Identifier": "udid",
    "Target Identifier": "target_identifier",
    "GUID": "guid",
    "iTunes Version": "itunes_version",
}


def parse(file: EvidenceFile) -> Iterator[Record]:
    info = load_plist(file)
    if not isinstance(info, dict):
        file.notes.append("Info.plist is not a dictionary")
        return
    fields: dict[str, Any] = {name: _scalar(info.get(key)) for key, name in KEYS.items()}
    taken = info.get("Last Backup Date")
    when = as_utc(taken) if isinstance(taken, datetime) else None
    fields["last_backup_date"] = iso(when)
    apps = info.get("Installed Applications")
    fields["installed_app_count"] = len(apps) if isinstance(apps, list) else None
    product = fields.get("product_type") or fields.get("product_name") or "an iOS device"
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="Info.plist",
        time=when,
        message=f"Backup of {product} on iOS {fields.get('product_version') or '?'}"
        f" ({fields.get('build_version') or '?'})",
        fields=fields_of(fields),
        observables=Observable.of(phone=fields.get("phone_number")),
        time_desc="Backup taken",
    )


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
