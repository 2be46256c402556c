"""A configuration profile with a Notifications payload: it can silence apps' notifications.

A `com.apple.notificationsettings` payload (Apple, Device Management: Notifications) decides per
app whether notifications show at all, on the lock screen, with sound: a way to hide what
would give an implant away. MVT's ConfigurationProfiles module flags such a profile (medium,
"potentially suspicious ... may be used to hide notifications"). Supervised work phones use
it legitimately too, hence medium. MVT looks at the first payload only; this check looks at
every one and names the apps whose notifications the payload turns off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity

PAYLOAD = "com.apple.notificationsettings"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        if record.fields.get("kind") != "profile":
            continue
        payloads = [
            p
            for p in record.fields.get("payloads") or []
            if isinstance(p, dict) and p.get("type") == PAYLOAD
        ]
        types = record.fields.get("payload_types") or []
        if not payloads and PAYLOAD not in types:
            continue
        identifier = record.fields.get("payload_identifier") or "(no identifier)"
        name = record.fields.get("display_name") or identifier
        message = (
            f"Configuration profile {name!r} ({identifier}) has a Notifications payload "
            f"({PAYLOAD}), which can hide apps' notifications"
        )
        silenced = sorted({a for p in payloads for a in p.get("notifications_off") or []})
        apps = sorted({a for p in payloads for a in p.get("notification_apps") or []})
        if silenced:
            message += f"; it turns them off for {', '.join(silenced)}"
        elif apps:
            message += f"; it sets them for {', '.join(apps)}"
        uuid = record.fields.get("payload_uuid")
        yield Finding.heuristic(
            record,
            Severity.MEDIUM,
            message,
            observable=Observable("profile_id", uuid) if isinstance(uuid, str) and uuid else None,
        )


CHECK = Check("profile_notification_settings", reads=("configuration_profiles",), run=check)
