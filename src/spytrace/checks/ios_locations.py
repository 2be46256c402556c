"""Where an iOS binary runs from: the system's folders, an app bundle, or somewhere odd.

iOS runs binaries only from the sealed system volume (/System, /usr, /sbin, /bin, /Library,
/Applications, /Developer), the cryptexes Apple mounts since iOS 16 (/System/Cryptexes,
/private/preboot/Cryptexes) and installed app bundles (/private/var/containers/Bundle/, and
/private/var/staged_system_apps/ for system apps being updated). A binary running from the
data partition anywhere else was put there by something else; /private/var/db/ and
/private/var/tmp/ are where Pegasus staged its binaries (Kaspersky, iShutdown, 2024; Amnesty
International, Forensic Methodology Report, 2021). Not a check: shared by the checks.
"""

from __future__ import annotations

import re

STAGING, UNUSUAL, SYSTEM, APP = "staging", "unusual", "system", "app"
# The folders Kaspersky's iShutdown flags.
STAGING_DIRS = ("/private/var/db/", "/private/var/tmp/")
SYSTEM_DIRS = (
    "/System/",
    "/usr/",
    "/sbin/",
    "/bin/",
    "/Library/",
    "/Applications/",
    "/Developer/",
    "/AppleInternal/",
    "/private/preboot/",
)
APP_DIRS = ("/private/var/containers/Bundle/", "/private/var/staged_system_apps/")
_LINKED = (
    ("/var/", "/private/var/"),
    ("/etc/", "/private/etc/"),
    ("/tmp/", "/private/var/tmp/"),  # noqa: S108 - the phone's folder, not ours
)
_UUID_TAIL = re.compile(
    r"/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/?$"
)


def normalise(path: str) -> str:
    """/var/... as /private/var/..., without a trailing UUID component."""
    path = _UUID_TAIL.sub("", path.strip())
    # iOS links /var, /etc and /tmp into /private; paths name either form.
    for short, target in _LINKED:
        if path.startswith(short):
            return target + path[len(short) :]
    return path


def location(path: str) -> str | None:
    """STAGING, UNUSUAL, SYSTEM or APP for an absolute path; None when it is not one."""
    path = normalise(path)
    if not path.startswith("/"):
        return None
    if path.startswith(STAGING_DIRS):
        return STAGING
    if path.startswith(APP_DIRS):
        return APP
    if path.startswith(SYSTEM_DIRS):
        return SYSTEM
    return UNUSUAL


def folder_of(path: str) -> str:
    """The staging folder a path is in, or its parent folder, for messages."""
    path = normalise(path)
    for folder in STAGING_DIRS:
        if path.startswith(folder):
            return folder
    return path.rpartition("/")[0] + "/"
