"""dumpsys platform_compat: per-package overrides of Android compatibility changes.

PlatformCompat dumps one line per change, `ChangeId(168419799; name=DOWNSCALED; disabled;
packageOverrides={com.example=false, org.other=true}; rawOverrides={...}; overridable)`.
An override names a package that asked for, or was given, different platform behaviour —
it shows the package was present even when it is gone from the package list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "dumpsys_platform_compat"
PATHS = dumpsys.DUMPSYS_PATHS
_CHANGE = re.compile(r"^ChangeId\((\d+)(?:; name=([\w.]+))?(.*)\)\s*$")
_OVERRIDES = re.compile(r"(packageOverrides|rawOverrides)=\{([^}]*)\}")


def parse(file: EvidenceFile) -> Iterator[Record]:
    for number, line in dumpsys.service_lines(file, "platform_compat"):
        match = _CHANGE.match(line)
        if not match:
            continue
        change_id, name, rest = match.groups()
        seen: set[str] = set()
        for kind, overrides in _OVERRIDES.findall(rest):
            for item in overrides.split(","):
                package, _, value = item.strip().partition("=")
                if not package or package in seen:
                    continue
                seen.add(package)
                yield Record(
                    artifact=NAME,
                    source=file.logical_path,
                    locator=f"line {number}",
                    time=None,
                    message=f"{package}: compatibility change {name or change_id} set to {value}",
                    fields={
                        "package": package,
                        "change_id": int(change_id),
                        "change": name or "",
                        "enabled": value == "true",
                        "override": "package" if kind == "packageOverrides" else "raw",
                    },
                    observables=Observable.of(app_id=package),
                )


ARTIFACT = Artifact(NAME, PATHS, parse)
