"""CoreDuet's interactionC.db: who the device talked to, through which app, and when.

iOS logs each message, call or share an app donates to Siri suggestions: the app, the account
used, the sender and the recipients (kept in ZCONTACTS). It survives deletion of the messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import columns, rows, tables
from spytrace.artifacts.text import contact_observables
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "interaction_c"
PATHS = paths.home("Library/CoreDuet/People/interactionC.db")
SQL = """
SELECT i.Z_PK, i.ZSTARTDATE, i.ZENDDATE, i.ZBUNDLEID, i.ZTARGETBUNDLEID, i.ZACCOUNT,
       i.ZDIRECTION, i.ZMECHANISM, i.ZISRESPONSE, i.ZRECIPIENTCOUNT, i.ZDOMAINIDENTIFIER,
       i.ZGROUPNAME, i.ZCONTENTURL, i.ZDERIVEDINTENTIDENTIFIER, s.ZIDENTIFIER, s.ZDISPLAYNAME
FROM ZINTERACTIONS i
LEFT JOIN ZCONTACTS s ON s.Z_PK = i.ZSENDER
ORDER BY i.Z_PK
"""
# The recipients are a Core Data many-to-many table whose name carries entity numbers
# (Z_2INTERACTIONRECIPIENT with Z_2RECIPIENTS and Z_3INTERACTIONRECIPIENT in the layout
# APOLLO, MVT and iLEAPP query); they are looked up by shape, not by number.
_RECIPIENT_TABLE = re.compile(r"Z_\d+INTERACTIONRECIPIENT")
_RECIPIENT_COLUMN = re.compile(r"Z_\d+RECIPIENTS")
_RECIPIENTS_SQL = """
SELECT r.{interaction} AS interaction, c.ZIDENTIFIER, c.ZDISPLAYNAME
FROM {table} r JOIN ZCONTACTS c ON c.Z_PK = r.{contact}
ORDER BY r.{interaction}
"""
# ZDIRECTION as the APOLLO and MVT queries read it.
DIRECTIONS = {0: "incoming", 1: "outgoing"}

Recipient = tuple[int, str | None, str | None]


def parse(file: EvidenceFile) -> Iterator[Record]:
    recipients = _recipients(file)
    pending = next(recipients, None)
    for row in rows(file, SQL):
        # Both queries run in interaction order: merge them without holding either in memory.
        mine: list[Recipient] = []
        while pending is not None and pending[0] <= row["Z_PK"]:
            if pending[0] == row["Z_PK"]:
                mine.append(pending)
            pending = next(recipients, None)
        yield _record(file, row, mine)


def _recipients(file: EvidenceFile) -> Iterator[Recipient]:
    table = next((t for t in sorted(tables(file)) if _RECIPIENT_TABLE.fullmatch(t)), None)
    if table is None:
        file.notes.append("no interaction recipient table")
        return
    names = columns(file, table)
    interaction = next((c for c in names if _RECIPIENT_TABLE.fullmatch(c)), None)
    contact = next((c for c in names if _RECIPIENT_COLUMN.fullmatch(c)), None)
    if interaction is None or contact is None:
        file.notes.append(f"{table} has unexpected columns")
        return
    sql = _RECIPIENTS_SQL.format(table=table, interaction=interaction, contact=contact)
    for row in rows(file, sql):
        if isinstance(row["interaction"], int):
            yield row["interaction"], row["ZIDENTIFIER"], row["ZDISPLAYNAME"]


def _record(file: EvidenceFile, row: Any, recipients: list[Recipient]) -> Record:
    sender = row["ZIDENTIFIER"]
    to = [identifier for _, identifier, _ in recipients if identifier]
    direction = DIRECTIONS.get(row["ZDIRECTION"])
    app = row["ZBUNDLEID"] or "unknown app"
    if direction == "outgoing" and to:
        message = f"{app}: outgoing interaction with {', '.join(to)}"
    elif sender:
        message = f"{app}: {direction or 'an'} interaction from {sender}"
    else:
        message = f"{app}: {direction or 'an'} interaction"
    identifiers = [row["ZACCOUNT"], sender, *to]
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ZINTERACTIONS.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZSTARTDATE"]),
        message=message,
        fields=fields_of(
            {
                "bundle_id": row["ZBUNDLEID"],
                "target_bundle_id": row["ZTARGETBUNDLEID"],
                "account": row["ZACCOUNT"],
                "direction": direction or row["ZDIRECTION"],
                "mechanism": row["ZMECHANISM"],
                "is_response": row["ZISRESPONSE"],
                "sender": sender,
                "sender_name": row["ZDISPLAYNAME"],
                "recipients": to or None,
                "recipient_names": [n for _, _, n in recipients if n] or None,
                "recipient_count": row["ZRECIPIENTCOUNT"],
                "domain_identifier": row["ZDOMAINIDENTIFIER"],
                "group_name": row["ZGROUPNAME"],
                "content_url": row["ZCONTENTURL"],
                "derived_intent_identifier": row["ZDERIVEDINTENTIDENTIFIER"],
                "end": iso(cocoa_time(row["ZENDDATE"])),
            }
        ),
        observables=Observable.of(app_id=[row["ZBUNDLEID"], row["ZTARGETBUNDLEID"]])
        + contact_observables(identifiers)
        + Observable.of(url=row["ZCONTENTURL"]),
        time_desc="Interaction started",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
