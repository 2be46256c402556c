"""iOS update history: the version the device ran on each day, from analytics journals.

analyticsd writes /private/var/db/analyticsd/Analytics-Journal-<n>.ips files whose first line
is a JSON header with the journal's "timestamp" ("2021-07-01 10:00:00.00 +0200") and
"os_version" ("iPhone OS 14.6 (18F72)"): one version per journal, so the journals together
date each update (as MVT's IOSVersionHistory module reads them). Knowing when a device was
behind on updates dates the window an exploit could use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Record, fields_of

NAME = "update_history"
PATHS = ("private/var/db/analyticsd/Analytics-Journal-*.ips",)
_VERSION = re.compile(r"^(.*?)\s*([\d.]+)\s*\((\w+)\)\s*$")
_MAX_HEADER = 1 << 20


def parse(file: EvidenceFile) -> Iterator[Record]:
    with file.path.open("rb") as handle:
        first = handle.readline(_MAX_HEADER)
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise EvidenceError(f"{file.logical_path}: no JSON header line ({exc})") from exc
    if not isinstance(header, dict) or not isinstance(header.get("os_version"), str):
        file.notes.append("the header line has no os_version")
        return
    text = header["os_version"]
    match = _VERSION.match(text)
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="header",
        time=_time(header.get("timestamp")),
        message=f"Device ran {text}",
        fields=fields_of(
            {
                "os_version": text,
                "product_version": match.group(2) if match else None,
                "build_version": match.group(3) if match else None,
            }
        ),
        time_desc="Analytics journal started",
    )


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    for form in ("%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M:%S %z"):
        try:
            return datetime.strptime(value, form).astimezone(UTC)
        except ValueError:
            continue
    return None


ARTIFACT = Artifact(NAME, PATHS, parse)
