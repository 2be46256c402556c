"""Every artifact parser and check spytrace runs, listed once, explicitly.

A new artifact is one module plus one line here. tests/test_catalog.py fails when a module
that defines ARTIFACT or CHECK is missing here or a name is used twice.
"""

from __future__ import annotations

from spytrace.model import Artifact, Check

IOS_ARTIFACTS: tuple[Artifact, ...] = ()

ANDROID_ARTIFACTS: tuple[Artifact, ...] = ()

CHECKS: tuple[Check, ...] = ()

# Artifacts whose record fields describe the device (model, OS version, identifiers); they
# fill `acquisition.device` in findings.json.
DEVICE_ARTIFACTS = frozenset({"backup_info", "device_info", "getprop"})


def artifacts_for(platform: str) -> tuple[Artifact, ...]:
    return {"ios": IOS_ARTIFACTS, "android": ANDROID_ARTIFACTS}[platform]


def checks_for(artifacts: tuple[Artifact, ...]) -> tuple[Check, ...]:
    names = {a.name for a in artifacts}
    return tuple(c for c in CHECKS if names.intersection(c.reads))
