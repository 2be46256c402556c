import plistlib
from datetime import UTC, datetime

from spytrace.artifacts.ios import configuration_profiles
from spytrace.model import Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.sysdiagnose import evidence

INSTALLED = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)


def test_profile_stubs_in_mcstate_are_read_as_configuration_profiles(tmp_path):
    profile = {
        "PayloadIdentifier": "com.example.vpn",
        "PayloadUUID": "9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D",
        "PayloadDisplayName": "Example VPN",
        "PayloadOrganization": "Example",
        "PayloadType": "Configuration",
        "PayloadContent": [
            {"PayloadType": "com.apple.vpn.managed", "PayloadIdentifier": "com.example.vpn.1"}
        ],
        "InstallDate": INSTALLED.replace(tzinfo=None),
    }
    file = evidence(
        tmp_path,
        "logs/MCState/Shared/profile-0a1b2c3d.stub",
        plistlib.dumps(profile, fmt=plistlib.FMT_BINARY),
    )

    [record] = configuration_profiles.parse(file)

    assert record.artifact == "configuration_profiles"
    assert record.time == INSTALLED
    assert record.fields["payload_identifier"] == "com.example.vpn"
    assert record.fields["payload_types"] == ["com.apple.vpn.managed"]
    assert Observable("profile_id", "9A8B7C6D-5E4F-4A3B-2C1D-0E9F8A7B6C5D") in record.observables
    assert compile_globs(configuration_profiles.PATHS).match(file.logical_path)
