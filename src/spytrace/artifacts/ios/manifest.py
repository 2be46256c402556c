"""A backup's Manifest.db: every file the backup holds, with where it lived on the device.

Table `Files` (fileID = SHA-1 of "domain-relativePath", domain, relativePath, flags: 1 file,
2 folder, 4 symlink, file: an NSKeyedArchiver MBFile with size, mode and times; schema as
MVT's Manifest module and libimobiledevice read it). Encrypted backups reach the parser
already decrypted by the source. A file's device path is rebuilt from its domain where the
domain maps to a fixed folder (Apple's backup domains: HomeDomain is /private/var/mobile...);
app and container domains live under random UUIDs, so those keep "domain/relativePath".
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.sqlite import part_rows
from spytrace.errors import EvidenceError
from spytrace.formats.mbfile import decode_mbfile_times
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "manifest"
PATHS = ("Manifest.db",)
# In the table's own (rowid) order, the same for the same file: sorting 100,000 rows with their
# blobs would take SQLite longer than reading them. {where}: see part_rows.
SQL = """SELECT Files.fileID, Files.domain, Files.relativePath, Files.flags, Files.file
FROM Files {where}"""
# Backup domain -> the folder its relative paths start from on the device.
DOMAIN_ROOTS = {
    "HomeDomain": "/private/var/mobile",
    "MediaDomain": "/private/var/mobile",
    "CameraRollDomain": "/private/var/mobile",
    "HealthDomain": "/private/var/mobile",
    "HomeKitDomain": "/private/var/mobile",
    "KeyboardDomain": "/private/var/mobile",
    "TonesDomain": "/private/var/mobile",
    "RootDomain": "/private/var/root",
    "WirelessDomain": "/private/var/wireless",
    "SystemPreferencesDomain": "/private/var/preferences",
    "ManagedPreferencesDomain": "/private/var/Managed Preferences",
    "DatabaseDomain": "/private/var/db",
    "KeychainDomain": "/private/var/Keychains",
    "MobileDeviceDomain": "/private/var/MobileDevice",
    "InstallDomain": "/private/var/installd",
    "NetworkDomain": "/private/var/networkd",
    "ProtectedDomain": "/private/var/protected",
}
FILE, DIRECTORY, SYMLINK = 1, 2, 4
# WebKit names a web origin's storage "<scheme>_<host>_<port>" (LocalStorage files, IndexedDB
# folders: "https_evil.example_0.localstorage"); MVT reads every "_"-separated part of a path as
# a possible URL. Only this shape is taken here, so bundle ids ("com.apple.foo") never become
# domains. A host needs a dot; WebKit writes the scheme lower-case, hence the plain "http" test.
_WEBKIT_ORIGIN = re.compile(
    r"(?:^|/)https?_((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9][a-z0-9-]*)_\d+(?=[./]|$)",
    re.ASCII | re.IGNORECASE,
)
KINDS = {FILE: "file", DIRECTORY: "folder", SYMLINK: "symlink"}


def parse(db: EvidenceFile) -> Iterator[Record]:
    return parse_part(db, 0, 1)


def parse_part(db: EvidenceFile, part: int, parts: int) -> Iterator[Record]:
    """The records of one part of the listing (see Artifact.parse_part); parts=1: all."""
    unreadable = False
    for row in part_rows(db, SQL, "Files", "Files", part, parts):
        record, ok = _record(db, row)
        unreadable = unreadable or not ok
        yield record
    if unreadable:
        # Not counted: a part counts only its own rows, and parts' notes are joined as they are.
        db.notes.append("file records without readable metadata (no size, mode or times)")


def device_path(domain: str, relative_path: str) -> str:
    root = DOMAIN_ROOTS.get(domain)
    if root is None:
        return f"{domain}/{relative_path}" if relative_path else domain
    return f"{root}/{relative_path}" if relative_path else root


def _record(db: EvidenceFile, row: Any) -> tuple[Record, bool]:
    domain = row["domain"] or ""
    relative = row["relativePath"] or ""
    flags = row["flags"]
    path = device_path(domain, relative)
    fields: dict[str, Any] = {
        "file_id": row["fileID"],
        "domain": domain,
        "relative_path": relative,
        "flags": flags,
    }
    ok = True
    modified = None
    blob = row["file"]
    if isinstance(blob, bytes) and blob:
        try:
            meta = decode_mbfile_times(blob)
        except EvidenceError:
            ok = False
        else:
            modified = meta.modified
            fields["size"] = meta.size
            fields["mode"] = meta.mode
            fields["protection_class"] = meta.protection_class
            # Kept as datetimes: the records file writes them as iso() would.
            if meta.birth:
                fields["birth"] = meta.birth
            if meta.status_changed:
                fields["status_changed"] = meta.status_changed
    name = relative.rpartition("/")[2] if relative and flags != DIRECTORY else None
    record = Record(
        artifact=NAME,
        source=db.logical_path,
        locator=f"Files.fileID={row['fileID']}",
        time=modified,
        message=f"{KINDS.get(flags, 'entry')} {path}",
        fields=fields,
        observables=_observables(path, relative, name),
        time_desc="File last modified",
    )
    return record, ok


def _observables(path: str, relative: str, name: str | None) -> tuple[Observable, ...]:
    # The matcher reads a path's file name itself; a name alone only where there is no path.
    if not relative:
        return Observable.of(file_name=name)
    origins = _web_origins(relative)
    return Observable.of(file_path=path, **origins) if origins else (Observable("file_path", path),)


def _web_origins(relative: str) -> dict[str, list[str]]:
    """Hosts of WebKit origin-named files and folders in a path, as domains or IPs."""
    # This runs on every row of a 100,000-file manifest: one substring test, and one regex
    # pass only for the few paths that can hold an origin.
    if "http" not in relative:
        return {}
    hosts = _WEBKIT_ORIGIN.findall(relative)
    if not hosts:
        return {}
    domains, ips = [], []
    for host in hosts:
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            domains.append(host.lower())
        else:
            ips.append(host)
    return {"domain": domains, "ip": ips}


ARTIFACT = Artifact(NAME, PATHS, parse, parse_part)
