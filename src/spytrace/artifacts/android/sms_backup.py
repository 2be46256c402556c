"""SMS and MMS from an adb backup of the telephony provider, with the links they carried.

TelephonyBackupAgent writes `apps/com.android.providers.telephony/d_f/000000_sms_backup`,
`000001_mms_backup`... as zlib-deflated JSON arrays. An SMS object holds `address`, `body`,
`date` and `date_sent` (ms since 1970), `type` (1 received, 2 sent...), `read`,
`self_phone`, `recipients`; an MMS object `mms_body`, `mms_addresses` ([{address, type
137 from / 151 to}]), `date`/`date_sent` in seconds, `msg_box` (1 inbox, 2 sent), `sub`.
Message bodies stay in fields; the links in them become url observables.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import msgspec

from spytrace.artifacts.text import contact_observables, urls_in
from spytrace.artifacts.times import unix_time
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Observable, Record, fields_of, iso

NAME = "android_sms_backup"
_FOLDER = "backup/apps/com.android.providers.telephony/d_f/"
PATHS = (f"{_FOLDER}*_sms_backup", f"{_FOLDER}*_mms_backup")
MAX_INFLATED = 1 << 30
MMS_FROM = 137


def parse(file: EvidenceFile) -> Iterator[Record]:
    mms = file.logical_path.endswith("_mms_backup")
    for index, item in enumerate(_messages(file)):
        if not isinstance(item, dict):
            continue
        yield _mms(file, index, item) if mms else _sms(file, index, item)


def _messages(file: EvidenceFile) -> list[Any]:
    raw = file.path.read_bytes()
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, MAX_INFLATED)
    except zlib.error:
        data = raw  # some tools store the JSON uncompressed
    try:
        messages = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise EvidenceError(f"{file.logical_path}: not a telephony backup ({exc})") from exc
    if not isinstance(messages, list):
        raise EvidenceError(f"{file.logical_path}: not a list of messages")
    return messages


def _sms(file: EvidenceFile, index: int, item: dict[str, Any]) -> Record:
    body = _text(item.get("body"))
    address = _text(item.get("address"))
    kind = str(item.get("type", ""))
    outgoing = kind in ("2", "4", "5", "6")  # sent, outbox, failed, queued (Telephony.Sms)
    sent = unix_time(_number(item.get("date_sent")))
    return _record(
        file,
        index,
        "SMS",
        body,
        address,
        outgoing,
        unix_time(_number(item.get("date"))),
        sent,
        {
            "type": kind,
            "read": item.get("read"),
            "self_phone": item.get("self_phone"),
            "recipients": item.get("recipients"),
        },
    )


def _mms(file: EvidenceFile, index: int, item: dict[str, Any]) -> Record:
    body = _text(item.get("mms_body"))
    box = str(item.get("msg_box", ""))
    outgoing = box in ("2", "4")
    addresses = [a for a in item.get("mms_addresses") or [] if isinstance(a, dict)]
    sender = next((_text(a.get("address")) for a in addresses if a.get("type") == MMS_FROM), "")
    others = [_text(a.get("address")) for a in addresses if a.get("type") != MMS_FROM]
    address = ", ".join(o for o in others if o) if outgoing else sender
    return _record(
        file,
        index,
        "MMS",
        body,
        address,
        outgoing,
        unix_time(_number(item.get("date"))),
        unix_time(_number(item.get("date_sent"))),
        {
            "msg_box": box,
            "subject": item.get("sub"),
            "read": item.get("read"),
            "self_phone": item.get("self_phone"),
        },
    )


def _record(
    file: EvidenceFile,
    index: int,
    service: str,
    body: str,
    address: str,
    outgoing: bool,
    date: Any,
    sent: Any,
    extra: dict[str, Any],
) -> Record:
    urls = urls_in(body)
    message = f"{service} {'sent to' if outgoing else 'received from'} {address or 'unknown'}"
    if links := len(set(urls)):
        message += f", {links} link{'s' if links > 1 else ''}"
    return Record(
        artifact=NAME,
        source=file.logical_path,
        locator=f"[{index}]",
        time=date,
        message=message,
        fields=fields_of(
            {
                "service": service,
                "address": address,
                "is_from_me": outgoing,
                "text": body,
                "date_sent": iso(sent) if sent else None,
                **extra,
            }
        ),
        observables=Observable.of(url=urls) + contact_observables(address.split(",")),
        time_desc="Message sent" if outgoing else "Message received",
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number or None


ARTIFACT = Artifact(NAME, PATHS, parse)
