"""From a detected acquisition to an opened Source, for the types spytrace can read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spytrace.errors import UnsupportedAcquisition
from spytrace.sources.android_androidqf import open_android_androidqf
from spytrace.sources.android_backup import open_android_backup
from spytrace.sources.android_bugreport import open_android_bugreport
from spytrace.sources.base import Source, SourceOptions
from spytrace.sources.detect import Detected
from spytrace.sources.ios_backup import open_ios_backup
from spytrace.sources.ios_fs import open_ios_fs
from spytrace.sources.ios_sysdiagnose import open_ios_sysdiagnose

Opener = Callable[[Path, SourceOptions, Path], Source]

OPENERS: dict[str, Opener] = {
    "ios_backup": open_ios_backup,
    "ios_fs": open_ios_fs,
    "ios_sysdiagnose": open_ios_sysdiagnose,
    "android_bugreport": open_android_bugreport,
    "android_androidqf": open_android_androidqf,
    "android_backup": open_android_backup,
}


def open_source(detected: Detected, options: SourceOptions, scratch: Path) -> Source:
    opener = OPENERS.get(detected.type)
    if opener is None:
        raise UnsupportedAcquisition(
            f"{detected.path}: recognised as {detected.detail}, which spytrace cannot scan yet"
        )
    return opener(detected.path, options, scratch)
