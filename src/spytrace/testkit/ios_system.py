"""Real-format iOS system artifacts: the Core Data stores, TCC.db, plists and backup files.

Schemas are the ones the devices write (sources cited at each builder); plists are written
binary where the device writes binary. Times are given as aware datetimes and stored the way
iOS stores them (Cocoa seconds, Unix seconds, plist dates).
"""

from __future__ import annotations

import plistlib
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from spytrace.model import EvidenceFile
from spytrace.testkit.ios_backup import MANIFEST_SCHEMA, file_id, mbfile_blob
from spytrace.testkit.sqlite import SqliteBuilder

COCOA_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)


def cocoa(moment: datetime | None) -> float | None:
    return None if moment is None else (moment - COCOA_EPOCH).total_seconds()


def unix(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def plist_file(
    directory: Path, logical_path: str, value: Any, *, binary: bool = True
) -> EvidenceFile:
    """`value` written as a property list under `logical_path`, as the parser receives it."""
    path = Path(directory) / logical_path.replace("/", "_")
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
    path.write_bytes(plistlib.dumps(value, fmt=fmt))
    return EvidenceFile(logical_path, path)


def raw_file(directory: Path, logical_path: str, data: bytes) -> EvidenceFile:
    path = Path(directory) / logical_path.replace("/", "_")
    path.write_bytes(data)
    return EvidenceFile(logical_path, path)


def naive_utc(moment: datetime) -> datetime:
    """plistlib writes naive datetimes and reads them back as UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


# --- DataUsage.sqlite ----------------------------------------------------------------------


class DataUsageDb(SqliteBuilder):
    """WirelessDomain DataUsage.sqlite, the ZPROCESS/ZLIVEUSAGE tables as plaso's
    ios_datausage plugin records them, plus Core Data's Z_PRIMARYKEY and Z_METADATA.

    Inserts keep Z_PRIMARYKEY.Z_MAX up to date the way Core Data does; `delete_process`
    removes a row with raw SQL, as an anti-forensic tool would, leaving Z_MAX and the
    process's ZLIVEUSAGE rows behind.
    """

    LOGICAL_PATH = "WirelessDomain/Library/Databases/DataUsage.sqlite"
    LIVE_USAGE_ENT, PROCESS_ENT = 1, 2
    SCHEMA = """
CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,
  ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP,
  ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT );
CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR );
CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER,
  Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
