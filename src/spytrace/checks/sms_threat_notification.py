"""Apple's own threat notification, received as an iMessage: Apple saw a targeted attack.

Since November 2021 Apple tells people it believes were targeted by mercenary spyware by email
and by iMessage to their Apple Account's addresses and numbers (Apple Support, "About Apple
threat notifications and protecting against mercenary spyware"). The iMessage opens with
"ALERT: State-sponsored attackers may be targeting your iPhone" (2021-2023) or, since April
2024, "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone". MVT's
SMS module flags a message starting with either (high). This check does too, whatever the
case or leading spaces, and also flags, as medium, a message quoting either sentence further
in (a forwarded or pasted alert: it says an alert was received somewhere, not delivered here).
The finding names the sentence matched, never the message body.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Record, Severity

# Apple's wording, as MVT matches it.
ALERTS = (
    "ALERT: State-sponsored attackers may be targeting your iPhone",
    "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone",
)
_LOWERED = tuple(a.lower() for a in ALERTS)
# The same sentences without the "ALERT: " prefix, to find them quoted inside another text.
_QUOTED = tuple(a.removeprefix("alert: ") for a in _LOWERED)


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        text = record.fields.get("text")
        if not isinstance(text, str) or not text:
            continue
        lowered = text.lstrip().lower()
        direction = "sent to" if record.fields.get("is_from_me") else "received from"
        peer = record.fields.get("handle") or record.fields.get("chat") or "an unknown sender"
        service = record.fields.get("service") or "Message"
        for alert, opening, sentence in zip(ALERTS, _LOWERED, _QUOTED, strict=True):
            if lowered.startswith(opening):
                yield Finding.heuristic(
                    record,
                    Severity.HIGH,
                    f"Apple threat notification {direction} {peer} ({service}): "
                    f"the message opens with {alert!r}",
                )
                break
            if sentence in lowered:
                yield Finding.heuristic(
                    record,
                    Severity.MEDIUM,
                    f"A message ({service}) {direction} {peer} quotes Apple's threat "
                    f"notification {alert.removeprefix('ALERT: ')!r}",
                )
                break


# Only messages holding a word of either alert reach the check. These words have no "k" or "i":
# the only non-ASCII letters str.lower() turns into ASCII ones (the Kelvin sign, dotted I)
# lower to those, so an ASCII case-insensitive search cannot miss what the check would see.
SELECT = ("state-sponsored", "mercenary spyware")
CHECK = Check("sms_threat_notification", reads=("sms",), run=check, select={"sms": SELECT})
