"""WhatsApp's ChatStorage.sqlite: chats, and messages with their links, senders and media URLs.

Yields one record per chat session (locator `ZWACHATSESSION.Z_PK=N`) and one per message
(`ZWAMESSAGE.Z_PK=N`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spytrace.artifacts.ios import paths
from spytrace.artifacts.sqlite import rows
from spytrace.artifacts.text import urls_in
from spytrace.artifacts.times import cocoa_time
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of

NAME = "whatsapp"
PATHS = (
    *paths.app_group("group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite"),
    *paths.app_group("group.net.whatsapp.WhatsAppSMB.shared", "ChatStorage.sqlite"),
)
CHATS_SQL = """
SELECT Z_PK, ZCONTACTJID, ZPARTNERNAME, ZLASTMESSAGEDATE, ZMESSAGECOUNTER, ZSESSIONTYPE
FROM ZWACHATSESSION ORDER BY Z_PK
"""
MESSAGES_SQL = """
SELECT m.Z_PK, m.ZTEXT, m.ZMESSAGEDATE, m.ZSENTDATE, m.ZFROMJID, m.ZTOJID, m.ZISFROMME,
       m.ZMESSAGETYPE, m.ZPUSHNAME, m.ZSTANZAID, s.ZCONTACTJID, s.ZPARTNERNAME,
       i.ZMEDIAURL, i.ZMEDIALOCALPATH, i.ZTITLE
FROM ZWAMESSAGE m
LEFT JOIN ZWACHATSESSION s ON s.Z_PK = m.ZCHATSESSION
LEFT JOIN ZWAMEDIAITEM i ON i.Z_PK = m.ZMEDIAITEM
ORDER BY m.Z_PK
"""
# A person's JID is their international number at this server; groups (@g.us), broadcast
# lists and linked-device ids (@lid) carry no number.
_PERSON_SERVER = "@s.whatsapp.net"


def parse(file: EvidenceFile) -> Iterator[Record]:
    for row in rows(file, CHATS_SQL):
        yield _chat(file, row)
    for row in rows(file, MESSAGES_SQL):
        yield _message(file, row)


def _chat(file: EvidenceFile, row: Any) -> Record:
    jid = row["ZCONTACTJID"] or ""
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ZWACHATSESSION.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZLASTMESSAGEDATE"]),
        message=f"WhatsApp chat with {row['ZPARTNERNAME'] or jid or 'unknown'}",
        fields=fields_of(
            {
                "contact_jid": jid,
                "partner_name": row["ZPARTNERNAME"],
                "message_count": row["ZMESSAGECOUNTER"],
                "session_type": row["ZSESSIONTYPE"],
            }
        ),
        observables=Observable.of(phone=_phone(jid)),
        time_desc="Last message",
    )


def _message(file: EvidenceFile, row: Any) -> Record:
    text, title, media_url = (_str(row[k]) for k in ("ZTEXT", "ZTITLE", "ZMEDIAURL"))
    urls = [*urls_in(text), *urls_in(title)]
    if media_url:
        urls.append(media_url)
    outgoing = bool(row["ZISFROMME"])
    chat = row["ZCONTACTJID"] or ""
    party = row["ZPARTNERNAME"] or chat or "unknown"
    message = f"WhatsApp message {'sent to' if outgoing else 'received from'} {party}"
    links = len(set(urls))
    if links:
        message += f", {links} link{'s' if links > 1 else ''}"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"ZWAMESSAGE.Z_PK={row['Z_PK']}",
        time=cocoa_time(row["ZMESSAGEDATE"]),
        message=message,
        fields=fields_of(
            {
                "text": text,
                "is_from_me": outgoing,
                "from_jid": row["ZFROMJID"],
                "to_jid": row["ZTOJID"],
                "chat_jid": chat,
                "partner_name": row["ZPARTNERNAME"],
                "push_name": row["ZPUSHNAME"],
                "message_type": row["ZMESSAGETYPE"],
                "media_url": media_url,
                "media_local_path": row["ZMEDIALOCALPATH"],
                "media_title": title,
                "stanza_id": row["ZSTANZAID"],
            }
        ),
        observables=Observable.of(
            url=urls,
            phone=[_phone(row["ZFROMJID"]), _phone(row["ZTOJID"]), _phone(chat)],
        ),
        time_desc="Message sent" if outgoing else "Message received",
    )


def _phone(jid: object) -> str | None:
    if isinstance(jid, str) and jid.endswith(_PERSON_SERVER):
        number = jid[: -len(_PERSON_SERVER)]
        if number.isdigit():
            return f"+{number}"
    return None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


ARTIFACT = Artifact(NAME, PATHS, parse)
