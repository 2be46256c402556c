"""Every artifact parser and check spytrace runs, listed once, explicitly.

A new artifact is one module plus one line here. tests/test_catalog.py fails when a module
that defines ARTIFACT or CHECK is missing here or a name is used twice.
"""

from __future__ import annotations

from spytrace.artifacts.ios import (
    backup_info,
    calendar,
    calls,
    chrome_favicons,
    chrome_history,
    configuration_profiles,
    contacts,
    datausage,
    device_info,
    firefox_favicons,
    firefox_history,
    global_preferences,
    id_status_cache,
    interaction_c,
    locationd_clients,
    manifest,
    os_analytics_ad_daily,
    profile_events,
    safari_browser_state,
    safari_favicons,
    safari_history,
    shortcuts,
    sms,
    sms_attachments,
    tcc,
    webkit_resource_load_statistics,
    webkit_session_resource_log,
    whatsapp,
)
from spytrace.checks import datausage_deleted_rows, ios_outdated, non_apple_profile
from spytrace.model import Artifact, Check

IOS_ARTIFACTS: tuple[Artifact, ...] = (
    backup_info.ARTIFACT,
    device_info.ARTIFACT,
    manifest.ARTIFACT,
    sms.ARTIFACT,
    sms_attachments.ARTIFACT,
    whatsapp.ARTIFACT,
    calls.ARTIFACT,
    contacts.ARTIFACT,
    calendar.ARTIFACT,
    interaction_c.ARTIFACT,
    id_status_cache.ARTIFACT,
    safari_history.ARTIFACT,
    safari_browser_state.ARTIFACT,
    safari_favicons.ARTIFACT,
    webkit_resource_load_statistics.ARTIFACT,
    webkit_session_resource_log.ARTIFACT,
    chrome_history.ARTIFACT,
    chrome_favicons.ARTIFACT,
    firefox_history.ARTIFACT,
    firefox_favicons.ARTIFACT,
    datausage.ARTIFACT,
    os_analytics_ad_daily.ARTIFACT,
    tcc.ARTIFACT,
    locationd_clients.ARTIFACT,
    shortcuts.ARTIFACT,
    global_preferences.ARTIFACT,
    configuration_profiles.ARTIFACT,
    profile_events.ARTIFACT,
)

ANDROID_ARTIFACTS: tuple[Artifact, ...] = ()

CHECKS: tuple[Check, ...] = (
    datausage_deleted_rows.CHECK,
    non_apple_profile.CHECK,
    ios_outdated.CHECK,
)

# Artifacts whose record fields describe the device (model, OS version, identifiers); they
# fill `acquisition.device` in findings.json.
DEVICE_ARTIFACTS = frozenset({"backup_info", "device_info", "getprop"})


def artifacts_for(platform: str) -> tuple[Artifact, ...]:
    return {"ios": IOS_ARTIFACTS, "android": ANDROID_ARTIFACTS}[platform]


def checks_for(artifacts: tuple[Artifact, ...]) -> tuple[Check, ...]:
    names = {a.name for a in artifacts}
    return tuple(c for c in CHECKS if names.intersection(c.reads))
