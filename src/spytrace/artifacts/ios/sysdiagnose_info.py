"""The device a sysdiagnose describes: iOS version and build, device class, capture time.

logs/SystemVersion/SystemVersion.plist is the device's own SystemVersion.plist (ProductName,
ProductVersion, ProductBuildVersion); sysdiagnose.log, the capture's own log, names the
archive it is writing, `sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_<platform>_<device>_<build>`
(paths and naming as the EC-DIGIT-CSIRC sysdiagnose tool reads them). Field names match the
device_info and backup_info artifacts so the same checks read all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from spytrace.artifacts.plist import load_plist
from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "sysdiagnose_info"
PATHS = ("logs/SystemVersion/SystemVersion.plist", "sysdiagnose.log")
_ARCHIVE_NAME = re.compile(
    r"sysdiagnose_(\d{4}\.\d{2}\.\d{2}_\d{2}-\d{2}-\d{2}[+-]\d{4})_([A-Za-z0-9-]+?)_"
    r"([A-Za-z0-9,-]+)_([0-9A-Za-z]+)"
)
_MAX_LINES = 2000


def parse(file: EvidenceFile) -> Iterator[Record]:
    if file.logical_path.endswith(".plist"):
        yield from _system_version(file)
    else:
        yield from _capture(file)


def _system_version(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    if not isinstance(plist, dict):
        file.notes.append("SystemVersion.plist is not a dictionary")
        return
    version = _text(plist.get("ProductVersion"))
    build = _text(plist.get("ProductBuildVersion"))
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="SystemVersion.plist",
        time=None,
        message=f"iOS {version or '?'} ({build or '?'})",
        fields=fields_of(
            {
                "product_name": _text(plist.get("ProductName")),
                "product_version": version,
                "build_version": build,
            }
        ),
    )


def _capture(file: EvidenceFile) -> Iterator[Record]:
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