INSERT INTO Z_PRIMARYKEY VALUES (1, 'LiveUsage', 0, 0);
INSERT INTO Z_PRIMARYKEY VALUES (2, 'Process', 0, 0);
INSERT INTO Z_METADATA VALUES (1, 'C3B5E2F0-0000-4000-8000-00000000DA7A', NULL);
"""

    # Whether this schema has ZPROCESS.ZFIRSTTIMESTAMP (older ones do not).
    FIRST_TIMESTAMP = True
    # ZLIVEUSAGE's counters (field names), written as 0 when a row does not give them.
    COUNTERS: tuple[str, ...] = ("wifi_in", "wifi_out", "wwan_in", "wwan_out")

    def add_process(
        self,
        name: str,
        *,
        bundle_id: str | None = None,
        first: datetime | None = None,
        last: datetime | None = None,
        pk: int | None = None,
    ) -> int:
        pk = pk if pk is not None else self._next("Process")
        columns: dict[str, Any] = {
            "Z_PK": pk,
            "Z_ENT": self.PROCESS_ENT,
            "Z_OPT": 1,
            "ZTIMESTAMP": cocoa(last),
            "ZBUNDLENAME": bundle_id,
            "ZPROCNAME": name,
        }
        if self.FIRST_TIMESTAMP:
            columns["ZFIRSTTIMESTAMP"] = cocoa(first)
        self.insert("ZPROCESS", **columns)
        self._bump("Process", pk)
        return pk

    def add_usage(self, process_pk: int | None, *, when: datetime, **counters: float) -> int:
        """A ZLIVEUSAGE row; counters by field name: wifi_in is ZWIFIIN, wired_out ZWIREDOUT."""
        pk = self._next("LiveUsage")
        self.insert(
            "ZLIVEUSAGE",
            Z_PK=pk,
            Z_ENT=self.LIVE_USAGE_ENT,
            Z_OPT=1,
            ZKIND=0,
            ZHASPROCESS=process_pk,
            ZTIMESTAMP=cocoa(when),
            **{
                "Z" + name.replace("_", "").upper(): value
                for name, value in {**dict.fromkeys(self.COUNTERS, 0.0), **counters}.items()
            },
        )
        self._bump("LiveUsage", pk)
        return pk

    def delete_process(self, pk: int) -> Self:
        self.conn.execute("DELETE FROM ZPROCESS WHERE Z_PK = ?", (pk,))
        return self

    def _next(self, entity: str) -> int:
        (z_max,) = self.conn.execute(
            "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = ?", (entity,)
        ).fetchone()
        return int(z_max) + 1

    def _bump(self, entity: str, pk: int) -> None:
        self.conn.execute(
            "UPDATE Z_PRIMARYKEY SET Z_MAX = MAX(Z_MAX, ?) WHERE Z_NAME = ?", (pk, entity)
        )


class DataUsageDbWithoutFirstTimestamp(DataUsageDb):
    """An older ZPROCESS without ZFIRSTTIMESTAMP: the parser reads it and notes the gap."""

    SCHEMA = DataUsageDb.SCHEMA.replace("ZFIRSTTIMESTAMP TIMESTAMP, ", "")
    FIRST_TIMESTAMP = False


# --- com.apple.osanalytics.addaily.plist ---------------------------------------------------

ADDAILY = "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist"


def osanalytics_addaily(
    directory: Path,
    baseline: Mapping[str, tuple[datetime, int, int, int, int]],
    *,
    logical_path: str = ADDAILY,
    extra: Mapping[str, Any] | None = None,
) -> EvidenceFile:
    """netUsageBaseline: process -> [date, wifi in, wifi out, wwan in, wwan out]."""
    value: dict[str, Any] = {
        "netUsageBaseline": {
            name: [naive_utc(when), *counters] for name, (when, *counters) in baseline.items()
        },
        **(extra or {}),
    }
    return plist_file(directory, logical_path, value)


# --- TCC.db --------------------------------------------------------------------------------


class TccDb(SqliteBuilder):
    """HomeDomain TCC.db as iOS 14 and later write it: `access` with auth_value/auth_reason
    (the same table macOS 11 introduced; schema as tccd creates it, admin version 15+)."""

    LOGICAL_PATH = "HomeDomain/Library/TCC/TCC.db"
    SCHEMA = """
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
INSERT INTO admin VALUES ('version', 20);
CREATE TABLE policies ( id INTEGER NOT NULL PRIMARY KEY, bundle_id TEXT NOT NULL,
  uuid TEXT NOT NULL, display TEXT NOT NULL, UNIQUE (bundle_id, uuid));
