"""sms.db attachments: the files sent and received in Messages, where they were stored, and when."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "sms_attachments"
PATHS = paths.home("Library/SMS/sms.db")
SQL = """
SELECT a.ROWID, a.guid, a.filename, a.transfer_name, a.mime_type, a.uti, a.created_date,
       a.total_bytes, a.is_outgoing, a.transfer_state, j.message_id
FROM attachment a
LEFT JOIN message_attachment_join j ON j.attachment_id = a.ROWID
ORDER BY a.ROWID
"""
# Messages records attachment paths relative to the mobile user's home.
_HOME = "/private/var/mobile/"


def parse(file: EvidenceFile) -> Iterator[Record]:
    last = None
    for row in rows(file, SQL):
        if row["ROWID"] == last:
            continue
        last = row["ROWID"]
        yield _record(file, row)


def _record(file: EvidenceFile, row: Any) -> Record:
    filename = row["filename"] or ""
    path = _HOME + filename[2:] if filename.startswith("~/") else filename
    name = row["transfer_name"] or path.rpartition("/")[2]
    outgoing = bool(row["is_outgoing"])
    details = ", ".join(
        str(part)
        for part in (row["mime_type"], row["total_bytes"] and f"{row['total_bytes']} bytes")
        if part
    )
    message = f"Attachment {'sent' if outgoing else 'received'}: {name or 'unnamed'}"
    if details:
        message += f" ({details})"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"attachment.ROWID={row['ROWID']}",
        time=cocoa_time(row["created_date"]),
        message=message,
        fields=fields_of(
            {
                "filename": filename,
                "transfer_name": row["transfer_name"],
                "mime_type": row["mime_type"],
                "uti": row["uti"],
                "total_bytes": row["total_bytes"],
                "is_outgoing": outgoing,
                "transfer_state": row["transfer_state"],
                "message_rowid": row["message_id"],
                "guid": row["guid"],
            }
        ),
        observables=Observable.of(file_path=path, file_name=name),
        time_desc="Attachment created",
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
