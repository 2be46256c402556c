"""The apps installed on the phone: as the backup lists them, and as their installer recorded them.

A backup's Info.plist (iTunes, Finder, idevicebackup2) names every user app in "Installed
Applications" and keeps, under "Applications", per bundle id: `iTunesMetadata` (the binary plist
the installer wrote beside the app bundle), `ApplicationSINF` and `PlaceholderIcon` (layout as
libimobiledevice's idevicebackup2 writes it; MVT's Applications module reads the same). The
metadata holds softwareVersionBundleId, itemName, artistName, bundleShortVersionString,
sourceApp (the installer: App Store, MDM, TestFlight, an alternative marketplace...) and
"com.apple.iTunesStore.downloadInfo" with purchaseDate and the purchasing accountInfo.AppleID
(keys as MobileInstallation's MIStoreMetadata and iLEAPP's appItunesmeta read them).
Manifest.plist's "Applications" gives each app's CFBundleIdentifier, CFBundleVersion,
ContainerContentClass ("Data/Application") and Path, its data container (as backup tools fill
it from installation_proxy's "Container"). A filesystem dump keeps the metadata as
iTunesMetadata.plist in each app's bundle container.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from spytrace.artifacts.plist import load_plist, loads_plist
from spytrace.artifacts.times import as_utc
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "installed_apps"
BUNDLES = "private/var/containers/Bundle/Application"
PATHS = ("Info.plist", "Manifest.plist", f"{BUNDLES}/*/iTunesMetadata.plist")
DOWNLOAD_INFO = "com.apple.iTunesStore.downloadInfo"

# Values of fields["listed_in"]: which list of which file the record comes from.
INFO_APPLICATIONS, INFO_INSTALLED, MANIFEST_APPLICATIONS, BUNDLE_METADATA = (
    "Info.plist Applications",
    "Info.plist Installed Applications",
    "Manifest.plist Applications",
    "iTunesMetadata.plist",
)


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    if not isinstance(plist, dict):
        file.notes.append("not a dictionary")
        return
    name = file.logical_path.rpartition("/")[2]
    if name == "Info.plist":
        yield from _info(file, plist)
    elif name == "Manifest.plist":
        yield from _manifest(file, plist)
    else:
        yield _app(file, "iTunesMetadata.plist", BUNDLE_METADATA, None, plist, None)


def _info(file: EvidenceFile, info: dict[str, Any]) -> Iterator[Record]:
    apps = info.get("Applications")
    apps = apps if isinstance(apps, dict) else {}
    listed = info.get("Installed Applications")
    unreadable = 0
    for index, bundle_id in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(bundle_id, str) or not bundle_id or bundle_id in apps:
            continue  # an Applications entry below says more
        yield _app(file, f"Installed Applications[{index}]", INFO_INSTALLED, bundle_id, None, None)
    for bundle_id, entry in apps.items():
        entry = entry if isinstance(entry, dict) else {}
        metadata = _metadata(entry.get("iTunesMetadata"), f"{file.logical_path}:{bundle_id}")
        unreadable += metadata is None and "iTunesMetadata" in entry
        icon = entry.get("PlaceholderIcon")
        icon_hash = hashlib.sha256(icon).hexdigest() if isinstance(icon, bytes) else None
        yield _app(
            file,
            f"Applications/{bundle_id}",
            INFO_APPLICATIONS,
            str(bundle_id),
            metadata,
            icon_hash,
        )
    if unreadable:
        file.notes.append(f"{unreadable} app(s) with unreadable iTunesMetadata")


def _manifest(file: EvidenceFile, manifest: dict[str, Any]) -> Iterator[Record]:
    apps = manifest.get("Applications")
    if not isinstance(apps, dict):
        return
    for key, entry in apps.items():
        entry = entry if isinstance(entry, dict) else {}
        bundle_id = _text(entry.get("CFBundleIdentifier")) or str(key)
        version = _text(entry.get("CFBundleVersion"))
        container = _text(entry.get("Path"))
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"Applications/{key}",
            time=None,
            message=f"App {bundle_id}"
            + (f" version {version}" if version else "")
            + (f", data in {container}" if container else ""),
            fields=fields_of(
                {
                    "listed_in": MANIFEST_APPLICATIONS,
                    "bundle_id": bundle_id,
                    "bundle_version": version,
                    "container": container,
                    "container_class": _text(entry.get("ContainerContentClass")),
                }
            ),
            # MVT checks bundle ids against process indicators too, hence `process`.
            observables=Observable.of(app_id=bundle_id, process=bundle_id),
        )


def _app(
    file: EvidenceFile,
    locator: str,
    listed_in: str,
    bundle_id: str | None,
    metadata: Mapping[str, Any] | None,
    icon_hash: str | None,
) -> Record:
    meta = metadata or {}
    download = meta.get(DOWNLOAD_INFO)
    download = download if isinstance(download, dict) else {}
    account = download.get("accountInfo")
    account = account if isinstance(account, dict) else {}
    declared = _text(meta.get("softwareVersionBundleId"))
    bundle_id = bundle_id or declared
    name = _text(meta.get("itemName"))
    version = _text(meta.get("bundleShortVersionString")) or _text(meta.get("bundleVersion"))
    developer = _text(meta.get("artistName"))
    installer = _text(meta.get("sourceApp"))
    purchaser = _text(account.get("AppleID")) or _text(meta.get("appleId"))
    purchased = _date(download.get("purchaseDate")) or _date(meta.get("purchaseDate"))
    message = f"App {bundle_id or '(no bundle id)'}"
    if name:
        message += f" ({name}"
        message += f" {version})" if version else ")"
    elif version:
        message += f" version {version}"
    if developer:
        message += f" by {developer}"
    if installer:
        message += f", installed by {installer}"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=locator,
        time=purchased,
        message=message,
        fields=fields_of(
            {
                "listed_in": listed_in,
                "bundle_id": bundle_id,
                "has_metadata": metadata is not None,
                "metadata_bundle_id": declared,
                "name": name,
                "version": version,
                "developer": developer,
                "source_app": installer,
                "purchase_date": iso(purchased),
                "purchaser": purchaser,
                "item_id": _scalar(meta.get("itemId")),
                "kind": _text(meta.get("kind")),
                "factory_install": meta.get("isFactoryInstall") or None,
                "redownload": meta.get("is-purchased-redownload") or None,
                "distributor": _distributor(meta.get("distributorInfo")),
                "icon_sha256": icon_hash,
            }
        ),
        observables=Observable.of(
            app_id=[bundle_id, declared],
            process=[bundle_id, declared],
            email=purchaser if purchaser and "@" in purchaser else None,
        ),
        time_desc="App purchased" if purchased else "",
    )


def _metadata(value: Any, name: str) -> dict[str, Any] | None:
    """An app's iTunesMetadata: a plist kept as data (idevicebackup2, iTunes) or inline."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, bytes):
        return None
    try:
        metadata = loads_plist(value, name)
    except EvidenceError:
        return None
    return metadata if isinstance(metadata, dict) else None


def _distributor(value: Any) -> str | None:
    """Who distributed an app outside the App Store (iOS 17.4+ marketplaces, web distribution):
    MIStoreMetadataDistributor's distributorID (the key's capitalisation is not documented)."""
    if not isinstance(value, dict):
        return None
    return _text(value.get("distributorID")) or _text(value.get("DistributorID"))


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str) and value:
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _scalar(value: Any) -> int | str | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int | str) and value != "" else None


ARTIFACT = Artifact(NAME, PATHS, parse)
