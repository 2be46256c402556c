"""Small Record factories for check tests: the records parsers yield, without the files.

Each factory mirrors one parser's output (artifact, source, locator, fields), so a check
test reads like the evidence it stands for. Parser tests pin the parsers to the same shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spytrace.model import Observable, Record, fields_of, iso

DATAUSAGE = "WirelessDomain/Library/Databases/DataUsage.sqlite"
PROFILES = (
    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles/"
    "Library/ConfigurationProfiles"
)


def datausage_process(
    pk: int,
    name: str,
    *,
    first: datetime | None = None,
    last: datetime | None = None,
    bundle_id: str | None = None,
    source: str = DATAUSAGE,
) -> Record:
    return Record(
        artifact="datausage",
        source=source,
        locator=f"ZPROCESS.Z_PK={pk}",
        time=last,
        message=f"{name.partition('/')[0]} used the network",
        fields=fields_of(
            {
                "kind": "process",
                "pk": pk,
                "process_name": name,
                "bundle_id": bundle_id,
                "first_used": iso(first),
            }
        ),
        observables=Observable.of(process=name.partition("/")[0], app_id=bundle_id),
        time_desc="Last network use",
    )


def datausage_key_max(z_max: int, *, source: str = DATAUSAGE) -> Record:
    return Record(
        artifact="datausage",
        source=source,
        locator="Z_PRIMARYKEY.Z_ENT=2",
        time=None,
        message=f"ZPROCESS primary keys handed out up to {z_max}",
        fields={"kind": "key_max", "table": "ZPROCESS", "z_max": z_max},
    )


def datausage_orphan(
    pk: int, *, last: datetime | None = None, first_usage_pk: int = 1, source: str = DATAUSAGE
) -> Record:
    return Record(
        artifact="datausage",
        source=source,
        locator=f"ZLIVEUSAGE.Z_PK={first_usage_pk}",
        time=last,
        message=f"Network use by process key {pk}, which has no ZPROCESS row",
        fields={"kind": "orphan_usage", "pk": pk, "wwan_in": 1000, "usage_rows": 1},
        time_desc="Last network use",
    )


def profile(
    *,
    identifier: str,
    uuid: str = "6D9A2F1E-0B8C-4C6A-9D1E-2F3A4B5C6D7E",
    organization: str | None = None,
    display_name: str | None = None,
    payload_types: tuple[str, ...] = (),
    installed: datetime | None = None,
    file_name: str = "profile-0f1e2d3c.stub",
) -> Record:
    fields: dict[str, Any] = {
        "kind": "profile",
        "payload_identifier": identifier,
        "payload_uuid": uuid,
        "organization": organization,
        "display_name": display_name,
        "payload_types": list(payload_types),
        "payloads": [{"type": t} for t in payload_types],
        "install_date": iso(installed),
    }
    return Record(
        artifact="configuration_profiles",
        source=f"{PROFILES}/{file_name}",
        locator=f"PayloadIdentifier={identifier}",
        time=installed,
        message=f"Profile {display_name or identifier} installed",
        fields=fields_of(fields),
        observables=Observable.of(profile_id=uuid),
        time_desc="Profile installed",
    )


def backup_info(
    *,
    product_version: str | None = "17.5",
    build_version: str | None = "21F79",
    product_type: str | None = "iPhone14,2",
    taken: datetime | None = None,
) -> Record:
    return Record(
        artifact="backup_info",
        source="Info.plist",
        locator="Info.plist",
        time=taken,
        message=f"Backup of {product_type} on iOS {product_version} ({build_version})",
        fields=fields_of(
            {
                "product_type": product_type,
                "product_version": product_version,
                "build_version": build_version,
                "last_backup_date": iso(taken),
            }
        ),
        time_desc="Backup taken",
    )


def device_info(
    *, product_version: str | None = "17.5", build_version: str | None = "21F79"
) -> Record:
    return Record(
        artifact="device_info",
        source="System/Library/CoreServices/SystemVersion.plist",
        locator="SystemVersion.plist",
        time=None,
        message=f"iOS {product_version} ({build_version})",
        fields=fields_of(
            {
                "product_name": "iPhone OS",
                "product_version": product_version,
                "build_version": build_version,
            }
        ),
    )
