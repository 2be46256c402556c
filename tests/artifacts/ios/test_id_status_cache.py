import plistlib
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.ios import id_status_cache
from spytrace.errors import EvidenceError
from spytrace.model import EvidenceFile, Observable
from spytrace.testkit.ios_comms import cocoa_seconds, idstatuscache

LOOKUP = datetime(2021, 5, 12, 6, 51, 8, tzinfo=UTC)
LATER = datetime(2021, 6, 1, tzinfo=UTC)


def test_one_record_per_looked_up_identifier(tmp_path):
    file = idstatuscache(
        tmp_path,
        {
            "com.apple.madrid": {
                "mailto:bergers.o79@gmail.com": {
                    "IDStatus": 1,
                    "LookupDate": cocoa_seconds(LOOKUP),
                },
                "tel:+15550001234": {"IDStatus": 2, "LookupDate": cocoa_seconds(LATER)},
            },
            "com.apple.private.alloy.photostream": {"token:abc": {"IDStatus": 1}},
        },
    )

    records = list(id_status_cache.parse(file))

    assert [r.locator for r in records] == [
        "com.apple.madrid/mailto:bergers.o79@gmail.com",
        "com.apple.madrid/tel:+15550001234",
        "com.apple.private.alloy.photostream/token:abc",
    ]
    email, phone, token = records
    assert email.artifact == "id_status_cache"
    assert email.source == (
        "HomeDomain/Library/Preferences/com.apple.identityservices.idstatuscache.plist"
    )
    assert email.time == LOOKUP
    assert email.time_desc == "Identifier looked up"
    assert email.message == "com.apple.madrid looked up bergers.o79@gmail.com"
    assert email.fields == {
        "service": "com.apple.madrid",
        "identifier": "mailto:bergers.o79@gmail.com",
        "id_status": 1,
    }
    assert email.observables == Observable.of(email="bergers.o79@gmail.com")
    assert phone.time == LATER
    assert phone.observables == Observable.of(phone="+15550001234")
    assert token.time is None
    assert token.message == "com.apple.private.alloy.photostream looked up token:abc"
    assert token.observables == ()


def test_the_older_identity_services_path_reads_the_same(tmp_path):
    file = idstatuscache(
        tmp_path,
        {"com.apple.madrid": {"mailto:x@example.com": {"LookupDate": "not a date"}}},
        logical_path="private/var/mobile/Library/IdentityServices/idstatuscache.plist",
        cache_version=None,
    )

    [record] = id_status_cache.parse(file)

    assert record.source == "private/var/mobile/Library/IdentityServices/idstatuscache.plist"
    assert record.time is None
    assert record.observables == Observable.of(email="x@example.com")
    assert {p.rsplit("/", 1)[-1] for p in id_status_cache.PATHS} == {
        "com.apple.identityservices.idstatuscache.plist",
        "idstatuscache.plist",
    }


@pytest.mark.parametrize("content", [b"not a plist", b"bplist00\x00\x01", b'<?xml version="1.0"?>'])
def test_an_unreadable_file_is_an_evidence_error(tmp_path, content):
    path = tmp_path / "cache.plist"
    path.write_bytes(content)

    with pytest.raises(EvidenceError):
        list(id_status_cache.parse(EvidenceFile("x/idstatuscache.plist", path)))


def test_a_plist_that_is_not_a_dictionary_is_an_evidence_error(tmp_path):
    path = tmp_path / "cache.plist"
    path.write_bytes(plistlib.dumps(["a"], fmt=plistlib.FMT_BINARY))

    with pytest.raises(EvidenceError, match="dictionary"):
        list(id_status_cache.parse(EvidenceFile("x/idstatuscache.plist", path)))


def test_an_identifier_with_nul_bytes_is_kept_whole_in_fields(tmp_path):
    identifier = "mailto:attacker@example.com\x00\x00"
    file = idstatuscache(
        tmp_path,
        {"com.apple.madrid": {identifier: {"IDStatus": 1, "LookupDate": cocoa_seconds(LOOKUP)}}},
    )

    [record] = id_status_cache.parse(file)

    assert record.fields["identifier"] == identifier
    # Shown escaped where people read it.
    assert record.locator == "com.apple.madrid/mailto:attacker@example.com\\x00\\x00"
    assert record.message == "com.apple.madrid looked up mailto:attacker@example.com\\x00\\x00"
    # The address still matches an email indicator without its NUL padding.
    assert record.observables == Observable.of(email="attacker@example.com")
