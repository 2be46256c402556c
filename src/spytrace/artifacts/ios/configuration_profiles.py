"""Installed configuration profiles, and the device-management enrollment they came with.

iOS keeps each installed profile as `profile-<hash>.stub` in the configuration-profiles system
group container: the profile's own property list (PayloadIdentifier, PayloadUUID,
PayloadDisplayName, PayloadOrganization, PayloadContent: one dictionary per payload with its
PayloadType) plus InstallDate (keys per Apple's Configuration Profile Reference; file naming
as MVT's ConfigurationProfiles module and CellGuard's ProfileScanner read it).
CloudConfigurationDetails.plist records Automated Device Enrollment (OrganizationName,
ConfigurationURL, IsSupervised) and MDM.plist the MDM server (ServerURL, CheckInURL).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from spytrace.artifacts.plist import load_plist
from spytrace.artifacts.times import as_utc
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "configuration_profiles"
FOLDER = "Library/ConfigurationProfiles"
ROOTS = (
    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles",
    "private/var/containers/Shared/SystemGroup/systemgroup.com.apple.configurationprofiles",
)
FILES = ("profile-*.stub", "CloudConfigurationDetails.plist", "MDM.plist")
# A sysdiagnose copies the same store to logs/MCState/Shared/ (EC-DIGIT-CSIRC's sysdiagnose
# parsers read it there).
SYSDIAGNOSE_FOLDER = "logs/MCState/Shared"
PATHS = tuple(f"{root}/{FOLDER}/{name}" for root in ROOTS for name in FILES) + tuple(
    f"{SYSDIAGNOSE_FOLDER}/{name}" for name in FILES
)

# Payload keys that name a server: where a VPN, proxy, DNS or MDM payload sends traffic.
URL_KEYS = frozenset(
    {"ServerURL", "CheckInURL", "ProxyPACURL", "URL", "URLStringProbe", "ConfigurationURL"}
)
HOST_KEYS = frozenset(
    {"RemoteAddress", "CommRemoteAddress", "ProxyServer", "ServerName", "ServerAddresses"}
)
MAX_DEPTH = 16

# Values of fields["kind"].
PROFILE, ENROLLMENT, MDM = "profile", "cloud_configuration", "mdm"


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    if not isinstance(plist, dict):
        file.notes.append("not a dictionary")
        return
    name = file.logical_path.rpartition("/")[2]
    if name == "CloudConfigurationDetails.plist":
        yield _enrollment(file, plist)
    elif name == "MDM.plist":
        yield _mdm(file, plist)
    else:
        yield _profile(file, plist)


def _profile(file: EvidenceFile, profile: dict[str, Any]) -> Record:
    identifier = _text(profile.get("PayloadIdentifier"))
    uuid = _text(profile.get("PayloadUUID"))
    display = _text(profile.get("PayloadDisplayName"))
    organization = _text(profile.get("PayloadOrganization"))
    content = profile.get("PayloadContent")
    payloads = [p for p in content if isinstance(p, dict)] if isinstance(content, list) else []
    summaries = [_payload(p) for p in payloads]
    types = [s["type"] for s in summaries if s.get("type")]
    urls: list[str] = []
    hosts: list[str] = []
    for payload in payloads:
        _servers(payload, urls, hosts, 0)
    installed = as_utc(profile.get("InstallDate")) if _is_date(profile.get("InstallDate")) else None
    removed = profile.get("RemovalDate")
    title = display or identifier or uuid or "(unnamed)"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"PayloadIdentifier={identifier}" if identifier else "PayloadContent",
        time=installed,
        message=f"Profile {title!r}"
        + (f" from {organization}" if organization else "")
        + f" installed with {len(payloads)} payload{'s' if len(payloads) != 1 else ''}"
        + (f": {', '.join(types)}" if types else ""),
        fields=fields_of(
            {
                "kind": PROFILE,
                "payload_identifier": identifier,
                "payload_uuid": uuid,
                "display_name": display,
                "organization": organization,
                "description": _text(profile.get("PayloadDescription")),
                "payload_types": types or None,
                "payloads": summaries or None,
                "install_date": iso(installed),
                "removal_date": iso(as_utc(removed)) if _is_date(removed) else None,
                "removal_disallowed": profile.get("PayloadRemovalDisallowed") or None,
                "encrypted": profile.get("IsEncrypted") or None,
                "signed": bool(profile.get("SignerCerts")) or None,
            }
        ),
        observables=Observable.of(profile_id=uuid, **_network_observables(urls, hosts)),
        time_desc="Profile installed",
    )


def _payload(payload: dict[str, Any]) -> dict[str, Any]:
    urls: list[str] = []
    hosts: list[str] = []
    _servers(payload, urls, hosts, 0)
    return fields_of(
        {
            "type": _text(payload.get("PayloadType")),
            "identifier": _text(payload.get("PayloadIdentifier")),
            "display_name": _text(payload.get("PayloadDisplayName")),
            "vpn_type": _text(payload.get("VPNType")),
            "certificate": _text(payload.get("PayloadCertificateFileName")),
            "servers": [*urls, *hosts] or None,
            **_notification_apps(payload),
        }
    )


def _notification_apps(payload: dict[str, Any]) -> dict[str, list[str]]:
    """A Notifications payload's apps, and those whose notifications it turns off.

    `NotificationSettings` is a list of {BundleIdentifier, NotificationsEnabled, ShowInLockScreen,
    AlertType...} (Apple, Device Management: Notifications.NotificationSettingsItem).
    """
    settings = payload.get("NotificationSettings")
    if not isinstance(settings, list):
        return {}
    apps: list[str] = []
    silenced: list[str] = []
    for item in settings:
        bundle_id = _text(item.get("BundleIdentifier")) if isinstance(item, dict) else None
        if bundle_id is None:
            continue
        apps.append(bundle_id)
        if item.get("NotificationsEnabled") is False:
            silenced.append(bundle_id)
    return fields_of({"notification_apps": apps or None, "notifications_off": silenced or None})


def _enrollment(file: EvidenceFile, details: dict[str, Any]) -> Record:
    organization = _text(details.get("OrganizationName"))
    url = _text(details.get("ConfigurationURL"))
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator="CloudConfigurationDetails",
        time=None,
        message="Automated device enrollment"
        + (f" by {organization}" if organization else "")
        + (", supervised" if details.get("IsSupervised") else ""),
        fields=fields_of(
            {
                "kind": ENROLLMENT,
                "organization": organization,
                "configuration_url": url,
                "supervised": details.get("IsSupervised"),
                "mandatory": details.get("IsMandatory"),
                "mdm_unremovable": details.get("IsMDMUnremovable"),
                "allow_pairing": details.get("AllowPairing"),
            }
        ),
        observables=Observable.of(url=url),
    )


def _mdm(file: EvidenceFile, mdm: dict[str, Any]) -> Record:
    server = _text(mdm.get("ServerURL"))
    check_in = _text(mdm.get("CheckInURL"))
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator="MDM",
        time=None,
        message=f"Enrolled in device management at {server or check_in or 'an unknown server'}",
        fields=fields_of(
            {
                "kind": MDM,
                "server_url": server,
                "check_in_url": check_in,
                "topic": _text(mdm.get("Topic")),
            }
        ),
        observables=Observable.of(url=[server, check_in]),
    )


def _servers(value: Any, urls: list[str], hosts: list[str], depth: int) -> None:
    """The server URLs and names anywhere in a payload, in order, each once."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _servers(item, urls, hosts, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in URL_KEYS and isinstance(item, str) and item:
            if item not in urls:
                urls.append(item)
        elif key in HOST_KEYS:
            for host in item if isinstance(item, list) else [item]:
                if isinstance(host, str) and host and host not in hosts:
                    hosts.append(host)
        else:
            _servers(item, urls, hosts, depth + 1)


def _network_observables(urls: list[str], hosts: list[str]) -> dict[str, list[str]]:
    ips, domains = [], []
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            domains.append(host)
        else:
            ips.append(host)
    return {"url": urls, "domain": domains, "ip": ips}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_date(value: Any) -> bool:
    return isinstance(value, datetime)


ARTIFACT = Artifact(NAME, PATHS, parse)
