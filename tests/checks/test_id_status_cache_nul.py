from datetime import UTC, datetime

from spytrace.artifacts.ios import id_status_cache
from spytrace.checks.id_status_cache_nul import CHECK, check
from spytrace.model import Evidence, Severity
from spytrace.outputs.jsonenc import dumps, loads
from spytrace.outputs.records_jsonl import record_from_json, record_to_json
from spytrace.testkit.ios_comms import cocoa_seconds, idstatuscache

LOOKUP = datetime(2021, 5, 12, 6, 51, 8, tzinfo=UTC)


def cache(tmp_path, *identifiers):
    return idstatuscache(
        tmp_path,
        {
            "com.apple.madrid": {
                i: {"IDStatus": 1, "LookupDate": cocoa_seconds(LOOKUP)} for i in identifiers
            }
        },
    )


def test_an_identifier_with_two_nul_bytes_is_high(tmp_path):
    file = cache(tmp_path, "mailto:friend@example.com", "tel:+15550001234\x00\x00")

    [finding] = check(id_status_cache.parse(file))

    assert CHECK.reads == ("id_status_cache",)
    assert finding.severity is Severity.HIGH
    assert finding.message == (
        "ID status cache entry 'tel:+15550001234\\x00\\x00' (com.apple.madrid, looked up at "
        "2021-05-12T06:51:08Z) holds two NUL bytes in a row, a crafted identifier"
    )
    assert finding.evidence == Evidence(
        file.logical_path, "com.apple.madrid/tel:+15550001234\\x00\\x00"
    )
    assert finding.time == LOOKUP


def test_the_nul_bytes_survive_the_records_file_checks_read_back(tmp_path):
    records = id_status_cache.parse(cache(tmp_path, "mailto:a\x00\x00b@example.com"))
    round_trip = [record_from_json(loads(dumps(record_to_json(r)))) for r in records]

    [finding] = check(round_trip)

    assert finding.severity is Severity.HIGH


def test_quiet_on_one_nul_byte_and_ordinary_identifiers(tmp_path):
    file = cache(tmp_path, "mailto:friend@example.com", "tel:+1555\x000001234", "token:abc")
    assert list(check(id_status_cache.parse(file))) == []
