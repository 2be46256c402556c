""".GlobalPreferences.plist: device-wide settings, among them whether Lockdown Mode is on.

`LDMGlobalEnabled` is the Lockdown Mode switch (iOS 16 and later; the key MVT's
GlobalPreferences module and WebKit's _WKSystemPreferences read); absent means it was never
turned on. The managed-preferences copy holds what a device-management profile imposes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.plist import load_plist
from spytrace.model import Artifact, EvidenceFile, Record, fields_of

NAME = "global_preferences"
PATHS = (
    *paths.home("Library/Preferences/.GlobalPreferences.plist"),
    *paths.managed_preferences("mobile/.GlobalPreferences.plist"),
)
LOCKDOWN_KEY = "LDMGlobalEnabled"


def parse(file: EvidenceFile) -> Iterator[Record]:
    plist = load_plist(file)
    if not isinstance(plist, dict):
        file.notes.append(".GlobalPreferences.plist is not a dictionary")
        return
    lockdown = plist.get(LOCKDOWN_KEY)
    lockdown = bool(lockdown) if isinstance(lockdown, bool | int) else None
    managed = file.logical_path.startswith(paths.managed_preferences("")[:2])
    state = {True: "on", False: "off", None: "never turned on"}[lockdown]
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator=LOCKDOWN_KEY,
        time=None,
        message=f"Lockdown Mode {state}" + (" (managed setting)" if managed else ""),
        fields=fields_of(
            {
                "lockdown_mode": lockdown,
                "managed": managed or None,
                "languages": _strings(plist.get("AppleLanguages")),
                "locale": _string(plist.get("AppleLocale")),
            }
        ),
    )


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strings(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)] or None


ARTIFACT = Artifact(NAME, PATHS, parse)
