"""Keychain analytics databases: security events with the processes and hosts they name.

securityd's analytics stores (/private/var/Keychains/Analytics/*.db, as MVT's Analytics module
reads them) keep events in hard_failures, soft_failures and all_events, each row a Cocoa
`timestamp` and `data`, a property list of the event's attributes. String values are kept;
attributes that name a process or an app become observables, links in any value too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.plist import loads_plist
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.text import urls_in
from spytrace.artifacts.times import cocoa_time
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "keychain_analytics"
PATHS = ("private/var/Keychains/Analytics/*.db",)
TABLES = ("hard_failures", "soft_failures", "all_events")
MAX_VALUES = 64


def parse(db: EvidenceFile) -> Iterator[Record]:
    present = tables(db)
    for table in TABLES:
        if table not in present:
            continue
        sql = f"SELECT rowid AS row_id, timestamp, data FROM {table} ORDER BY rowid"  # noqa: S608
        for row in rows(db, sql):
            values = _values(row["data"])
            event = values.get("eventType") or values.get("event") or table
            processes = [v for k, v in values.items() if "proc" in k.lower() and _is(v)]
            apps = [v for k, v in values.items() if "bundle" in k.lower() and _is(v)]
            # Process names and bundle ids look like bare domains ("com.example.app"): not links.
            texts = [
                v for v in values.values() if isinstance(v, str) and v not in (*apps, *processes)
            ]
            yield Record(
                artifact=NAME,
                source=db.logical_path,
                locator=f"{table}.rowid={row['row_id']}",
                time=cocoa_time(row["timestamp"]),
                message=f"Keychain analytics event {event}",
                fields=fields_of({"table": table, "data": values or None}),
                observables=Observable.of(
                    process=processes,
                    app_id=apps,
                    url=[u for text in texts for u in urls_in(text)],
                ),
                time_desc="Event recorded",
            )


def _values(blob: object) -> dict[str, Any]:
    """The event's attributes, flattened to "key" or "key.sub" with scalar values."""
    if not isinstance(blob, bytes) or not blob:
        return {}
    try:
        data = loads_plist(blob, "data")
    except EvidenceError:
        return {}
    flat: dict[str, Any] = {}
    _flatten(data, "", flat)
    return flat


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if len(out) >= MAX_VALUES:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}.{index}", out)
    elif isinstance(value, str | int | float | bool) and prefix:
        out[prefix] = value


def _is(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and " " not in value


ARTIFACT = Artifact(NAME, PATHS, parse)
