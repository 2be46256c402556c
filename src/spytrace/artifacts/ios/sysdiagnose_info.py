"""When a sysdiagnose was taken, on which device class and build: from sysdiagnose.log.

sysdiagnose.log, the capture's own log, names the archive it is writing,
`sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_<platform>_<device>_<build>` (naming as the
EC-DIGIT-CSIRC sysdiagnose tool reads it). The iOS version itself is in the sysdiagnose's
copy of SystemVersion.plist, read by the device_info artifact. Field names match the
device_info and backup_info artifacts so the same checks read all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "sysdiagnose_info"
PATHS = ("sysdiagnose.log",)
_ARCHIVE_NAME = re.compile(
    r"sysdiagnose_(\d{4}\.\d{2}\.\d{2}_\d{2}-\d{2}-\d{2}[+-]\d{4})_([A-Za-z0-9-]+?)_"
    r"([A-Za-z0-9,-]+)_([0-9A-Za-z]+)"
)
_MAX_LINES = 2000


def parse(file: EvidenceFile) -> Iterator[Record]:
    with file.path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number > _MAX_LINES:
                break
            match = _ARCHIVE_NAME.search(raw.decode("utf-8", "replace"))
            if match is None:
                continue
            stamp, platform, device, build = match.groups()
            when = _stamp(stamp)
            yield Record(
                artifact=NAME,
                source=file.logical_path,
                locator=f"line {number}",
                time=when,
                message=f"Sysdiagnose taken on the {device} ({platform}, build {build})",
                fields=fields_of(
                    {
                        "sysdiagnose_taken": iso(when),
                        "platform": platform,
                        "device_class": device,
                        "build_version": build,
                    }
                ),
                time_desc="Sysdiagnose taken",
            )
            return
    file.notes.append("no sysdiagnose archive name found in the log")


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y.%m.%d_%H-%M-%S%z").astimezone(UTC)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
