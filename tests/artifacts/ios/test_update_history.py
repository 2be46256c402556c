import json
from datetime import UTC, datetime

from spytrace.artifacts.ios import update_history
from spytrace.testkit.sysdiagnose import evidence


def test_the_journal_header_dates_the_version(tmp_path):
    header = {
        "timestamp": "2021-07-01 10:00:00.00 +0200",
        "os_version": "iPhone OS 14.6 (18F72)",
        "roots_installed": 0,
    }
    file = evidence(
        tmp_path,
        "private/var/db/analyticsd/Analytics-Journal-12.ips",
        json.dumps(header) + '\n{"events":[]}\n',
    )

    [record] = update_history.parse(file)

    assert record.time == datetime(2021, 7, 1, 8, 0, tzinfo=UTC)
    assert record.fields == {
        "os_version": "iPhone OS 14.6 (18F72)",
        "product_version": "14.6",
        "build_version": "18F72",
    }
    assert record.message == "Device ran iPhone OS 14.6 (18F72)"