CREATE TABLE active_policy ( client TEXT NOT NULL, client_type INTEGER NOT NULL,
  policy_id INTEGER NOT NULL, PRIMARY KEY (client, client_type),
  FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE access ( service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL,
  auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER,
  indirect_object_identifier_type INTEGER,
  indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED',
  indirect_object_code_identity BLOB, flags INTEGER,
  last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  PRIMARY KEY (service, client, client_type, indirect_object_identifier),
  FOREIGN KEY (policy_id) REFERENCES policies(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE access_overrides ( service TEXT NOT NULL PRIMARY KEY);
CREATE TABLE expired ( service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, csreq BLOB, last_modified INTEGER NOT NULL,
  expired_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  PRIMARY KEY (service, client, client_type));
"""

    def grant(
        self,
        service: str,
        client: str,
        *,
        client_type: int = 0,
        auth_value: int = 2,
        auth_reason: int = 2,
        when: datetime,
    ) -> int:
        return self.insert(
            "access",
            service=service,
            client=client,
            client_type=client_type,
            auth_value=auth_value,
            auth_reason=auth_reason,
            auth_version=1,
            flags=0,
            last_modified=unix(when),
        )


class TccDbLegacy(SqliteBuilder):
    """TCC.db before iOS 14: `access` with allowed/prompt_count (the Xcode 10-era table)."""

    LOGICAL_PATH = "HomeDomain/Library/TCC/TCC.db"
    SCHEMA = """
CREATE TABLE admin (key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
INSERT INTO admin VALUES ('version', 15);
CREATE TABLE access ( service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL,
  csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER,
  indirect_object_identifier TEXT, indirect_object_code_identity BLOB, flags INTEGER,
  last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
  PRIMARY KEY (service, client, client_type, indirect_object_identifier));
"""

    def grant(
        self,
        service: str,
        client: str,
        *,
        client_type: int = 0,
        allowed: int = 1,
        prompt_count: int = 1,
        when: datetime,
    ) -> int:
        return self.insert(
            "access",
            service=service,
            client=client,
            client_type=client_type,
            allowed=allowed,
            prompt_count=prompt_count,
            indirect_object_identifier="UNUSED",
            last_modified=unix(when),
        )


class TccDbOldest(TccDbLegacy):
    """The oldest layout: no last_modified column at all."""

    SCHEMA = """
CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL,
  client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL,
  csreq BLOB, CONSTRAINT key PRIMARY KEY (service, client, client_type));
"""

    def grant(
        self,
        service: str,
        client: str,
        *,
        client_type: int = 0,
        allowed: int = 1,
        prompt_count: int = 1,
        when: datetime | None = None,
    ) -> int:
        return self.insert(
            "access",
            service=service,
            client=client,
            client_type=client_type,
            allowed=allowed,
            prompt_count=prompt_count,
        )


# --- locationd clients.plist ---------------------------------------------------------------

LOCATIOND_CLIENTS = "RootDomain/Library/Caches/locationd/clients.plist"


def locationd_client(
    *,
    bundle_id: str | None = None,
    bundle_path: str | None = None,
    executable: str | None = None,
    registered: str | bool | None = None,
    authorization: int | None = None,
    times: Mapping[str, datetime] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One client's dictionary, keys as locationd writes them (times as Cocoa seconds)."""
    entry: dict[str, Any] = {
        "BundleId": bundle_id,
        "BundlePath": bundle_path,
        "Executable": executable,
        "Registered": registered,
        "Authorization": authorization,
        **{key: cocoa(moment) for key, moment in (times or {}).items()},
        **extra,
    }
    return {k: v for k, v in entry.items() if v is not None}


def locationd_clients(
    directory: Path, clients: Mapping[str, Any], *, logical_path: str = LOCATIOND_CLIENTS
) -> EvidenceFile:
    return plist_file(directory, logical_path, dict(clients))


# --- Shortcuts.sqlite ----------------------------------------------------------------------


def shortcut_action(identifier: str, **parameters: Any) -> dict[str, Any]:
    return {"WFWorkflowActionIdentifier": identifier, "WFWorkflowActionParameters": parameters}


class ShortcutsDb(SqliteBuilder):
    """HomeDomain Shortcuts.sqlite (WorkflowKit's Core Data store): ZSHORTCUT with the
    columns MVT's Shortcuts module and shortcut tooling read, and ZSHORTCUTACTIONS whose
    ZDATA is a binary plist of actions, linked back through ZSHORTCUT."""

    LOGICAL_PATH = "HomeDomain/Library/Shortcuts/Shortcuts.sqlite"
    SCHEMA = """
CREATE TABLE ZSHORTCUT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZACTIONCOUNT INTEGER, ZHASSHORTCUTINPUTVARIABLES INTEGER, ZTOMBSTONED INTEGER,
  ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP,
  ZACTIONSDESCRIPTION VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR, ZWORKFLOWSUBTITLE VARCHAR,
  ZINPUTCLASSESDATA BLOB, ZIMPORTQUESTIONSDATA BLOB );
CREATE TABLE ZSHORTCUTACTIONS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZSHORTCUT INTEGER, ZDATA BLOB );
CREATE INDEX ZSHORTCUTACTIONS_ZSHORTCUT_INDEX ON ZSHORTCUTACTIONS (ZSHORTCUT);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER,
  Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
"""

    def add_shortcut(
        self,
        name: str,
        actions: Sequence[Mapping[str, Any]] | None = None,
        *,
        created: datetime,
        modified: datetime | None = None,
        workflow_id: str = "8F2A7C3E-1D4B-4E5F-9A6B-7C8D9E0F1A2B",
        tombstoned: bool = False,
        wrapped: bool = False,
        data: bytes | None = None,
    ) -> int:
        """`wrapped` stores {WFWorkflowActions: [...]} instead of the bare list."""
        pk = self.insert(
            "ZSHORTCUT",
            Z_ENT=1,
            Z_OPT=1,
            ZACTIONCOUNT=len(actions or ()),
            ZTOMBSTONED=int(tombstoned),
            ZCREATIONDATE=cocoa(created),
            ZMODIFICATIONDATE=cocoa(modified or created),
            ZACTIONSDESCRIPTION=f"{len(actions or ())} actions",
            ZNAME=name,
            ZWORKFLOWID=workflow_id,
        )
        if actions is not None or data is not None:
            payload: Any = (
                {"WFWorkflowActions": list(actions or ())} if wrapped else list(actions or ())
            )
            blob = data if data is not None else plistlib.dumps(payload, fmt=plistlib.FMT_BINARY)
            action_pk = self.insert("ZSHORTCUTACTIONS", Z_ENT=2, Z_OPT=1, ZSHORTCUT=pk, ZDATA=blob)
            self.conn.execute("UPDATE ZSHORTCUT SET ZACTIONS = ? WHERE Z_PK = ?", (action_pk, pk))
        return pk


class ShortcutsDbWithoutActionsTable(SqliteBuilder):
    """A store without ZSHORTCUTACTIONS and without the optional columns."""

    LOGICAL_PATH = "HomeDomain/Library/Shortcuts/Shortcuts.sqlite"
    SCHEMA = """
CREATE TABLE ZSHORTCUT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR,
  ZNAME VARCHAR );
"""

    def add_shortcut(self, name: str, *, created: datetime) -> int:
        return self.insert("ZSHORTCUT", Z_ENT=1, Z_OPT=1, ZCREATIONDATE=cocoa(created), ZNAME=name)


# --- .GlobalPreferences.plist --------------------------------------------------------------

GLOBAL_PREFERENCES = "HomeDomain/Library/Preferences/.GlobalPreferences.plist"
MANAGED_GLOBAL_PREFERENCES = "ManagedPreferencesDomain/mobile/.GlobalPreferences.plist"


def global_preferences(
    directory: Path,
    *,
    lockdown: bool | None = None,
    logical_path: str = GLOBAL_PREFERENCES,
    **keys: Any,
) -> EvidenceFile:
    value: dict[str, Any] = {
        "AppleLanguages": ["en-GB", "fr-FR"],
        "AppleLocale": "en_GB",
        "AppleICUForce24HourTime": True,
        **keys,
    }
    if lockdown is not None:
        value["LDMGlobalEnabled"] = lockdown
    return plist_file(directory, logical_path, value)


# --- configuration profiles ----------------------------------------------------------------

PROFILES_FOLDER = (
    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles/"
    "Library/ConfigurationProfiles"
)


def profile_payload(payload_type: str, identifier: str, **keys: Any) -> dict[str, Any]:
    """One PayloadContent entry, keys per Apple's Configuration Profile Reference."""
    return {
        "PayloadType": payload_type,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, identifier)).upper(),
        "PayloadVersion": 1,
        **keys,
    }


def profile_stub(
    directory: Path,
    *,
    identifier: str,
    uuid: str,
    payloads: Sequence[Mapping[str, Any]] = (),
    display_name: str | None = None,
    organization: str | None = None,
    installed: datetime | None = None,
    file_name: str = "profile-3f1c0a8e9b2d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abc.stub",
    folder: str = PROFILES_FOLDER,
    **keys: Any,
) -> EvidenceFile:
    """A profile-<hash>.stub: the installed profile's plist plus InstallDate."""
    value: dict[str, Any] = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": uuid,
        "PayloadContent": [dict(p) for p in payloads],
        **keys,
    }
    if display_name is not None:
        value["PayloadDisplayName"] = display_name
    if organization is not None:
        value["PayloadOrganization"] = organization
    if installed is not None:
        value["InstallDate"] = naive_utc(installed)
    return plist_file(directory, f"{folder}/{file_name}", value)


