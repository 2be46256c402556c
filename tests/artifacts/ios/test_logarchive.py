import plistlib
from datetime import UTC, datetime

from spytrace.artifacts.ios import logarchive
from spytrace.testkit.sysdiagnose import evidence


def test_the_log_archive_is_described_and_marked_not_parsed(tmp_path):
    info = {
        "ArchiveIdentifier": "267BEFE8-2AB5-4593-94C6-EA7FDEA0B53E",
        "OSArchiveVersion": 5,
        "EndTimeRef": {"WallTime": 1763858319000000000, "ContinuousTime": 23596357608},
    }
    file = evidence(tmp_path, "system_logs.logarchive/Info.plist", plistlib.dumps(info))

    [record] = logarchive.parse(file)

    assert record.time == datetime(2025, 11, 23, 0, 38, 39, tzinfo=UTC)
    assert record.fields == {
        "archive_identifier": "267BEFE8-2AB5-4593-94C6-EA7FDEA0B53E",
        "archive_version": 5,
        "parsed": False,
    }
    assert file.notes == [logarchive.NOT_PARSED]
