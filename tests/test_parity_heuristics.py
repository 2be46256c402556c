"""MVT's iOS backup heuristics, end to end: one backup with one trace for each, scanned with the
full catalog, and each rule's finding in the result (docs/mvt-parity.md lists what MVT flags)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from spytrace.artifacts.ios import installed_apps
from spytrace.catalog import CHECKS, DEVICE_ARTIFACTS, IOS_ARTIFACTS
from spytrace.checks import (
    app_not_from_app_store,
    calendar_quadream,
    id_status_cache_nul,
    profile_notification_settings,
    profile_operations,
    safari_redirect_injection,
    sms_attachment_tmp,
    sms_threat_notification,
)
from spytrace.model import FindingKind, Severity
from spytrace.outputs.files import prepare_output
from spytrace.scan import scan
from spytrace.sources.base import SourceOptions
from spytrace.sources.ios_backup import open_ios_backup
from spytrace.testkit.ios_backup import BackupBuilder
from spytrace.testkit.ios_browsers import SafariHistoryDb, cocoa
from spytrace.testkit.ios_comms import CalendarDb, SmsDb, cocoa_nanos, cocoa_seconds, idstatuscache
from spytrace.testkit.ios_system import (
    DataUsageDb,
    itunes_metadata,
    profile_events,
    profile_payload,
    profile_stub,
)

T = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
NEW_CHECKS = (
    profile_notification_settings.CHECK,
    profile_operations.CHECK,
    id_status_cache_nul.CHECK,
    safari_redirect_injection.CHECK,
    sms_threat_notification.CHECK,
    sms_attachment_tmp.CHECK,
    calendar_quadream.CHECK,
    app_not_from_app_store.CHECK,
)
# Until the catalog lists them, the new parts join it here (by name, so never twice).
ARTIFACTS = IOS_ARTIFACTS + tuple(
    a for a in (installed_apps.ARTIFACT,) if a.name not in {x.name for x in IOS_ARTIFACTS}
)
ALL_CHECKS = CHECKS + tuple(c for c in NEW_CHECKS if c.name not in {x.name for x in CHECKS})
ALERT = "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone. Details."
STORAGE = "Library/WebKit/WebsiteData/LocalStorage/https_evil-injection.example_0.localstorage"


def _backup(tmp):
    work = tmp / "parts"
    work.mkdir()
    backup = BackupBuilder(tmp / "backup")
    backup.add_evidence(
        profile_stub(
            work,
            identifier="com.update.notify",
            uuid="0B5C4A3D-2E1F-4A6B-8C7D-9E0F1A2B3C4D",
            display_name="Update",
            installed=T,
            payloads=[
                profile_payload(
                    "com.apple.notificationsettings",
                    "com.update.notify.settings",
                    NotificationSettings=[
                        {"BundleIdentifier": "com.apple.MobileSMS", "NotificationsEnabled": False}
                    ],
                )
            ],
        )
    )
    backup.add_evidence(profile_events(work, [("com.update.notify", T, "install", "profiled")]))
    backup.add_evidence(
        idstatuscache(
            work,
            {"com.apple.madrid": {"tel:+15550001234\x00\x00": {"LookupDate": cocoa_seconds(T)}}},
        )
    )
    history = SafariHistoryDb(work)
    first = history.visit("http://news.example.org/", cocoa(T))
    history.visit("https://evil-injection.example/x", cocoa(T) + 0.2, redirect_from=first)
    backup.add_evidence(history.build())
    sms = SmsDb(work)
    apple = sms.add_handle("threat-notifications@email.apple.com")
    sms.add_message(handle_id=apple, text=ALERT, date=cocoa_nanos(T), service="iMessage")
    sender = sms.add_handle("+15550009999")
    carrier = sms.add_message(handle_id=sender, text=None, date=cocoa_nanos(T), service="iMessage")
    sms.add_attachment(message_id=carrier, filename="/var/tmp/com.apple.messages/a.gif-1")
    backup.add_evidence(sms.build())
    calendar = CalendarDb(work)
    calendar.add_event(summary="Meeting", description="Notes", start_date=cocoa_seconds(T))
    backup.add_evidence(calendar.build())
    usage = DataUsageDb(work)
    usage.add_process("launchd", first=T, last=T)
    usage.add_usage(None, when=T + timedelta(hours=1), wwan_in=1.0)
    backup.add_evidence(usage.build())
    backup.add_application(
        "com.example.helper",
        itunes_metadata("com.example.helper", source_app="com.example.installer", purchased=T),
    )
    backup.add_application("com.example.chat", itunes_metadata("com.example.chat"))
    backup.add_file("AppDomain-com.apple.mobilesafari", STORAGE, b"SQLite format 3\x00")
    return backup.build()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    folder = _backup(tmp)
    output = tmp / "out"
    prepare_output(output, force=False)
    (tmp / "scratch").mkdir()
    with open_ios_backup(folder, SourceOptions(), tmp / "scratch") as source:
        result = scan(
            source,
            None,
            output,
            tmp / "scratch",
            artifacts=ARTIFACTS,
            checks=ALL_CHECKS,
            device_artifacts=DEVICE_ARTIFACTS,
        )
    return result, output


@pytest.mark.parametrize(
    ("rule", "artifact", "severity"),
    [
        ("profile_notification_settings", "configuration_profiles", Severity.MEDIUM),
        ("profile_operations", "profile_events", Severity.LOW),
        ("id_status_cache_nul", "id_status_cache", Severity.HIGH),
        ("safari_redirect_injection", "safari_history", Severity.MEDIUM),
        ("sms_threat_notification", "sms", Severity.HIGH),
        ("sms_attachment_tmp", "sms_attachments", Severity.MEDIUM),
        ("calendar_quadream", "calendar", Severity.HIGH),
        ("app_not_from_app_store", "installed_apps", Severity.MEDIUM),
        ("datausage_deleted_rows", "datausage", Severity.MEDIUM),
    ],
)
def test_each_mvt_heuristic_is_found_once_with_its_rule(scanned, rule, artifact, severity):
    result, _ = scanned
    [finding] = [f for f in result.findings if f.rule == rule]
    assert finding.kind is FindingKind.HEURISTIC
    assert finding.artifact == artifact
    assert finding.severity is severity
    assert finding.evidence.locator
    assert finding.evidence.sha256 and len(finding.evidence.sha256) == 64


def test_the_app_store_app_and_every_artifact_are_read(scanned):
    result, _ = scanned
    coverage = {c.artifact: c for c in result.coverage}
    assert coverage["installed_apps"].status.value == "parsed"
    # Info.plist: 2 apps; Manifest.plist: 2 apps.
    assert coverage["installed_apps"].records == 4
    flagged = [f for f in result.findings if f.rule == "app_not_from_app_store"]
    assert [f.observable.value for f in flagged] == ["com.example.helper"]


def test_webkit_storage_in_the_manifest_gives_a_domain(scanned):
    _, output = scanned
    rows = [json.loads(line) for line in (output / "records" / "manifest.jsonl").open()]
    [row] = [r for r in rows if r["fields"]["relative_path"] == STORAGE]
    assert {"kind": "domain", "value": "evil-injection.example"} in row["observables"]
