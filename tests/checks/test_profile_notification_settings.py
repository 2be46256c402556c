from datetime import UTC, datetime

from spytrace.artifacts.ios import configuration_profiles
from spytrace.checks.profile_notification_settings import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_system import cloud_configuration_details, profile_payload, profile_stub

INSTALLED = datetime(2023, 6, 1, 9, 15, tzinfo=UTC)
UUID = "76DAB334-7E17-475D-A5D6-0794EB5818A5"


def stub(tmp_path, *payloads, **keys):
    return profile_stub(
        tmp_path,
        identifier="com.update.profile",
        uuid=UUID,
        display_name="Update",
        installed=INSTALLED,
        payloads=list(payloads),
        **keys,
    )


def test_a_notifications_payload_that_silences_messages_is_medium(tmp_path):
    file = stub(
        tmp_path,
        profile_payload("com.apple.webClip.managed", "com.update.clip"),
        profile_payload(
            "com.apple.notificationsettings",
            "com.update.notify",
            NotificationSettings=[
                {"BundleIdentifier": "com.apple.MobileSMS", "NotificationsEnabled": False},
                {"BundleIdentifier": "com.apple.mobilephone", "NotificationsEnabled": False},
            ],
        ),
    )

    [finding] = check(configuration_profiles.parse(file))

    assert CHECK.reads == ("configuration_profiles",)
    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "Configuration profile 'Update' (com.update.profile) has a Notifications payload "
        "(com.apple.notificationsettings), which can hide apps' notifications; it turns them "
        "off for com.apple.MobileSMS, com.apple.mobilephone"
    )
    assert finding.observable == Observable("profile_id", UUID)
    assert finding.evidence == Evidence(file.logical_path, "PayloadIdentifier=com.update.profile")
    assert finding.time == INSTALLED


def test_a_payload_that_only_sets_notifications_names_the_apps(tmp_path):
    file = stub(
        tmp_path,
        profile_payload(
            "com.apple.notificationsettings",
            "com.update.notify",
            NotificationSettings=[{"BundleIdentifier": "com.example.chat", "AlertType": 1}],
        ),
    )

    [finding] = check(configuration_profiles.parse(file))

    assert finding.message.endswith("; it sets them for com.example.chat")


def test_quiet_on_other_profiles_and_enrollment_records(tmp_path):
    records = [
        *configuration_profiles.parse(
            stub(tmp_path, profile_payload("com.apple.vpn.managed", "com.update.vpn"))
        ),
        *configuration_profiles.parse(cloud_configuration_details(tmp_path, IsSupervised=True)),
    ]
    assert len(records) == 2
    assert list(check(records)) == []
