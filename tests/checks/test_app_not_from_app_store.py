import plistlib
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import installed_apps
from spytrace.checks.app_not_from_app_store import CHECK, check
from spytrace.model import Evidence, Observable, Severity
from spytrace.testkit.ios_system import backup_info_plist, itunes_metadata, plist_file

BOUGHT = datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC)


def info(tmp_path, apps):
    """Info.plist with each (bundle id, iTunesMetadata) as an Applications entry."""
    return backup_info_plist(
        tmp_path,
        **{
            "Installed Applications": [bundle_id for bundle_id, _ in apps],
            "Applications": {
                bundle_id: {"iTunesMetadata": plistlib.dumps(meta, fmt=plistlib.FMT_BINARY)}
                for bundle_id, meta in apps
            },
        },
    )


def test_an_app_from_another_installer_is_medium(tmp_path):
    file = info(
        tmp_path,
        [
            (
                "com.example.helper",
                itunes_metadata(
                    "com.example.helper",
                    name="Helper",
                    source_app="com.example.marketplace",
                    purchased=BOUGHT,
                    distributorInfo={"distributorID": "com.example.marketplace"},
                ),
            )
        ],
    )

    [finding] = check(installed_apps.parse(file))

    assert CHECK.reads == ("installed_apps",)
    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "App com.example.helper ('Helper') was installed by com.example.marketplace, not the "
        "App Store or device management (distributor com.example.marketplace)"
    )
    assert finding.evidence == Evidence("Info.plist", "Applications/com.example.helper")
    assert finding.observable == Observable("app_id", "com.example.helper")
    assert finding.time == BOUGHT


def test_testflight_counts_as_not_the_app_store(tmp_path):
    path = "private/var/containers/Bundle/Application/0A1B/iTunesMetadata.plist"
    file = plist_file(
        tmp_path, path, itunes_metadata("com.example.beta", source_app="com.apple.TestFlight")
    )
    [finding] = check(installed_apps.parse(file))
    assert "installed by com.apple.TestFlight" in finding.message


def test_metadata_without_a_bundle_id_is_medium(tmp_path):
    file = info(tmp_path, [("com.example.odd", itunes_metadata(None, name="Odd"))])

    [finding] = check(installed_apps.parse(file))

    assert finding.severity is Severity.MEDIUM
    assert finding.message == (
        "App com.example.odd ('Odd') has install metadata without a bundle id "
        "(softwareVersionBundleId), which App Store installs carry"
    )


@pytest.mark.parametrize(
    "installer",
    [
        "com.apple.AppStore",
        "com.apple.AppStore.ProductPageExtension",
        "com.apple.dmd",
        "dmd",
        None,  # no sourceApp: the App Store, as MVT reads it
    ],
)
def test_quiet_on_app_store_and_mdm_installs(tmp_path, installer):
    file = info(
        tmp_path, [("com.example.chat", itunes_metadata("com.example.chat", source_app=installer))]
    )
    assert list(check(installed_apps.parse(file))) == []


def test_quiet_on_apps_without_metadata_and_manifest_entries(tmp_path):
    listed = backup_info_plist(tmp_path, **{"Installed Applications": ["com.example.x"]})
    manifest = plist_file(
        tmp_path,
        "Manifest.plist",
        {"Applications": {"com.example.x": {"CFBundleIdentifier": "com.example.x"}}},
    )
    records = [*installed_apps.parse(listed), *installed_apps.parse(manifest)]
    assert len(records) == 2
    assert list(check(records)) == []