def cloud_configuration_details(directory: Path, **keys: Any) -> EvidenceFile:
    return plist_file(directory, f"{PROFILES_FOLDER}/CloudConfigurationDetails.plist", dict(keys))


def mdm_plist(directory: Path, **keys: Any) -> EvidenceFile:
    return plist_file(directory, f"{PROFILES_FOLDER}/MDM.plist", dict(keys))


def profile_events(
    directory: Path,
    events: Sequence[tuple[str, datetime, str, str]],
    *,
    folder: str = PROFILES_FOLDER,
) -> EvidenceFile:
    """MCProfileEvents.plist from (identifier, when, operation, process) tuples."""
    value = {
        "ProfileEvents": [
            {identifier: {"timestamp": naive_utc(when), "operation": op, "process": process}}
            for identifier, when, op, process in events
        ]
    }
    return plist_file(directory, f"{folder}/MCProfileEvents.plist", value)


# --- installed apps: iTunesMetadata ---------------------------------------------------------


def itunes_metadata(
    bundle_id: str | None,
    *,
    name: str = "Example App",
    version: str = "1.2.3",
    developer: str = "Example Ltd",
    source_app: str | None = "com.apple.AppStore",
    purchased: datetime | None = None,
    purchaser: str | None = "owner@example.com",
    item_id: int = 1234567890,
    **keys: Any,
) -> dict[str, Any]:
    """An app's iTunesMetadata, with the keys the App Store writes (MIStoreMetadata's, as
    iLEAPP's appItunesmeta reads them); purchaseDate is an ISO string with a Z, as stored."""
    value: dict[str, Any] = {
        "artistName": developer,
        "bundleShortVersionString": version,
        "bundleVersion": version.replace(".", ""),
        "genre": "Utilities",
        "itemId": item_id,
        "itemName": name,
        "kind": "software",
        "releaseDate": "2020-05-06T07:08:09Z",
        "softwareVersionExternalIdentifier": 850000001,
    }
    if bundle_id is not None:
        value["softwareVersionBundleId"] = bundle_id
    if source_app is not None:
        value["sourceApp"] = source_app
    download: dict[str, Any] = {}
    if purchased is not None:
        download["purchaseDate"] = purchased.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if purchaser is not None:
        download["accountInfo"] = {"AppleID": purchaser, "DSPersonID": 777000111}
    if download:
        value["com.apple.iTunesStore.downloadInfo"] = download
    value.update(keys)
    return value


