"""dumpsys package resolver tables: which components answer which intents.

`Activity Resolver Table:`, `Receiver Resolver Table:` and `Service Resolver Table:` list,
per subsection (`Non-Data Actions:`, `MIME Typed Actions:`, `Schemes:`, `Full MIME Types:`...),
an intent key on its own line (`      android.provider.Telephony.SMS_RECEIVED:`) and under it
the components registered for it (`        3b5e1d7 com.example/.SmsReceiver filter 8a9b0c1`)
(IntentResolver.dump). A receiver for SMS_RECEIVED or NEW_OUTGOING_CALL shows an app that
watches messages or calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spytrace.artifacts.android import dumpsys
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "dumpsys_resolvers"
PATHS = dumpsys.DUMPSYS_PATHS
TABLES = {
    "Activity Resolver Table:": "activity",
    "Receiver Resolver Table:": "receiver",
    "Service Resolver Table:": "service",
}
_KEY = re.compile(r"^ {4,6}(\S.*):$")
_ENTRY = re.compile(r"^ {6,}[0-9a-f]+ ([A-Za-z0-9_][\w.]*/[\w.$]+)(?: filter|$)")


def parse(file: EvidenceFile) -> Iterator[Record]:
    table: str | None = None
    subsection = ""
    key = ""
    for number, line in dumpsys.service_lines(file, "package"):
        if line and not line.startswith(" "):
            table = TABLES.get(line.strip())
            continue
        if table is None or not line.strip():
            continue
        if line.startswith("  ") and not line.startswith("   "):
            subsection = line.strip().rstrip(":")
            continue
        if match := _ENTRY.match(line):
            component = match.group(1)
            package = dumpsys.package_of(component)
            yield Record(
                artifact=NAME,
                source=file.logical_path,
                locator=f"line {number}",
                time=None,
                message=f"{table.capitalize()} {component} handles {key}",
                fields={
                    "table": table,
                    "section": subsection,
                    "key": key,
                    "component": component,
                    "package": package,
                },
                observables=Observable.of(app_id=package),
            )
        elif match := _KEY.match(line):
            key = match.group(1).strip()


ARTIFACT = Artifact(NAME, PATHS, parse)
