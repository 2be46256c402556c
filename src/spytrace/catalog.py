"""Every artifact parser and check spytrace runs, listed once, explicitly.

A new artifact is one module plus one line here. tests/test_catalog.py fails when a module
that defines ARTIFACT or CHECK is missing here or a name is used twice.
"""

from __future__ import annotations

from spytrace.artifacts.ios import (
    analytics,
    backup_info,
    cache_db,
    calendar,
    calls,
    chrome_favicons,
    chrome_history,
    configuration_profiles,
    contacts,
    crash_reports,
    datausage,
    device_info,
    filesystem,
    firefox_favicons,
    firefox_history,
    global_preferences,
    id_status_cache,
    interaction_c,
    locationd_clients,
    logarchive,
    manifest,
    netusage,
    os_analytics_ad_daily,
    profile_events,
    ps,
    safari_browser_state,
    safari_favicons,
    safari_history,
    shortcuts,
    shutdown_log,
    sms,
    sms_attachments,
    sysdiagnose_info,
    tcc,
    update_history,
    webkit_indexeddb,
    webkit_localstorage,
    webkit_resource_load_statistics,
    webkit_session_resource_log,
    whatsapp,
)
from spytrace.checks import (
    crash_unusual_path,
    datausage_deleted_rows,
    ios_outdated,
    non_apple_profile,
    process_imitation,
    shutdown_delays,
    shutdown_sticky_process,
    triangulation_pattern,
)
from spytrace.model import Artifact, Check

IOS_ARTIFACTS: tuple[Artifact, ...] = (
    backup_info.ARTIFACT,
    device_info.ARTIFACT,
    sysdiagnose_info.ARTIFACT,
    manifest.ARTIFACT,
    filesystem.ARTIFACT,
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
    netusage.ARTIFACT,
    cache_db.ARTIFACT,
    webkit_indexeddb.ARTIFACT,
    webkit_localstorage.ARTIFACT,
    update_history.ARTIFACT,
    analytics.ARTIFACT,
    shutdown_log.ARTIFACT,
    ps.ARTIFACT,
    crash_reports.ARTIFACT,
    logarchive.ARTIFACT,
)

ANDROID_ARTIFACTS: tuple[Artifact, ...] = ()

CHECKS: tuple[Check, ...] = (
    datausage_deleted_rows.CHECK,
    non_apple_profile.CHECK,
    ios_outdated.CHECK,
    shutdown_sticky_process.CHECK,
    shutdown_delays.CHECK,
    crash_unusual_path.CHECK,
    process_imitation.CHECK,
    triangulation_pattern.CHECK,
)

# Artifacts whose record fields describe the device (model, OS version, identifiers); they
# fill `acquisition.device` in findings.json.
DEVICE_ARTIFACTS = frozenset({"backup_info", "device_info", "sysdiagnose_info", "getprop"})


def artifacts_for(platform: str) -> tuple[Artifact, ...]:
    return {"ios": IOS_ARTIFACTS, "android": ANDROID_ARTIFACTS}[platform]


def checks_for(artifacts: tuple[Artifact, ...]) -> tuple[Check, ...]:
    names = {a.name for a in artifacts}
    return tuple(c for c in CHECKS if names.intersection(c.reads))
