"""A received Messages attachment stored under /var/tmp/ with a name ending in "-1".

Messages keeps attachments under ~/Library/SMS/Attachments/; sms.db's attachment.filename
points there. MVT's SMSAttachments module flags a received attachment whose filename starts
with "/var/tmp/" and ends with "-1" as a suspicious iMessage attachment (medium): an
attachment Messages did not store where it stores what it receives. This check matches the
same, also spelled "/private/var/tmp/" (the same folder: /var is a link to /private/var), and
keeps MVT's medium: a path alone does not tell an exploit delivery from an odd client.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spytrace.model import Check, Finding, Observable, Record, Severity

FOLDERS = ("/var/tmp/", "/private/var/tmp/")  # noqa: S108 - the phone's folder, not ours
SUFFIX = "-1"


def check(records: Iterable[Record]) -> Iterator[Finding]:
    for record in records:
        filename = record.fields.get("filename")
        if not isinstance(filename, str) or record.fields.get("is_outgoing"):
            continue
        if not filename.startswith(FOLDERS) or not filename.endswith(SUFFIX):
            continue
        kind = record.fields.get("mime_type") or record.fields.get("uti")
        yield Finding.heuristic(
            record,
            Severity.MEDIUM,
            f"Received Messages attachment stored as {filename}"
            + (f" ({kind})" if isinstance(kind, str) else "")
            + ": received into a temporary folder, not Messages' attachments folder",
            observable=Observable("file_path", filename),
        )


CHECK = Check("sms_attachment_tmp", reads=("sms_attachments",), run=check)
