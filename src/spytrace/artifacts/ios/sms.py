"""sms.db: every iMessage, SMS and RCS message, with who sent it and the links it carried."""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.ios import paths
from spytrace.artifacts.ios.attributed_body import attributed_text
from spytrace.artifacts.plist import loads_plist
from spytrace.artifacts.sqlite import part_rows
from spytrace.artifacts.text import contact_observables, urls_in
from spytrace.artifacts.times import cocoa_time
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "sms"
PATHS = paths.home("Library/SMS/sms.db")
# One row per message and chat; a message in two chats (rare) comes twice, next to itself.
# No aliases on columns an older schema may lack: rows() reads a missing one as NULL. {where}:
# see part_rows.
SQL = """
SELECT m.ROWID, m.guid, m.text, m.attributedBody, m.payload_data, m.balloon_bundle_id,
       m.service, m.is_from_me, m.date, m.date_read, m.date_delivered,
       h.id, c.chat_identifier
FROM message m
LEFT JOIN handle h ON h.ROWID = m.handle_id
LEFT JOIN chat_message_join j ON j.message_id = m.ROWID
LEFT JOIN chat c ON c.ROWID = j.chat_id
{where}
ORDER BY m.ROWID
"""


def parse(file: EvidenceFile) -> Iterator[Record]:
    return parse_part(file, 0, 1)


def parse_part(file: EvidenceFile, part: int, parts: int) -> Iterator[Record]:
    """The records of one part of the messages (see Artifact.parse_part); parts=1: all."""
    last = None
    for row in part_rows(file, SQL, "message", "m", part, parts):
        # Unpacked by position (SQL's column order) rather than by name: this runs per message.
        (rowid, guid, text, body, payload, balloon, service, from_me, date, read, delivered,
         handle, chat) = row  # fmt: skip
        if rowid == last:
            continue
        last = rowid
        from_blob = False
        if not isinstance(text, str) or not text:
            text = attributed_text(body)
            from_blob = bool(text)
        urls = urls_in(text)
        if payload:
            urls = list(dict.fromkeys(urls + _payload_urls(payload)))
        handle = handle if isinstance(handle, str) else ""
        chat = chat if isinstance(chat, str) else ""
        outgoing = bool(from_me)
        message = (
            f"{service or 'Message'} {'sent to' if outgoing else 'received from'} "
            f"{handle or chat or 'unknown'}"
        )
        if links := len(urls):
            message += f", {links} link{'s' if links > 1 else ''}"
        ids = (handle, chat)
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"message.ROWID={rowid}",
            time=cocoa_time(date),
            message=message,
            fields=fields_of(
                {
                    "service": service,
                    "is_from_me": outgoing,
                    "handle": handle,
                    "chat": chat,
                    "text": text,
                    "text_source": "attributedBody" if from_blob else None,
                    "balloon_bundle_id": balloon,
                    "date_read": iso(cocoa_time(read)) if read else None,
                    "date_delivered": iso(cocoa_time(delivered)) if delivered else None,
                    "guid": guid,
                }
            ),
            # Links each once (urls_in gives each once): built directly, as for every message.
            observables=(*[Observable("url", u) for u in urls], *contact_observables(ids)),
            time_desc="Message sent" if outgoing else "Message received",
        )


def _payload_urls(blob: object) -> list[str]:
    """Links kept in a rich link preview: an NSKeyedArchiver plist whose objects hold the URLs."""
    if not isinstance(blob, bytes) or not blob.startswith(b"bplist"):
        return []
    try:
        archive = loads_plist(blob, "payload_data")
    except EvidenceError:
        return []
    objects = archive.get("$objects") if isinstance(archive, dict) else None
    if not isinstance(objects, list):
        return []
    return [o for o in objects if isinstance(o, str) and o.startswith(("http://", "https://"))]


ARTIFACT = Artifact(NAME, PATHS, parse, parse_part)
