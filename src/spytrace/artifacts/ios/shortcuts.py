"""Shortcuts.sqlite: the user's shortcuts, their actions and the links those actions use.

A Core Data store: ZSHORTCUT holds one row per shortcut (ZNAME, ZCREATIONDATE,
ZMODIFICATIONDATE, ZACTIONSDESCRIPTION; ZTOMBSTONED marks one deleted but kept for sync) and
ZSHORTCUTACTIONS.ZDATA, joined on ZSHORTCUT, a binary plist of the actions: a list of
{WFWorkflowActionIdentifier, WFWorkflowActionParameters}, or a dictionary holding that list
under WFWorkflowActions (layout as MVT's Shortcuts module and shortcut tooling read it).
A shortcut can fetch or open any URL, so every link in the action parameters is an
observable.
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import columns, rows, tables
from spytrace.artifacts.text import urls_in
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "shortcuts"
PATHS = paths.home("Library/Shortcuts/Shortcuts.sqlite")

BASE_COLUMNS = ("Z_PK", "ZNAME", "ZCREATIONDATE", "ZMODIFICATIONDATE", "ZACTIONSDESCRIPTION")
# Present in some iOS versions only; read when there, never a reason to call the file partial.
OPTIONAL_COLUMNS = ("ZWORKFLOWID", "ZTOMBSTONED")
# Deep enough for any real action graph; a hostile plist cannot recurse without end.
MAX_DEPTH = 32
MAX_URLS = 200


def parse(db: EvidenceFile) -> Iterator[Record]:
    present = columns(db, "ZSHORTCUT")
    selected = [*BASE_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c in present)]
    # Column names come from the constants above, never from the evidence.
    select = ", ".join(f"ZSHORTCUT.{c}" for c in selected)
    if "ZSHORTCUTACTIONS" in tables(db):
        sql = (
            f"SELECT {select}, ZSHORTCUTACTIONS.ZDATA FROM ZSHORTCUT"  # noqa: S608
            " LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK"
            " ORDER BY ZSHORTCUT.Z_PK"
        )
    else:
        db.notes.append("table ZSHORTCUTACTIONS missing: actions not read")
        sql = f"SELECT {select}, NULL AS ZDATA FROM ZSHORTCUT ORDER BY ZSHORTCUT.Z_PK"  # noqa: S608
    for row in rows(db, sql):
        yield _record(db, row, set(row.keys()))


def _record(db: EvidenceFile, row: Any, keys: set[str]) -> Record:
    actions = _actions(db, row["Z_PK"], row["ZDATA"])
    identifiers = [a.get("WFWorkflowActionIdentifier") for a in actions]
    urls: dict[str, None] = {}
    for action in actions:
        for text in _strings(action.get("WFWorkflowActionParameters"), 0):
            for url in urls_in(text):
                urls.setdefault(url, None)
    url_list = list(urls)[:MAX_URLS]
    name = row["ZNAME"] or "(no name)"
    deleted = bool(row["ZTOMBSTONED"]) if "ZTOMBSTONED" in keys else None
    return Record(
        artifact=NAME,
        source=db.logical_path,
        locator=f"ZSHORTCUT.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZCREATIONDATE"]),
        message=f"Shortcut {name!r}, {len(actions)} action{'s' if len(actions) != 1 else ''}"
        + (" (deleted)" if deleted else ""),
        fields=fields_of(
            {
                "name": row["ZNAME"],
                "workflow_id": row["ZWORKFLOWID"] if "ZWORKFLOWID" in keys else None,
                "description": row["ZACTIONSDESCRIPTION"],
                "modified": iso(cocoa_time(row["ZMODIFICATIONDATE"])),
                "deleted": deleted or None,
                "actions": [i for i in identifiers if isinstance(i, str)] or None,
                "urls": url_list or None,
            }
        ),
        observables=Observable.of(url=url_list),
        time_desc="Shortcut created",
    )


def _actions(db: EvidenceFile, pk: Any, blob: Any) -> list[dict[str, Any]]:
    if not isinstance(blob, bytes) or not blob:
        return []
    # Core Data's external-storage attributes prefix inline data with 0x01.
    data = blob[1:] if blob[:1] == b"\x01" else blob
    try:
        value = plistlib.loads(data)
    except Exception:  # plistlib raises many types on hostile input; the row stays
        db.notes.append(f"ZSHORTCUT.Z_PK={pk}: actions are not a readable property list")
        return []
    if isinstance(value, dict):
        value = value.get("WFWorkflowActions", [])
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def _strings(value: Any, depth: int) -> Iterator[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


ARTIFACT = Artifact(NAME, PATHS, parse)
