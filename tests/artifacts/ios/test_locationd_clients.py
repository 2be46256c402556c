from datetime import UTC, datetime

from spytrace.artifacts.ios import locationd_clients
from spytrace.model import Observable
from spytrace.testkit.ios_system import locationd_client
from spytrace.testkit.ios_system import locationd_clients as clients_plist

T1 = datetime(2023, 5, 1, 10, 0, tzinfo=UTC)
T2 = datetime(2023, 5, 2, 11, 30, tzinfo=UTC)


def parse_one(tmp_path, key, entry):
    [record] = locationd_clients.parse(clients_plist(tmp_path, {key: entry}))
    return record


def test_an_app_client_keyed_by_bundle_id(tmp_path):
    record = parse_one(
        tmp_path,
        "com.example.maps",
        locationd_client(
            bundle_id="com.example.maps",
            bundle_path="/private/var/containers/Bundle/Application/ABC/Maps.app",
            executable="/private/var/containers/Bundle/Application/ABC/Maps.app/Maps",
            registered="/private/var/containers/Bundle/Application/ABC/Maps.app/Maps",
            authorization=2,
            times={"LocationTimeStopped": T1, "BackgroundLocationTimeStopped": T2},
            SupportedAuthorizationMask=3,
        ),
    )

    assert record.source == "RootDomain/Library/Caches/locationd/clients.plist"
    assert record.locator == "key com.example.maps"
    assert record.time == T2
    assert record.time_desc == "Last location use"
    assert record.message == "com.example.maps location access: while using"
    assert record.fields == {
        "client": "com.example.maps",
        "bundle_id": "com.example.maps",
        "bundle_path": "/private/var/containers/Bundle/Application/ABC/Maps.app",
        "executable": "/private/var/containers/Bundle/Application/ABC/Maps.app/Maps",
        "registered": "/private/var/containers/Bundle/Application/ABC/Maps.app/Maps",
        "authorization": 2,
        "authorization_name": "while using",
        "times": {
            "LocationTimeStopped": "2023-05-01T10:00:00Z",
            "BackgroundLocationTimeStopped": "2023-05-02T11:30:00Z",
        },
    }
    assert record.observables == Observable.of(
        app_id="com.example.maps",
        file_path=[
            "/private/var/containers/Bundle/Application/ABC/Maps.app",
            "/private/var/containers/Bundle/Application/ABC/Maps.app/Maps",
        ],
        process="Maps",
    )


def test_an_executable_client(tmp_path):
    key = "com.apple.locationd.executable-/private/var/db/com.apple.xpc.roleaccountd.staging/bh"
    record = parse_one(
        tmp_path, key, locationd_client(bundle_id=key, registered=True, authorization=4)
    )

    assert record.message == (
        "/private/var/db/com.apple.xpc.roleaccountd.staging/bh location access: always"
    )
    assert record.time is None
    assert record.fields["executable"] == ("/private/var/db/com.apple.xpc.roleaccountd.staging/bh")
    assert "bundle_id" not in record.fields
    assert record.fields["registered"] is True
    assert record.observables == Observable.of(
        file_path="/private/var/db/com.apple.xpc.roleaccountd.staging/bh", process="bh"
    )


def test_ios17_client_key_paths(tmp_path):
    file = clients_plist(
        tmp_path,
        {
            "icom.example.weather:": locationd_client(authorization=1),
            "mobile:e/usr/libexec/locationpushd:": locationd_client(),
            "p/System/Library/LocationBundles/Thing.bundle:icom.apple.thing": {},
            "MigrationVersion": 3,
        },
    )

    weather, daemon, bundle_plugin = locationd_clients.parse(file)  # plist keys sorted

    assert weather.message == "com.example.weather location access: never"
    assert weather.observables == Observable.of(app_id="com.example.weather")
    assert daemon.observables == Observable.of(
        file_path="/usr/libexec/locationpushd", process="locationpushd"
    )
    assert daemon.fields["executable"] == "/usr/libexec/locationpushd"
    assert bundle_plugin.observables == Observable.of(
        app_id="com.apple.thing", file_path="/System/Library/LocationBundles/Thing.bundle"
    )
    assert bundle_plugin.message == "com.apple.thing location access: unknown"


def test_client_identity():
    assert locationd_clients.client_identity("com.apple.locationd.bundle-/S/L/X.bundle") == {
        "bundle_path": "/S/L/X.bundle"
    }
    assert locationd_clients.client_identity("icom.a:") == {"bundle_id": "com.a"}
    assert locationd_clients.client_identity("user:icom.a:") == {"bundle_id": "com.a"}
