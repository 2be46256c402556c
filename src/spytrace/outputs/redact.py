"""A redacted copy of a scan's outputs, for sharing with a remote expert.

What it promises (docs/output.md): the copy keeps only the findings and the records they cite
(in `records/` and the timeline); message bodies and other free text a person wrote become
their SHA-256; phone numbers and email addresses are masked everywhere — in record texts,
fields, paths, finding messages, device facts — except the values the findings are about
(an attacker's address is the evidence). Local paths (the acquisition's, the feeds') shrink to
their file names, and the device facts that name the owner (name, number, IMEI, ICCID, serial)
are dropped to "[redacted]". The same value always gets the same mask in one copy ("[phone 2]"),
so an expert can still see that two records involve the same person.

A SHA-256 of a short message can be guessed by trying likely texts: the hash proves what a body
was to someone who has it; it does not make a short body secret.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

import msgspec

from spytrace.model import Record
from spytrace.outputs.files import make_private_dir, write_private
from spytrace.outputs.jsonenc import dumps, dumps_pretty, loads
from spytrace.outputs.timeline import TimelineWriter
from spytrace.tempdir import private_tempdir

# Field names that hold what a person wrote (SMS/WhatsApp text, calendar notes, page titles):
# hashed wherever they appear in a record's fields, at any depth.
BODY_FIELDS = frozenset(
    {"text", "body", "subject", "description", "summary", "title", "snippet", "caption", "note"}
)
# Device facts that identify the owner or the line rather than the phone model: dropped from
# the acquisition's device facts and from any record field of that name.
PRIVATE_DEVICE_FACTS = frozenset(
    {
        "phone_number",
        "device_name",
        "display_name",
        "imei",
        "imei2",
        "meid",
        "iccid",
        "imsi",
        "serial_number",
        "owner",
        "email",
        "apple_id",
    }
)
REDACTED = "[redacted]"
# An address: the local part may be digits too (WhatsApp JIDs are 33612345678@s.whatsapp.net).
_EMAIL = r"(?<![\w.%+-])[\w.%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"
# A number in international form (E.164 with the separators people write). Local numbers in
# free text are masked only where a parser knew them as phone observables: a bare digit run
# is as likely a date, an id or an amount.
_PHONE = r"(?<![\w+])\+\d[\d ().-]{5,17}\d(?!\d)"
_SHORTEST_KNOWN = 5


class _Where(msgspec.Struct):
    """The address of a record line, decoded without the rest of it."""

    artifact: str = ""
    source: str = ""
    locator: str = ""


_where = msgspec.json.Decoder(_Where)


@dataclass(frozen=True, slots=True)
class Redaction:
    findings: int
    records: int
    timeline: int
    masked: int  # distinct phone numbers and addresses masked
    hashed: int  # bodies replaced by their hash


class Masker:
    """Masks phone numbers and addresses in text; the same value always gets the same mask."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        self._keep = {v.casefold() for v in keep if v}
        self._known: dict[str, str] = {}  # casefolded value → kind
        self._tokens: dict[str, str] = {}
        self._counts = {"phone": 0, "email": 0}
        self._pattern: re.Pattern[str] | None = None
        self.hashed = 0

    def learn(self, kind: str, value: str) -> None:
        """A value a parser typed as a phone number or address: masked wherever it appears."""
        if kind in self._counts and len(value) >= _SHORTEST_KNOWN:
            self._known.setdefault(value.casefold(), kind)
            self._pattern = None

    @property
    def masked(self) -> int:
        return len(self._tokens)

    def text(self, value: str) -> str:
        if self._pattern is None:
            self._pattern = self._compile()
        return self._pattern.sub(self._replace, value)

    def any(self, value: Any) -> Any:
        """Every string in a JSON value masked; body fields hashed and owner facts dropped,
        at any depth."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.any(v) for v in value]
        if isinstance(value, dict):
            return {k: self._field(k, v) for k, v in value.items()}
        return value

    def _field(self, key: str, value: Any) -> Any:
        if key in PRIVATE_DEVICE_FACTS and value not in (None, ""):
            return REDACTED
        if key in BODY_FIELDS and isinstance(value, str) and value:
            self.hashed += 1
            return "sha256:" + hashlib.sha256(value.encode()).hexdigest()
        return self.any(value)

    def _compile(self) -> re.Pattern[str]:
        # Longest first, so a value holding another one is taken whole.
        def alternation(values: Iterable[str]) -> str:
            return "|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v)))

        keep = alternation(self._keep) or "(?!)"
        known = alternation(self._known) or "(?!)"
        return re.compile(
            rf"(?P<keep>{keep})|(?P<known>{known})|(?P<email>{_EMAIL})|(?P<phone>{_PHONE})",
            re.IGNORECASE,
        )

    def _replace(self, match: re.Match[str]) -> str:
        found = match.group()
        if match.lastgroup == "keep" or found.casefold() in self._keep:
            return found
        kind = (
            self._known.get(found.casefold(), "phone")
            if match.lastgroup == "known"
            else str(match.lastgroup)
        )
        key = found.casefold() if kind == "email" else re.sub(r"[^\d+]", "", found)
        token = self._tokens.get(key)
        if token is None:
            self._counts[kind] += 1
            token = self._tokens[key] = f"[{kind} {self._counts[kind]}]"
        return token


def finding_values(findings: Iterable[dict[str, Any]]) -> set[str]:
    """What the findings are about: kept as found, since they are the evidence."""
    values: set[str] = set()
    for finding in findings:
        if finding.get("observable"):
            values.add(finding["observable"]["value"])
        if finding.get("indicator"):
            values.add(finding["indicator"]["value"])
    return values


def cited(
    findings: Iterable[dict[str, Any]],
) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    """The records findings rest on: (artifact, file, locator) of each finding's own evidence,
    and (file, locator) of the related evidence a heuristic names (any artifact)."""
    own: set[tuple[str, str, str]] = set()
    related: set[tuple[str, str]] = set()
    for finding in findings:
        evidence = finding["evidence"]
        own.add((finding["artifact"], evidence["file"], evidence["locator"]))
        for other in finding.get("related") or ():
            related.add((other["file"], other["locator"]))
    return own, related


def is_cited(where: _Where, own: set[tuple[str, str, str]], related: set[tuple[str, str]]) -> bool:
    return (where.artifact, where.source, where.locator) in own or (
        where.source,
        where.locator,
    ) in related


def redact_scan(source: Path, target: Path) -> Redaction:
    """The outputs in `source` written, redacted, into `target` (created 0700 if needed)."""
    document = loads((source / "findings.json").read_bytes())
    findings: list[dict[str, Any]] = document.get("findings") or []
    own, related = cited(findings)
    masker = Masker(finding_values(findings))
    records = {name: list(lines) for name, lines in _cited_records(source, own, related)}
    for kept in records.values():
        for record in kept:
            for observable in record.get("observables") or ():
                masker.learn(observable["kind"], observable["value"])
    acquisition = document.get("acquisition") or {}
    device = acquisition.get("device") or {}
    if isinstance(device.get("phone_number"), str):
        masker.learn("phone", device["phone_number"])
    local_paths = _local_paths(document, source)

    make_private_dir(target)
    make_private_dir(target / "records")
    for name, kept in sorted(records.items()):
        if not kept:
            continue
        lines = b"".join(dumps(_record(masker, r)) + b"\n" for r in kept)
        write_private(target / "records" / f"{name}.jsonl", lines)
    timeline = _timeline(source, target, masker, own, related)

    document["findings"] = [_finding(masker, f) for f in findings]
    document["acquisition"] = _acquisition(masker, acquisition)
    document["indicators"] = [_indicator_file(i) for i in document.get("indicators") or ()]
    document["warnings"] = [
        masker.text(_shorten(w, local_paths)) for w in document.get("warnings") or ()
    ]
    document["coverage"] = masker.any(document.get("coverage") or {})
    document["redacted"] = True
    write_private(target / "findings.json", dumps_pretty(document))
    _coverage(source, target, masker, document, local_paths)
    _custody(source, target, masker)
    return Redaction(
        findings=len(findings),
        records=sum(len(r) for r in records.values()),
        timeline=timeline,
        masked=masker.masked,
        hashed=masker.hashed,
    )


def _cited_records(
    source: Path, own: set[tuple[str, str, str]], related: set[tuple[str, str]]
) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    folder = source / "records"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        yield path.stem, _matching_lines(path, own, related)


def _matching_lines(
    path: Path, own: set[tuple[str, str, str]], related: set[tuple[str, str]]
) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip() and is_cited(_where.decode(line), own, related):
                yield loads(line)


def _record(masker: Masker, record: dict[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "source": masker.text(record.get("source", "")),
        "locator": masker.text(record.get("locator", "")),
        "message": masker.text(record.get("message", "")),
        "fields": masker.any(record.get("fields") or {}),
        "observables": [
            {"kind": o["kind"], "value": masker.text(o["value"])}
            for o in record.get("observables") or ()
        ],
    }


def _finding(masker: Masker, finding: dict[str, Any]) -> dict[str, Any]:
    out = {
        **finding,
        "message": masker.text(finding.get("message", "")),
        "evidence": _evidence(masker, finding["evidence"]),
    }
    if finding.get("indicator"):
        out["indicator"] = _indicator_file(finding["indicator"])
    if finding.get("related"):
        out["related"] = [_evidence(masker, e) for e in finding["related"]]
    return out


def _evidence(masker: Masker, evidence: dict[str, Any]) -> dict[str, Any]:
    return {
        **evidence,
        "file": masker.text(evidence["file"]),
        "locator": masker.text(evidence["locator"]),
    }


def _indicator_file(entry: dict[str, Any]) -> dict[str, Any]:
    """A feed file's local path (which names the user's home) kept as its file name."""
    file = entry.get("file")
    return {**entry, "file": PurePath(file).name} if isinstance(file, str) else entry


def _acquisition(masker: Masker, acquisition: dict[str, Any]) -> dict[str, Any]:
    device = {
        key: REDACTED if key in PRIVATE_DEVICE_FACTS else masker.any(value)
        for key, value in (acquisition.get("device") or {}).items()
    }
    path = acquisition.get("path")
    return {
        **acquisition,
        "path": PurePath(path).name if isinstance(path, str) else path,
        "device": device,
    }


def _local_paths(document: dict[str, Any], source: Path) -> list[str]:
    """Local paths that may appear in warnings and problems, longest first."""
    paths = [(document.get("acquisition") or {}).get("path")]
    paths += [i.get("file") for i in document.get("indicators") or ()]
    custody = source / "custody.json"
    if custody.is_file():
        paths.append((loads(custody.read_bytes()).get("input") or {}).get("path"))
    return sorted({p for p in paths if isinstance(p, str) and p}, key=len, reverse=True)


def _shorten(text: str, paths: list[str]) -> str:
    for path in paths:
        text = text.replace(path, PurePath(path).name)
    return text


def _coverage(
    source: Path, target: Path, masker: Masker, document: dict[str, Any], paths: list[str]
) -> None:
    path = source / "coverage.json"
    if not path.is_file():
        return
    coverage = loads(path.read_bytes())
    coverage["acquisition"] = document["acquisition"]
    coverage["coverage"] = document["coverage"]
    coverage["problems"] = [masker.text(_shorten(p, paths)) for p in coverage.get("problems") or ()]
    write_private(target / "coverage.json", dumps_pretty(coverage))


def _custody(source: Path, target: Path, masker: Masker) -> None:
    path = source / "custody.json"
    if not path.is_file():
        return
    custody = loads(path.read_bytes())
    given = custody.get("input") or {}
    if isinstance(given.get("path"), str):
        custody["input"] = {**given, "path": PurePath(given["path"]).name}
    custody["files_read"] = [
        {**f, "file": masker.text(f["file"])} for f in custody.get("files_read") or ()
    ]
    custody["indicator_files"] = [_indicator_file(f) for f in custody.get("indicator_files") or ()]
    custody["redacted"] = True
    write_private(target / "custody.json", dumps_pretty(custody))


def _timeline(
    source: Path,
    target: Path,
    masker: Masker,
    own: set[tuple[str, str, str]],
    related: set[tuple[str, str]],
) -> int:
    """The cited rows of the timeline, masked, through the scan's own timeline writer."""
    path = source / "timeline.jsonl"
    with private_tempdir() as scratch:
        writer = TimelineWriter(scratch)
        if path.is_file():
            with path.open("rb") as handle:
                for line in handle:
                    if not line.strip() or not is_cited(_where.decode(line), own, related):
                        continue
                    row = loads(line)
                    record = Record(
                        artifact=row["artifact"],
                        source=masker.text(row["source"]),
                        locator=masker.text(row["locator"]),
                        time=datetime.fromisoformat(row["datetime"]),
                        message=masker.text(row["message"]),
                        time_desc=row["timestamp_desc"],
                    )
                    writer.add(record, row.get("ioc", ""))
        writer.write(target / "timeline.csv", target / "timeline.jsonl")
        return writer.count
