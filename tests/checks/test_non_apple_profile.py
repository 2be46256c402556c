from datetime import UTC, datetime

from spytrace.artifacts.ios import configuration_profiles
from spytrace.checks.non_apple_profile import check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_system import profile_payload, profile_stub
from spytrace.testkit.records import profile

INSTALLED = datetime(2023, 6, 1, 9, 15, tzinfo=UTC)
UUID = "6D9A2F1E-0B8C-4C6A-9D1E-2F3A4B5C6D7E"


def test_a_non_apple_vpn_profile_is_high(tmp_path):
    file = profile_stub(
        tmp_path,
        identifier="net.helper.profile",
        uuid=UUID,
        display_name="Network Helper",
        organization="Helper Ltd",
        installed=INSTALLED,
        payloads=[
            profile_payload("com.apple.vpn.managed", "net.helper.vpn", VPNType="IKEv2"),
            profile_payload("com.apple.security.root", "net.helper.ca"),
            profile_payload("com.apple.webClip.managed", "net.helper.clip"),
        ],
    )

    [finding] = check(configuration_profiles.parse(file))

    assert finding.severity is Severity.HIGH
    assert finding.message == (
        "Configuration profile 'Network Helper' (net.helper.profile) from 'Helper Ltd' is not "
        "Apple's; payloads: com.apple.vpn.managed, com.apple.security.root, "
        "com.apple.webClip.managed. Its VPN, root certificate can route, read or control the "
        "phone"
    )
    assert finding.observable == Observable("profile_id", UUID)
    assert finding.evidence == Evidence(file.logical_path, "PayloadIdentifier=net.helper.profile")
    assert finding.time == INSTALLED


def test_a_harmless_non_apple_profile_is_medium():
    [finding] = check(
        [profile(identifier="com.school.wallpaper", payload_types=("com.apple.wallpaper",))]
    )

    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "Configuration profile 'com.school.wallpaper' (com.school.wallpaper) with no "
        "organisation is not Apple's; payloads: com.apple.wallpaper"
    )


def test_mdm_enrollment_is_high():
    [finding] = check(
        [
            profile(
                identifier="com.corp.mdm",
                organization="Corp IT",
                display_name="Corp",
                payload_types=("com.apple.mdm", "com.apple.security.pkcs12"),
            )
        ]
    )
    assert finding.severity is Severity.HIGH
    assert finding.message.endswith("Its MDM enrollment can route, read or control the phone")


def test_an_apple_identifier_with_another_organisation_is_not_apple():
    [finding] = check(
        [profile(identifier="com.apple.fake", organization="Totally Apple Not", payload_types=())]
    )
    assert finding.severity is Severity.MEDIUM


def test_quiet_on_apple_profiles_and_other_records():
    records = [
        profile(
            identifier="com.apple.basebandlogging",
            organization="Apple Inc.",
            payload_types=("com.apple.defaults.managed",),
        ),
        profile(identifier="com.apple.TestFlight", payload_types=()),
    ]
    assert list(check(records)) == []
