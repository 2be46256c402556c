import hashlib
import plistlib
from datetime import UTC, datetime

from spytrace.artifacts.ios import installed_apps
from spytrace.model import EvidenceFile, Observable
from spytrace.pathglob import compile_globs
from spytrace.testkit.ios_backup import BackupBuilder
from spytrace.testkit.ios_system import backup_info_plist, itunes_metadata, plist_file

BOUGHT = datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC)
ICON = b"\x89PNG\r\n\x1a\nicon"


def info_with(apps, installed):
    return {"Applications": apps, "Installed Applications": installed}


def entry(metadata):
    return {
        "ApplicationSINF": b"sinf",
        "PlaceholderIcon": ICON,
        "iTunesMetadata": plistlib.dumps(metadata, fmt=plistlib.FMT_BINARY),
    }


def test_an_app_store_app_from_info_plist(tmp_path):
    metadata = itunes_metadata(
        "com.example.chat",
        name="Chat",
        version="4.2",
        developer="Example Ltd",
        purchased=BOUGHT,
        purchaser="owner@example.com",
    )
    file = backup_info_plist(
        tmp_path, **info_with({"com.example.chat": entry(metadata)}, ["com.example.chat"])
    )

    [record] = installed_apps.parse(file)

    assert record.artifact == "installed_apps"
    assert record.source == "Info.plist"
    assert record.locator == "Applications/com.example.chat"
    assert record.time == BOUGHT
    assert record.time_desc == "App purchased"
    assert record.message == (
        "App com.example.chat (Chat 4.2) by Example Ltd, installed by com.apple.AppStore"
    )
    assert record.fields == {
        "listed_in": "Info.plist Applications",
        "bundle_id": "com.example.chat",
        "has_metadata": True,
        "metadata_bundle_id": "com.example.chat",
        "name": "Chat",
        "version": "4.2",
        "developer": "Example Ltd",
        "source_app": "com.apple.AppStore",
        "purchase_date": "2023-04-05T06:07:08Z",
        "purchaser": "owner@example.com",
        "item_id": 1234567890,
        "kind": "software",
        "icon_sha256": hashlib.sha256(ICON).hexdigest(),
    }
    assert record.observables == Observable.of(
        app_id="com.example.chat", process="com.example.chat", email="owner@example.com"
    )


def test_apps_listed_without_metadata_and_odd_metadata(tmp_path):
    sideloaded = itunes_metadata(
        None,
        source_app="com.example.installer",
        purchaser=None,
        distributorInfo={"distributorID": "com.example.market"},
    )
    apps = {
        "com.example.side": entry(sideloaded),
        "com.example.broken": {"iTunesMetadata": b"not a plist"},
    }
    file = backup_info_plist(
        tmp_path, **info_with(apps, [7, "com.example.plain", "com.example.side"])
    )

    plain, broken, side = installed_apps.parse(file)

    assert plain.locator == "Installed Applications[1]"
    assert plain.message == "App com.example.plain"
    assert plain.fields == {
        "listed_in": "Info.plist Installed Applications",
        "bundle_id": "com.example.plain",
        "has_metadata": False,
    }
    assert plain.time is None and plain.time_desc == ""
    assert side.locator == "Applications/com.example.side"
    assert side.fields["bundle_id"] == "com.example.side"
    assert "metadata_bundle_id" not in side.fields
    assert side.fields["source_app"] == "com.example.installer"
    assert side.fields["distributor"] == "com.example.market"
    assert side.observables == Observable.of(app_id="com.example.side", process="com.example.side")
    assert broken.fields["has_metadata"] is False
    assert file.notes == ["1 app(s) with unreadable iTunesMetadata"]


def test_a_bundle_id_that_differs_from_its_metadata_gives_both(tmp_path):
    metadata = itunes_metadata("com.example.real", purchaser=None)
    file = backup_info_plist(tmp_path, **info_with({"com.example.shown": entry(metadata)}, []))

    [record] = installed_apps.parse(file)

    assert record.fields["bundle_id"] == "com.example.shown"
    assert record.fields["metadata_bundle_id"] == "com.example.real"
    assert record.observables == Observable.of(
        app_id=["com.example.shown", "com.example.real"],
        process=["com.example.shown", "com.example.real"],
    )


def test_manifest_plist_applications(tmp_path):
    file = plist_file(
        tmp_path,
        "Manifest.plist",
        {
            "Applications": {
                "com.example.chat": {
                    "CFBundleIdentifier": "com.example.chat",
                    "CFBundleVersion": "420",
                    "ContainerContentClass": "Data/Application",
                    "Path": "/private/var/mobile/Containers/Data/Application/AB12",
                },
                "com.example.bare": "junk",
            },
            "IsEncrypted": False,
        },
    )

    bare, chat = installed_apps.parse(file)  # plists keep keys sorted

    assert chat.locator == "Applications/com.example.chat"
    assert chat.time is None
    assert chat.message == (
        "App com.example.chat version 420, data in "
        "/private/var/mobile/Containers/Data/Application/AB12"
    )
    assert chat.fields == {
        "listed_in": "Manifest.plist Applications",
        "bundle_id": "com.example.chat",
        "bundle_version": "420",
        "container": "/private/var/mobile/Containers/Data/Application/AB12",
        "container_class": "Data/Application",
    }
    assert chat.observables == Observable.of(app_id="com.example.chat", process="com.example.chat")
    assert bare.fields == {
        "listed_in": "Manifest.plist Applications",
        "bundle_id": "com.example.bare",
    }


def test_a_filesystem_itunes_metadata_plist(tmp_path):
    path = "private/var/containers/Bundle/Application/0A1B2C3D/iTunesMetadata.plist"
    metadata = itunes_metadata(
        "com.example.maps", source_app="com.apple.TestFlight", purchased=BOUGHT, purchaser=None
    )
    file = plist_file(tmp_path, path, metadata)

    [record] = installed_apps.parse(file)

    assert compile_globs(installed_apps.PATHS).match(path)
    assert record.locator == "iTunesMetadata.plist"
    assert record.fields["listed_in"] == "iTunesMetadata.plist"
    assert record.fields["bundle_id"] == "com.example.maps"
    assert record.fields["source_app"] == "com.apple.TestFlight"
    assert record.time == BOUGHT


def test_the_backup_builder_writes_what_the_parser_reads(tmp_path):
    backup = BackupBuilder(tmp_path)
    backup.add_application(
        "com.example.chat", itunes_metadata("com.example.chat", purchased=BOUGHT), version="42"
    )
    backup.add_application("com.example.nometa")
    folder = backup.build()

    info = list(installed_apps.parse(EvidenceFile("Info.plist", folder / "Info.plist")))
    manifest = list(installed_apps.parse(EvidenceFile("Manifest.plist", folder / "Manifest.plist")))

    assert [(r.locator, r.fields["has_metadata"]) for r in info] == [
        ("Installed Applications[1]", False),
        ("Applications/com.example.chat", True),
    ]
    assert info[1].time == BOUGHT
    assert [(r.fields["bundle_id"], r.fields["bundle_version"]) for r in manifest] == [
        ("com.example.chat", "42"),
        ("com.example.nometa", "1"),
    ]


def test_a_plist_that_is_not_a_dictionary_is_noted(tmp_path):
    file = plist_file(tmp_path, "Manifest.plist", ["x"])
    assert list(installed_apps.parse(file)) == []
    assert file.notes == ["not a dictionary"]
