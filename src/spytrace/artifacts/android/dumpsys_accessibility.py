"""dumpsys accessibility: the accessibility services installed, enabled, bound or crashed.

Accessibility services read the screen and act for the user; stalkerware relies on them.
Two layouts (AccessibilityManagerService.dump / AccessibilityUserState.dump):
- up to Android 13, multi-line blocks: `installed services: {` then `0 : pkg/.Service` lines
  up to `}`, the same for `enabled services`, `binding services`, `bound services`;
- Android 14 and later, one line each: `Enabled services:{{pkg/.A}, {pkg/.B}}`,
  `Crashed services:{}`, `Bound services:{Service[label=...]}` (labels only), and
  `installedServiceCount=N` among the user's attributes.
One record per service component, with the states it was listed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "dumpsys_accessibility"
PATHS = dumpsys.DUMPSYS_PATHS
STATES = ("installed", "enabled", "binding", "bound", "crashed")
_LIST = re.compile(r"^\s*(installed|enabled|binding|bound|crashed) services\s*:\s*\{(.*)$", re.I)
_COMPONENT = re.compile(r"([A-Za-z0-9_][\w.]*/[\w.$]+)")
_USER = re.compile(r"attributes:\{id=(\d+)")
_COUNT = re.compile(r"installedServiceCount=(\d+)")


def parse(file: EvidenceFile) -> Iterator[Record]:
    services: dict[tuple[str, str], dict[str, object]] = {}
    user = "0"
    count: tuple[int, int] | None = None
    block: str | None = None
    for number, line in dumpsys.service_lines(file, "accessibility"):
        if match := _USER.search(line):
            user = match.group(1)
        if match := _COUNT.search(line):
            count = (int(match.group(1)), number)
        if block is not None:
            if line.strip().startswith("}"):
                block = None
                continue
            _add(services, user, block, _COMPONENT.findall(line.partition(":")[2]), number)
            continue
        match = _LIST.match(line)
        if not match:
            continue
        state, rest = match.group(1).lower(), match.group(2)
        if rest.strip():
            _add(services, user, state, _COMPONENT.findall(rest), number)  # one-line layout
        else:
            block = state
    for (user_id, component), seen in services.items():
        states = [s for s in STATES if s in seen]
        package = dumpsys.package_of(component)
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {seen['line']}",
            time=None,
            message=f"Accessibility service {component} ({', '.join(states)})",
            fields=fields_of(
                {
                    "component": component,
                    "package": package,
                    "user": int(user_id),
                    **dict.fromkeys(states, True),
                }
            ),
            observables=Observable.of(app_id=package),
        )
    if count is not None:
        named = sum(1 for seen in services.values() if "installed" in seen)
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {count[1]}",
            time=None,
            message=f"{count[0]} accessibility service(s) installed",
            fields={"kind": "summary", "installed_service_count": count[0], "named": named},
        )


def _add(
    services: dict[tuple[str, str], dict[str, object]],
    user: str,
    state: str,
    components: list[str],
    number: int,
) -> None:
    for component in components:
        seen = services.setdefault((user, component), {"line": number})
        seen[state] = True


ARTIFACT = Artifact(NAME, PATHS, parse)