# --- backup Info.plist and SystemVersion.plist ---------------------------------------------


def backup_info_plist(
    directory: Path,
    *,
    product_version: str = "17.5",
    build_version: str = "21F79",
    product_type: str = "iPhone14,2",
    taken: datetime | None = None,
    **keys: Any,
) -> EvidenceFile:
    """Info.plist at a backup's root, XML as iTunes, Finder and idevicebackup2 write it."""
    value: dict[str, Any] = {
        "Build Version": build_version,
        "Device Name": "Alex's iPhone",
        "Display Name": "Alex's iPhone",
        "GUID": "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
        "ICCID": "8944110068012345678",
        "IMEI": "356789101234567",
        "Installed Applications": ["com.example.chat", "com.example.maps"],
        "Last Backup Date": naive_utc(taken or datetime(2024, 6, 2, 18, 30, tzinfo=UTC)),
        "Phone Number": "+44 7700 900123",
        "Product Name": "iPhone 13 Pro",
        "Product Type": product_type,
        "Product Version": product_version,
        "Serial Number": "F2LZK0XXXXXX",
        "Target Identifier": "00008110-000A1B2C3D4E5F60",
        "Target Type": "Device",
        "Unique Identifier": "00008110-000A1B2C3D4E5F60",
        "iTunes Files": {"IC-Info.sidv": b"\x00\x01"},
        "iTunes Settings": {},
        "iTunes Version": "12.13.2.3",
        **keys,
    }
    return plist_file(directory, "Info.plist", value, binary=False)


