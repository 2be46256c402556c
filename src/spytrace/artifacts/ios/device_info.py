"""SystemVersion.plist: the iOS version and build the device runs.

/System/Library/CoreServices/SystemVersion.plist holds ProductName ("iPhone OS"),
ProductVersion and ProductBuildVersion (read by MVT and by every iOS forensic tool); a
sysdiagnose copies it to logs/SystemVersion/ (as EC-DIGIT-CSIRC's sysdiagnose tool reads it).
A backup says the same in Info.plist (the backup_info artifact).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.plist import load_plist
from spytrace.model import Artifact, EvidenceFile, Record, fields_of

NAME = "device_info"
PATHS = (
    "System/Library/CoreServices/SystemVersion.plist",
    "logs/SystemVersion/SystemVersion.plist",
)


def parse(file: EvidenceFile) -> Iterator[Record]:
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


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


ARTIFACT = Artifact(NAME, PATHS, parse)
