"""dumpsys notification: the apps allowed to read every notification (notification listeners).

NotificationManagerService dumps, under `  Notification listeners:`,
`    Allowed notification listeners:` (Android 11+), `    All notification listeners (N)
enabled for current profiles:` and `    Live notification listeners (N):`, each followed by
`ComponentInfo{pkg/cls}` lines; live ones end with `(user 0): ...Proxy@... SYSTEM` for the
system's own. A listener reads message previews, one-time codes and chat content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "dumpsys_notification_listeners"
PATHS = dumpsys.DUMPSYS_PATHS
_GROUP = re.compile(
    r"^    (Allowed|All|Live|Disallowed)\b[^:]*notification listeners?\b.*:\s*$", re.I
)
_COMPONENT = re.compile(r"ComponentInfo\{([^}/]+/[^}]+)\}(?: \(user (-?\d+)\))?(.*)$")
STATES = {"allowed": "allowed", "all": "enabled", "live": "live", "disallowed": "disallowed"}


def parse(file: EvidenceFile) -> Iterator[Record]:
    in_listeners = False
    state = ""
    seen: dict[str, dict[str, object]] = {}
    for number, line in dumpsys.service_lines(file, "notification"):
        if line.strip() == "Notification listeners:":
            in_listeners = True
            continue
        if not in_listeners:
            continue
        if line.strip() and not line.startswith("    "):
            in_listeners = False
            continue
        if match := _GROUP.match(line):
            state = STATES[match.group(1).lower()]
            continue
        match = _COMPONENT.search(line)
        if not match or not state:
            continue
        component, user, rest = match.groups()
        entry = seen.setdefault(component, {"line": number, "states": []})
        states = entry["states"]
        assert isinstance(states, list)
        if state not in states:
            states.append(state)
        if user is not None:
            entry["user"] = int(user)
        if rest.rstrip().endswith("SYSTEM") or " SYSTEM" in rest:
            entry["system"] = True
    for component, entry in seen.items():
        package = dumpsys.package_of(component)
        states = entry["states"]
        assert isinstance(states, list)
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {entry['line']}",
            time=None,
            message=f"Notification listener {component} ({', '.join(states)})",
            fields=fields_of(
                {
                    "component": component,
                    "package": package,
                    "user": entry.get("user"),
                    "system_binding": entry.get("system"),
                    **dict.fromkeys(states, True),
                }
            ),
            observables=Observable.of(app_id=package),
        )


ARTIFACT = Artifact(NAME, PATHS, parse)