def system_version_plist(
    directory: Path, *, product_version: str = "17.5", build_version: str = "21F79"
) -> EvidenceFile:
    value = {
        "BuildID": "3E5A2B7C-0F1D-11EF-9A6B-7C8D9E0F1A2B",
        "ProductBuildVersion": build_version,
        "ProductCopyright": "1983-2024 Apple Inc.",
        "ProductName": "iPhone OS",
        "ProductVersion": product_version,
        "ReleaseType": "",
        "SystemImageID": "2C3D4E5F-6A7B-4C8D-9E0F-1A2B3C4D5E6F",
    }
    return plist_file(
        directory, "System/Library/CoreServices/SystemVersion.plist", value, binary=False
    )


# --- Manifest.db ---------------------------------------------------------------------------


def manifest_blob(
    relative_path: str,
    *,
    size: int = 0,
    mode: int = 0o100644,
    birth: datetime | None = None,
    modified: datetime | None = None,
    status_changed: datetime | None = None,
    protection_class: int = 3,
    inode: int = 1234,
) -> bytes:
    """An MBFile blob with everyday defaults (the layout is the backup builder's)."""
    return mbfile_blob(
        relative_path,
        mode=mode,
        inode=inode,
        uid=501,
        gid=501,
        modified=unix(modified) or 0,
        status_changed=unix(status_changed) or 0,
        birth=unix(birth) or 0,
        size=size,
        protection_class=protection_class,
    )


class ManifestDb(SqliteBuilder):
    """A backup's Manifest.db (iOS 10 and later), decrypted: Files and Properties."""

    LOGICAL_PATH = "Manifest.db"
    SCHEMA = MANIFEST_SCHEMA

    def add(
        self,
        domain: str,
        relative_path: str,
        *,
        flags: int = 1,
        blob: bytes | None = None,
        **meta: Any,
    ) -> str:
        fid = file_id(domain, relative_path)
        if blob is None:
            if flags == 2:
                meta.setdefault("mode", 0o40755)
            blob = manifest_blob(relative_path, **meta)
        self.insert(
            "Files",
            fileID=fid,
            domain=domain,
            relativePath=relative_path,
            flags=flags,
            file=blob,
        )
        return fid

    def add_many(self, count: int, *, domain: str = "HomeDomain", when: datetime) -> None:
        """`count` plain files in one transaction, for scale tests."""
        blob = manifest_blob("x", size=10, modified=when, birth=when, status_changed=when)
        self.conn.executemany(
            "INSERT INTO Files VALUES (?, ?, ?, 1, ?)",
            ((f"{i:040x}", domain, f"Library/Caches/f{i}.dat", blob) for i in range(count)),
        )
