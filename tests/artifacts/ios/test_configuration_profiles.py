from datetime import UTC, datetime

from spytrace.artifacts.ios import configuration_profiles
from spytrace.model import Observable
from spytrace.testkit.ios_system import (
    cloud_configuration_details,
    mdm_plist,
    profile_payload,
    profile_stub,
)

INSTALLED = datetime(2023, 6, 1, 9, 15, tzinfo=UTC)
UUID = "6D9A2F1E-0B8C-4C6A-9D1E-2F3A4B5C6D7E"
FOLDER = (
    "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles/"
    "Library/ConfigurationProfiles"
)


def test_a_vpn_and_root_certificate_profile(tmp_path):
    file = profile_stub(
        tmp_path,
        identifier="net.helper.profile",
        uuid=UUID,
        display_name="Network Helper",
        organization="Helper Ltd",
        installed=INSTALLED,
        payloads=[
            profile_payload(
                "com.apple.vpn.managed",
                "net.helper.vpn",
                PayloadDisplayName="VPN",
                VPNType="IKEv2",
                IKEv2={"RemoteAddress": "vpn.helper.net", "OnDemandEnabled": 1},
            ),
            profile_payload(
                "com.apple.security.root",
                "net.helper.ca",
                PayloadCertificateFileName="helper-ca.cer",
                PayloadContent=b"0\x82\x01\x00",
            ),
            profile_payload(
                "com.apple.proxy.http.global",
                "net.helper.proxy",
                ProxyServer="203.0.113.7",
                ProxyPACURL="https://pac.helper.net/proxy.pac",
            ),
        ],
    )

    [record] = configuration_profiles.parse(file)

    assert record.source == file.logical_path
    assert record.source.startswith(FOLDER + "/profile-")
    assert record.locator == "PayloadIdentifier=net.helper.profile"
    assert record.time == INSTALLED
    assert record.time_desc == "Profile installed"
    assert record.message == (
        "Profile 'Network Helper' from Helper Ltd installed with 3 payloads: "
        "com.apple.vpn.managed, com.apple.security.root, com.apple.proxy.http.global"
    )
    assert record.fields == {
        "kind": "profile",
        "payload_identifier": "net.helper.profile",
        "payload_uuid": UUID,
        "display_name": "Network Helper",
        "organization": "Helper Ltd",
        "payload_types": [
            "com.apple.vpn.managed",
            "com.apple.security.root",
            "com.apple.proxy.http.global",
        ],
        "payloads": [
            {
                "type": "com.apple.vpn.managed",
                "identifier": "net.helper.vpn",
                "display_name": "VPN",
                "vpn_type": "IKEv2",
                "servers": ["vpn.helper.net"],
            },
            {
                "type": "com.apple.security.root",
                "identifier": "net.helper.ca",
                "certificate": "helper-ca.cer",
            },
            {
                "type": "com.apple.proxy.http.global",
                "identifier": "net.helper.proxy",
                "servers": ["https://pac.helper.net/proxy.pac", "203.0.113.7"],
            },
        ],
        "install_date": "2023-06-01T09:15:00Z",
    }
    assert record.observables == Observable.of(
        profile_id=UUID,
        url="https://pac.helper.net/proxy.pac",
        domain="vpn.helper.net",
        ip="203.0.113.7",
    )


def test_an_encrypted_profile_without_readable_payloads(tmp_path):
    file = profile_stub(
        tmp_path,
        identifier="com.example.secret",
        uuid=UUID,
        IsEncrypted=True,
        EncryptedPayloadContent=b"\x30\x80",
    )

    [record] = configuration_profiles.parse(file)

    assert record.message == "Profile 'com.example.secret' installed with 0 payloads"
    assert record.time is None
    assert record.fields == {
        "kind": "profile",
        "payload_identifier": "com.example.secret",
        "payload_uuid": UUID,
        "encrypted": True,
    }


def test_automated_device_enrollment(tmp_path):
    file = cloud_configuration_details(
        tmp_path,
        OrganizationName="Example Corp",
        ConfigurationURL="https://mdm.example.com/enroll",
        IsSupervised=True,
        AllowPairing=True,
        CloudConfigurationUIComplete=True,
    )

    [record] = configuration_profiles.parse(file)

    assert record.locator == "CloudConfigurationDetails"
    assert record.message == "Automated device enrollment by Example Corp, supervised"
    assert record.fields == {
        "kind": "cloud_configuration",
        "organization": "Example Corp",
        "configuration_url": "https://mdm.example.com/enroll",
        "supervised": True,
        "allow_pairing": True,
    }
    assert record.observables == Observable.of(url="https://mdm.example.com/enroll")


def test_mdm_enrollment(tmp_path):
    file = mdm_plist(
        tmp_path,
        ServerURL="https://mdm.example.net/server",
        CheckInURL="https://mdm.example.net/checkin",
        Topic="com.apple.mgmt.External.1234",
    )

    [record] = configuration_profiles.parse(file)

    assert record.message == "Enrolled in device management at https://mdm.example.net/server"
    assert record.fields["kind"] == "mdm"
    assert record.observables == Observable.of(
        url=["https://mdm.example.net/server", "https://mdm.example.net/checkin"]
    )


def test_paths_cover_backups_and_filesystem_dumps():
    assert f"{FOLDER}/profile-*.stub" in configuration_profiles.PATHS
    assert (
        "private/var/containers/Shared/SystemGroup/systemgroup.com.apple.configurationprofiles/"
        "Library/ConfigurationProfiles/MDM.plist"
    ) in configuration_profiles.PATHS


def test_a_notifications_payload_names_its_apps_and_those_it_silences(tmp_path):
    file = profile_stub(
        tmp_path,
        identifier="com.update.notify",
        uuid=UUID,
        payloads=[
            profile_payload(
                "com.apple.notificationsettings",
                "com.update.notify.settings",
                NotificationSettings=[
                    {"BundleIdentifier": "com.apple.MobileSMS", "NotificationsEnabled": False},
                    {"BundleIdentifier": "com.example.chat", "NotificationsEnabled": True},
                    {"NotificationsEnabled": False},
                    "junk",
                ],
            )
        ],
    )

    [record] = configuration_profiles.parse(file)

    assert record.fields["payloads"] == [
        {
            "type": "com.apple.notificationsettings",
            "identifier": "com.update.notify.settings",
            "notification_apps": ["com.apple.MobileSMS", "com.example.chat"],
            "notifications_off": ["com.apple.MobileSMS"],
        }
    ]
