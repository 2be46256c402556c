"""The shared vocabulary: what parsers yield, what the matcher and checks make of it."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

# Every kind of observable a parser may attach to a record. `phone` is never matched against
# indicators (no feed publishes them) but redaction and the report need to know it.
OBSERVABLE_KINDS = (
    "domain",
    "url",
    "ip",
    "email",
    "phone",
    "process",
    "file_path",
    "file_name",
    "app_id",
    "cert_hash",
    "file_hash",
    "android_property",
    "profile_id",
)


_KINDS = frozenset(OBSERVABLE_KINDS)


class Severity(enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


# Observable and Record are made for every row of every artifact (millions in a large
# acquisition): they are frozen msgspec Structs rather than frozen dataclasses, built in C about
# eight times faster, and written to JSON by msgspec without an intermediate dict.
class Observable(msgspec.Struct, frozen=True, order=True, gc=False):
    """A typed value seen in evidence, such as a domain in a message or a process name."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown observable kind {self.kind!r}")

    @classmethod
    def of(cls, **values: str | Iterable[str | None] | None) -> tuple[Observable, ...]:
        """Observables from keyword arguments named by kind; empty values and repeats drop out."""
        seen: dict[Observable, None] = {}
        for kind, given in values.items():
            if given is None:
                continue
            for value in (given,) if isinstance(given, str) else given:
                if value:
                    seen.setdefault(cls(kind, value), None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class EvidenceFile:
    """One file of the acquisition, ready to read.

    `path` is a local file: the evidence itself (never to be written) or, where `private_copy`
    is true, spytrace's own decrypted or extracted copy. `notes` collects what a parser could
    not read in it, so the scan can say `partial` without the parser raising. `sha256` is the
    evidence's own hash where the source had to compute it (decrypting, copying); None when it
    is the hash of `path` as it is, which the run reading the file computes (beside the other
    runs, not before them all).
    """

    logical_path: str
    path: Path
    private_copy: bool = False
    sha256: str | None = None
    notes: list[str] = field(default_factory=list)


class Record(msgspec.Struct, frozen=True):
    """One fact a parser read: a row, a line, an entry — with where it came from."""

    artifact: str
    source: str
    locator: str
    time: datetime | None
    message: str
    fields: Mapping[str, Any] = msgspec.field(default_factory=dict)
    observables: tuple[Observable, ...] = ()
    # What `time` means ("Message sent", "Last visited"): Timesketch's timestamp_desc.
    time_desc: str = ""


Parser = Callable[[EvidenceFile], Iterator[Record]]
# (file, part, parts) -> the records of that part; see Artifact.parse_part.
PartParser = Callable[[EvidenceFile, int, int], Iterator[Record]]
# Records per block when a file is read in parts.
PART_BLOCK = 1024


def in_part(index: int, part: int, parts: int) -> bool:
    """Whether the record at `index` (counted as parse() yields them) belongs to `part`."""
    return (index // PART_BLOCK) % parts == part


@dataclass(frozen=True, slots=True)
class Artifact:
    """A kind of evidence file: where it lives (logical path globs) and how to read it."""

    name: str
    paths: tuple[str, ...]
    parse: Parser
    # For files that can be very large (a listing of every file on a phone): reads one part of
    # the file, the records `in_part` picks out of those parse() would yield, so the scan can
    # spread one file over several processes and put the parts back in parse() order.
    parse_part: PartParser | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    file: str
    locator: str
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """The indicator a finding matched, with the feed file that published it."""

    kind: str
    value: str
    pattern: str
    feed: str
    malware: str
    file: str
    file_sha256: str
    # True where the observable only matched a prefix of the indicator (OS-truncated name).
    weak: bool = False
    also_in: tuple[str, ...] = ()


class FindingKind(enum.Enum):
    IOC = "ioc"
    HEURISTIC = "heuristic"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    severity: Severity
    artifact: str
    time: datetime | None
    message: str
    evidence: Evidence
    observable: Observable | None = None
    indicator: IndicatorRef | None = None
    # The check that raised a heuristic finding; filled in by the scan.
    rule: str = ""
    # Other records a heuristic rests on (several shutdown-log lines, say).
    related: tuple[Evidence, ...] = ()

    @property
    def id(self) -> str:
        """Stable across runs: the same evidence and indicator give the same id."""
        parts = [
            self.kind.value,
            self.rule,
            self.artifact,
            self.evidence.file,
            self.evidence.locator,
            self.observable.kind if self.observable else "",
            self.observable.value if self.observable else "",
            self.indicator.kind if self.indicator else "",
            self.indicator.value if self.indicator else "",
            self.message if self.kind is FindingKind.HEURISTIC else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    @classmethod
    def heuristic(
        cls,
        record: Record,
        severity: Severity,
        message: str,
        *,
        observable: Observable | None = None,
        related: Iterable[Record] = (),
    ) -> Finding:
        return cls(
            kind=FindingKind.HEURISTIC,
            severity=severity,
            artifact=record.artifact,
            time=record.time,
            message=message,
            evidence=Evidence(record.source, record.locator),
            observable=observable,
            related=tuple(Evidence(r.source, r.locator) for r in related),
        )


@dataclass(frozen=True, slots=True)
class Check:
    """A heuristic: records of the artifacts it reads in, findings out. Pure: no I/O."""

    name: str
    reads: tuple[str, ...]
    run: Callable[[Iterable[Record]], Iterator[Finding]]
    # Per artifact, texts one of which a record must hold (as stored, ASCII case ignored) to
    # reach the check: a check over a listing of 100,000 files then sees only the few it could
    # flag. An artifact not named here reaches the check whole.
    select: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)


class Status(enum.Enum):
    PARSED = "parsed"
    PARTIAL = "partial"
    ABSENT = "absent"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far one artifact was read. Not parsed is not clean: every artifact ends here."""

    artifact: str
    status: Status
    records: int = 0
    files: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


# Values msgspec writes as they should appear: datetimes become ISO-8601 with a Z, as iso() does.
_PLAIN = frozenset({str, int, float, bool, type(None), datetime})
_PLAIN_OR_LIST = _PLAIN | {list}


def json_safe(value: Any) -> Any:
    """Field values as JSON can hold them; bytes become hex, paths strings."""
    if type(value) is dict:
        # The usual record: nothing to convert, nothing to copy. Its value types are gathered
        # in C first; lists are looked into only when there are some.
        kinds = set(map(type, value.values()))
        if kinds <= _PLAIN or (
            kinds <= _PLAIN_OR_LIST
            and all(type(x) in _PLAIN for v in value.values() if type(v) is list for x in v)
        ):
            return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def iso(moment: datetime | None) -> str | None:
    """UTC ISO-8601 with a Z, to the microsecond where there is one."""
    if moment is None:
        return None
    if moment.tzinfo is UTC:
        # msgspec writes the same text as isoformat() would, ten times faster: this runs for
        # several times of every record.
        return _ISO_ENCODER.encode(moment)[1:-1].decode()
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_ISO_ENCODER = msgspec.json.Encoder()


def fields_of(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A record's fields without empty values, to keep records small."""
    # A true value is kept at once; only false ones (0 and False stay) are compared.
    return {k: v for k, v in mapping.items() if v or (v is not None and v != "")}
