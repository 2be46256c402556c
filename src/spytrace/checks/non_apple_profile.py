"""A configuration profile that is not Apple's, weighed by what its payloads can do.

Profiles are how stalkerware and some mercenary-spyware deployments gain a foothold without an
exploit: a VPN or global proxy payload routes the traffic, a root certificate lets it be
read, MDM enrollment lets a third party install apps and profiles (the payload types are
Apple's, Configuration Profile Reference). Work and school phones carry such profiles
legitimately, so this is a medium lead, high when the payloads can intercept traffic or
manage the device, for a person to confirm with the phone's owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity

# Payload types that can redirect, read or control the device's traffic and apps.
POWERFUL = {
    "com.apple.vpn.managed": "VPN",
    "com.apple.vpn.managed.applayer": "per-app VPN",
    "com.apple.proxy.http.global": "global HTTP proxy",
    "com.apple.dnsSettings.managed": "DNS settings",
    "com.apple.dnsProxy.managed": "DNS proxy",
    "com.apple.webcontent-filter": "web content filter",
    "com.apple.security.root": "root certificate",
    "com.apple.security.pem": "certificate",
    "com.apple.security.pkcs1": "certificate",
    "com.apple.mdm": "MDM enrollment",
}
APPLE_PREFIX = "com.apple."


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.fields.get("kind") != "profile" or is_apple(record):
            continue
        identifier = record.fields.get("payload_identifier") or "(no identifier)"
        types = [t for t in record.fields.get("payload_types") or [] if isinstance(t, str)]
        powerful = sorted({POWERFUL[t] for t in types if t in POWERFUL})
        name = record.fields.get("display_name") or identifier
        organization = record.fields.get("organization")
        message = (
            f"Configuration profile {name!r} ({identifier})"
            + (f" from {organization!r}" if organization else " with no organisation")
            + " is not Apple's"
        )
        if types:
            message += f"; payloads: {', '.join(types)}"
        elif record.fields.get("encrypted"):
            message += "; its payloads are encrypted"
        if powerful:
            message += f". Its {', '.join(powerful)} can route, read or control the phone"
        uuid = record.fields.get("payload_uuid")
        yield Finding.heuristic(
            record,
            Severity.HIGH if powerful else Severity.MEDIUM,
            message,
            observable=Observable("profile_id", uuid) if isinstance(uuid, str) and uuid else None,
        )


def is_apple(record: Record) -> bool:
    """Apple's own profiles: identifier under com.apple. and no other organisation named."""
    identifier = record.fields.get("payload_identifier")
    organization = record.fields.get("organization")
    if not isinstance(identifier, str) or not identifier.startswith(APPLE_PREFIX):
        return False
    return not isinstance(organization, str) or organization.lower().startswith("apple")


CHECK = Check("non_apple_profile", reads=("configuration_profiles",), run=check)
