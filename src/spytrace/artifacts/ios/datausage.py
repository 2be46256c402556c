"""DataUsage.sqlite: which processes used the network, when first and last, and how much.

A Core Data store (schema as plaso's ios_datausage plugin documents it): ZPROCESS holds one row
per process (ZPROCNAME, ZBUNDLENAME, ZFIRSTTIMESTAMP, ZTIMESTAMP), ZLIVEUSAGE the traffic
counters that point at it through ZHASPROCESS, and Z_PRIMARYKEY the highest primary key Core
Data ever handed out per entity (Z_MAX). Besides one record per process, the parser yields the
facts the `datausage_deleted_rows` check needs: ZPROCESS's Z_MAX, and the traffic of process
keys that no longer have a ZPROCESS row (deleting those rows is a Pegasus trace, Amnesty
International's Forensic Methodology Report, 2021).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Parser, Record, fields_of, iso

NAME = "datausage"
PATHS = paths.wireless("Library/Databases/DataUsage.sqlite")

# Columns are named with their table so that a missing one reads as NULL under its own name.
PROCESS_SQL = (
    "SELECT ZPROCESS.Z_PK, ZPROCESS.ZPROCNAME, ZPROCESS.ZBUNDLENAME, ZPROCESS.ZFIRSTTIMESTAMP,"
    " ZPROCESS.ZTIMESTAMP FROM ZPROCESS ORDER BY ZPROCESS.Z_PK"
)
# Core Data names an entity's table "Z" + its upper-cased name.
MAX_SQL = (
    "SELECT Z_PRIMARYKEY.Z_ENT, Z_PRIMARYKEY.Z_MAX FROM Z_PRIMARYKEY"
    " WHERE UPPER(Z_PRIMARYKEY.Z_NAME) = 'PROCESS'"
)

# Values of fields["kind"]: what a record stands for.
PROCESS, KEY_MAX, ORPHAN_USAGE = "process", "key_max", "orphan_usage"
# ZLIVEUSAGE's traffic counters: field name, column.
COUNTERS = (
    ("wifi_in", "ZWIFIIN"),
    ("wifi_out", "ZWIFIOUT"),
    ("wwan_in", "ZWWANIN"),
    ("wwan_out", "ZWWANOUT"),
)


@dataclass(slots=True)
class _Usage:
    """A process's ZLIVEUSAGE rows added up."""

    first_pk: int
    counters: tuple[tuple[str, str], ...]
    rows: int = 0
    last_seen: datetime | None = None
    bytes: dict[str, int] = field(default_factory=dict)

    def add(self, row: Any) -> None:
        self.rows += 1
        seen = cocoa_time(row["ZTIMESTAMP"])
        if seen and (self.last_seen is None or seen > self.last_seen):
            self.last_seen = seen
        for name, column in self.counters:
            value = row[column]
            # FLOAT columns that count whole bytes.
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.bytes[name] = self.bytes.get(name, 0) + int(value)

    def fields(self) -> dict[str, int]:
        return {**self.bytes, "usage_rows": self.rows}


def usage_parser(name: str, counters: tuple[tuple[str, str], ...]) -> Parser:
    """A parser for this Core Data model under an artifact name: netusage.sqlite has it too."""
    selected = ", ".join(f"ZLIVEUSAGE.{column}" for _, column in counters)
    usage_sql = (
        f"SELECT ZLIVEUSAGE.Z_PK, ZLIVEUSAGE.ZHASPROCESS, ZLIVEUSAGE.ZTIMESTAMP, {selected}"  # noqa: S608 - our own column names
        " FROM ZLIVEUSAGE ORDER BY ZLIVEUSAGE.Z_PK"
    )

    def parse(db: EvidenceFile) -> Iterator[Record]:
        usage: dict[int | None, _Usage] = {}
        for row in rows(db, usage_sql):
            key = row["ZHASPROCESS"]
            # A Z_PK of ZPROCESS; traffic pointing at no process at all (NULL) is kept under
            # None: MVT reports such rows as manipulated entries too.
            key = key if isinstance(key, int) else None
            usage.setdefault(key, _Usage(row["Z_PK"], counters)).add(row)
        for row in rows(db, PROCESS_SQL):
            yield _process(name, db, row, usage.pop(row["Z_PK"], None))
        for row in rows(db, MAX_SQL):
            yield Record(
                artifact=name,
                source=db.logical_path,
                locator=f"Z_PRIMARYKEY.Z_ENT={row['Z_ENT']}",
                time=None,
                message=f"ZPROCESS primary keys handed out up to {row['Z_MAX']}",
                fields={"kind": KEY_MAX, "table": "ZPROCESS", "z_max": row["Z_MAX"]},
            )
        for pk, orphan in sorted(usage.items(), key=lambda item: (item[0] is None, item[0] or 0)):
            yield Record(
                artifact=name,
                source=db.logical_path,
                locator=f"ZLIVEUSAGE.Z_PK={orphan.first_pk}",
                time=orphan.last_seen,
                message=f"Network use by process key {pk}, which has no ZPROCESS row"
                if pk is not None
                else "Network use that points at no process (ZHASPROCESS is empty)",
                fields={
                    "kind": ORPHAN_USAGE,
                    **({"pk": pk} if pk is not None else {}),
                    **orphan.fields(),
                },
                time_desc="Last network use",
            )

    return parse


def _process(name: str, db: EvidenceFile, row: Any, usage: _Usage | None) -> Record:
    raw_name = row["ZPROCNAME"] or ""
    # Reads "process" or "process/bundle id". iOS truncates long names; the matcher allows
    # for that, so the name stays as stored.
    process = raw_name.partition("/")[0]
    bundle_id = row["ZBUNDLENAME"]
    fields: dict[str, Any] = {
        "kind": PROCESS,
        "pk": row["Z_PK"],
        "process_name": raw_name,
        "bundle_id": bundle_id,
        "first_used": iso(cocoa_time(row["ZFIRSTTIMESTAMP"])),
    }
    if usage is not None:
        fields.update(usage.fields())
        fields["last_live_usage"] = iso(usage.last_seen)
    return Record(
        artifact=name,
        source=db.logical_path,
        locator=f"ZPROCESS.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZTIMESTAMP"]),
        message=f"{process or '(no name)'} used the network",
        fields=fields_of(fields),
        observables=Observable.of(process=process, app_id=bundle_id),
        time_desc="Last network use",
    )


parse = usage_parser(NAME, COUNTERS)
ARTIFACT = Artifact(NAME, PATHS, parse)
