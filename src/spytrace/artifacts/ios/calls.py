"""CallHistory.storedata: phone, FaceTime and third-party app calls, with who was on the line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows, tables
from spytrace.artifacts.text import contact_observables
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "calls"
PATHS = paths.home("Library/CallHistoryDB/CallHistory.storedata")
SQL = """
SELECT Z_PK, ZADDRESS, ZDATE, ZDURATION, ZORIGINATED, ZANSWERED, ZCALLTYPE, ZSERVICE_PROVIDER,
       ZNAME, ZISO_COUNTRY_CODE, ZLOCATION, ZUNIQUE_ID, ZDISCONNECTED_CAUSE
FROM ZCALLRECORD ORDER BY Z_PK
"""
# Group and FaceTime calls list every remote party here (iOS 16 and later); older stores only
# have ZADDRESS. The Z_2/Z_4 prefixes are Core Data entity numbers of this model.
PARTICIPANTS_TABLE = "Z_2REMOTEPARTICIPANTHANDLES"
PARTICIPANTS_SQL = """
SELECT j.Z_2REMOTEPARTICIPANTCALLS, h.ZVALUE
FROM Z_2REMOTEPARTICIPANTHANDLES j JOIN ZHANDLE h ON h.Z_PK = j.Z_4REMOTEPARTICIPANTHANDLES
"""
# ZCALLTYPE values as iLEAPP's callHistory module and CallHistory fixtures describe them.
CALL_TYPES = {0: "Third-party app", 1: "Phone", 8: "FaceTime video", 16: "FaceTime audio"}


def parse(file: EvidenceFile) -> Iterator[Record]:
    # A phone's call history is thousands of rows at most, so its participants fit in memory.
    participants: defaultdict[int, list[str]] = defaultdict(list)
    if PARTICIPANTS_TABLE in tables(file):
        for row in rows(file, PARTICIPANTS_SQL):
            if row["ZVALUE"]:
                participants[row["Z_2REMOTEPARTICIPANTCALLS"]].append(row["ZVALUE"])
    for row in rows(file, SQL):
        yield _record(file, row, participants.get(row["Z_PK"], []))


def _record(file: EvidenceFile, row: Any, others: list[str]) -> Record:
    address = _text(row["ZADDRESS"])
    parties = [p for p in dict.fromkeys([address, *others]) if p]
    outgoing = bool(row["ZORIGINATED"])
    kind = CALL_TYPES.get(row["ZCALLTYPE"], "Call")
    if outgoing:
        message = f"{kind} call to {', '.join(parties) or 'unknown'}"
    else:
        missed = "" if row["ZANSWERED"] else "missed "
        message = f"{kind} {missed}call from {', '.join(parties) or 'unknown'}"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ZCALLRECORD.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZDATE"]),
        message=message,
        fields=fields_of(
            {
                "address": address,
                "participants": others or None,
                "duration": row["ZDURATION"],
                "originated": outgoing,
                "answered": bool(row["ZANSWERED"]),
                "call_type": row["ZCALLTYPE"],
                "service_provider": row["ZSERVICE_PROVIDER"],
                "name": row["ZNAME"],
                "country_code": row["ZISO_COUNTRY_CODE"],
                "location": row["ZLOCATION"],
                "disconnected_cause": row["ZDISCONNECTED_CAUSE"],
                "unique_id": row["ZUNIQUE_ID"],
            }
        ),
        observables=contact_observables(parties) + Observable.of(app_id=row["ZSERVICE_PROVIDER"]),
        time_desc="Call started",
    )


def _text(value: object) -> str:
    """ZADDRESS is a BLOB of UTF-8 text on older stores, VARCHAR on newer ones."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip("\x00")
    return value if isinstance(value, str) else ""


ARTIFACT = Artifact(NAME, PATHS, parse)
