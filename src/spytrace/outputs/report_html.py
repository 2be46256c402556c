"""report.html: the scan for a person to read — one self-contained file that fetches nothing.

It is made from a scan's output folder only (findings.json, coverage.json, custody.json,
timeline.jsonl, records/), so `spytrace report DIR` can remake it and a redacted folder gives
a redacted report. The static parts (verdict, findings, coverage, custody, next steps, a chart
of events per day) are plain HTML and SVG, readable without JavaScript and in the PDF. The
timeline is embedded in gzip'd, base64'd chunks of CHUNK_ROWS events that the report's own
script unpacks (DecompressionStream) only when it shows them: a million events cost a few tens
of MB on disk and one chunk of work when the page opens.

Everything from the evidence is hostile text: Jinja2 escapes it, the embedded JSON escapes
`<`, `>` and `&`, the script only ever sets textContent, a Content-Security-Policy (hashes of
the one style and the one script) forbids any other script and every fetch, and web addresses
shown in the static parts are defanged (hxxps://evil[.]com) so no PDF viewer links them.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from spytrace import __version__
from spytrace.errors import UserError
from spytrace.iocs.feeds import cache_dir
from spytrace.model import (
    Coverage,
    Evidence,
    Finding,
    FindingKind,
    IndicatorRef,
    Observable,
    Severity,
    Status,
)
from spytrace.outputs.files import make_private_dir, open_private
from spytrace.outputs.jsonenc import dumps, loads
from spytrace.outputs.report_timeline import (
    CHUNK_ROWS,
    DAY_MS,
    TimelineData,
    chunks,
    read_timeline,
)
from spytrace.outputs.verdict import verdict

# The chart draws at most this many bars; longer spans are binned into several days a bar.
MAX_BARS = 400
# Findings shown per group before the rest is left to findings.json.
SHOWN_PER_GROUP = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEVERITIES = tuple(Severity)
_STATUS_ORDER = {Status.UNREADABLE: 0, Status.PARTIAL: 1, Status.PARSED: 2, Status.ABSENT: 3}
_ON_DEVICE = frozenset(
    {
        "process",
        "file_path",
        "file_name",
        "app_id",
        "cert_hash",
        "file_hash",
        "profile_id",
        "android_property",
    }
)
_KIND_WORDS = {
    "domain": "domain",
    "url": "web address",
    "ip": "IP address",
    "email": "account address",
    "phone": "phone number",
    "process": "process name",
    "file_path": "file path",
    "file_name": "file name",
    "app_id": "app identifier",
    "cert_hash": "signing certificate",
    "file_hash": "file hash",
    "android_property": "system property",
    "profile_id": "configuration profile",
}
# Artifacts where an address arrives from someone else, rather than being visited.
_MESSAGING = frozenset(
    {"sms", "sms_backup", "whatsapp", "calls", "calendar", "id_status_cache", "contacts"}
)
_STATUS_WORDS = {
    Status.PARSED: "read in full",
    Status.PARTIAL: "read in part: some of it could not be read",
    Status.UNREADABLE: "present but could not be read: nothing in it was checked",
    Status.ABSENT: "not in this acquisition (nothing to check)",
}
_SCHEME = re.compile(r"(?i)\b(h)tt(ps?)://|\b(f)t(p)://")


class _Where(msgspec.Struct):
    artifact: str = ""
    source: str = ""
    locator: str = ""
    time_desc: str = ""
    message: str = ""


_decode_where = msgspec.json.Decoder(_Where)


# ---------------------------------------------------------------------------------------------
# Reading a scan's output folder


@dataclass(frozen=True, slots=True)
class ScanOutputs:
    folder: Path
    document: dict[str, Any]  # findings.json
    coverage: dict[str, Any]  # coverage.json (or the coverage findings.json holds)
    custody: dict[str, Any]  # custody.json, or empty
    findings_sha256: str


def read_outputs(folder: Path) -> ScanOutputs:
    path = folder / "findings.json"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"{folder}: no findings.json to report on ({exc.strerror}); "
            "give the output folder of a scan"
        ) from exc
    try:
        document = loads(raw)
    except msgspec.DecodeError as exc:
        raise UserError(f"{path}: not a spytrace findings.json ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise UserError(f"{path}: not a spytrace findings.json")
    return ScanOutputs(
        folder=folder,
        document=document,
        coverage=_optional_json(folder / "coverage.json")
        or {"coverage": document.get("coverage") or {}},
        custody=_optional_json(folder / "custody.json"),
        findings_sha256=hashlib.sha256(raw).hexdigest(),
    )


def _optional_json(path: Path) -> dict[str, Any]:
    try:
        value = loads(path.read_bytes())
    except (OSError, msgspec.DecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def finding_from_json(data: dict[str, Any]) -> Finding:
    """A finding back from findings.json (what verdict() and the explanations need)."""
    observable = data.get("observable")
    indicator = data.get("indicator")
    evidence = data.get("evidence") or {}
    return Finding(
        kind=FindingKind(data.get("kind", "heuristic")),
        severity=Severity(data.get("severity", "info")),
        artifact=data.get("artifact", ""),
        time=_parse_time(data.get("time")),
        message=data.get("message", ""),
        evidence=Evidence(
            evidence.get("file", ""), evidence.get("locator", ""), evidence.get("sha256")
        ),
        observable=Observable(observable["kind"], observable["value"]) if observable else None,
        indicator=IndicatorRef(
            kind=indicator.get("kind", ""),
            value=indicator.get("value", ""),
            pattern=indicator.get("pattern", ""),
            feed=indicator.get("feed", ""),
            malware=indicator.get("malware", ""),
            file=indicator.get("file", ""),
            file_sha256=indicator.get("sha256", ""),
            weak=bool(indicator.get("weak")),
            also_in=tuple(indicator.get("also_in") or ()),
        )
        if indicator
        else None,
        rule=data.get("rule", ""),
        related=tuple(
            Evidence(e.get("file", ""), e.get("locator", ""), e.get("sha256"))
            for e in data.get("related") or ()
        ),
    )


def coverage_from_json(coverage: dict[str, Any]) -> list[Coverage]:
    return [
        Coverage(
            artifact=name,
            status=Status(entry.get("status", "unreadable")),
            records=int(entry.get("records") or 0),
            files=tuple(entry.get("files") or ()),
            reasons=tuple(entry.get("reasons") or ()),
        )
        for name, entry in sorted(coverage.items())
    ]


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Plain words


def defang(text: str, hosts: re.Pattern[str] | None = None) -> str:
    """hxxps://evil[.]com: readable, and no viewer turns it into a link."""
    text = _SCHEME.sub(lambda m: f"{m[1]}xx{m[2]}://" if m[1] else f"{m[3]}x{m[4]}://", text)
    if hosts is not None:
        text = hosts.sub(lambda m: m.group().replace(".", "[.]"), text)
    return text


def hostile_hosts(findings: Iterable[Finding]) -> re.Pattern[str] | None:
    """The network names findings are about, to defang wherever they are written."""
    names: set[str] = set()
    for finding in findings:
        for kind, value in (
            (finding.observable.kind, finding.observable.value) if finding.observable else ("", ""),
            (finding.indicator.kind, finding.indicator.value) if finding.indicator else ("", ""),
        ):
            if kind in ("domain", "ip"):
                names.add(value)
            elif kind == "url":
                names.add(_host(value))
            elif kind == "email":
                names.add(value.rpartition("@")[2])
    names = {n.strip().strip(".") for n in names if n and "." in n}
    if not names:
        return None
    ordered = sorted(names, key=lambda n: (-len(n), n))
    return re.compile(
        r"(?i)(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])"
    )


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def explain(finding: Finding) -> tuple[str, str]:
    """What a finding means, and what it does not (docs/matching.md: severity meanings)."""
    indicator = finding.indicator
    if finding.kind is FindingKind.IOC and indicator is not None:
        malware = indicator.malware or "a known spyware"
        feed = indicator.feed or "an indicator feed"
        kind = finding.observable.kind if finding.observable else indicator.kind
        if indicator.weak:
            return (
                f"A process name that iOS cut to 15–16 characters begins like the {malware} "
                f"process name {indicator.value!r} published in {feed}.",
                "It may just as well be another program whose name begins the same way: "
                "a weak match that an expert should check against the other evidence.",
            )
        if kind in _ON_DEVICE:
            return (
                f"The device's own records hold a {_KIND_WORDS.get(kind, kind)} that {feed} "
                f"lists as a trace of {malware}. Such a trace is a sign that the spyware was "
                "installed or ran on this device at some time.",
                "It does not show that the spyware is still active today, nor what it took. "
                "A name can, rarely, be shared with a harmless program: an expert should "
                "confirm it with the rest of the evidence.",
            )
        if kind == "email":
            return (
                f"An account address that {feed} ties to {malware}'s operators appears in "
                f"{finding.artifact}: such accounts sent the messages that deliver exploits "
                "without a tap.",
                "It shows the device was targeted. It does not prove that the attack "
                "succeeded or that the device was infected.",
            )
        if finding.artifact in _MESSAGING:
            return (
                f"A message held a {_KIND_WORDS.get(kind, kind)} that {feed} ties to "
                f"{malware}'s infrastructure: a link of the kind sent to deliver the spyware.",
                "A link received is targeting, not proof of infection: it may never have "
                "been opened, or the attack may have failed.",
            )
        return (
            f"The device contacted (visited, loaded or looked up) a "
            f"{_KIND_WORDS.get(kind, kind)} that {feed} ties to {malware}'s infrastructure.",
            "Contact shows the device was reached by the attack infrastructure (targeting); "
            "on its own it does not show that an exploit worked.",
        )
    rule = f" ({finding.rule})" if finding.rule else ""
    if finding.severity.at_least(Severity.MEDIUM):
        return (
            f"A heuristic check{rule} found a pattern seen in spyware cases, without a "
            "published indicator behind it.",
            "Heuristics also fire on innocent settings and apps: this is something for an "
            "expert to look at, not a sign of infection on its own.",
        )
    return (
        f"Background from a heuristic check{rule}: a fact that matters when weighing the "
        "rest, such as a system so old that known attacks still work on it.",
        "It is not a trace of spyware.",
    )


@dataclass(frozen=True, slots=True)
class Confidence:
    level: str
    why: str


def confidence(
    findings: Sequence[Finding], coverage: Sequence[Coverage], indicators: int
) -> Confidence:
    ioc = [f for f in findings if f.kind is FindingKind.IOC]
    strong = [f for f in ioc if f.severity is Severity.CRITICAL]
    if strong:
        return Confidence(
            "high",
            "The device's own records (processes, files, profiles or apps) match published "
            "spyware indicators; such matches are rarely coincidental.",
        )
    if any(not (f.indicator and f.indicator.weak) for f in ioc):
        return Confidence(
            "medium",
            "Only network indicators matched (links, domains, addresses): they show the "
            "device was targeted or in contact with spyware infrastructure, not that an "
            "infection succeeded.",
        )
    if ioc:
        return Confidence(
            "low",
            "Only truncated process names matched the start of an indicator: they may belong "
            "to harmless programs.",
        )
    if any(f.severity.at_least(Severity.MEDIUM) for f in findings):
        return Confidence(
            "low",
            "No published indicator matched; heuristic checks flagged patterns that also have "
            "innocent causes.",
        )
    present = [c for c in coverage if c.status is not Status.ABSENT]
    full = [c for c in present if c.status is Status.PARSED]
    if not indicators:
        return Confidence(
            "none",
            "No indicators were loaded, so no known spyware trace could be recognised.",
        )
    return Confidence(
        "limited",
        f"Nothing matched the {indicators:,} indicators loaded, in the {len(full)} of "
        f"{len(present)} artifacts present that were read in full. New, unpublished or "
        "self-erasing spyware would not show here.",
    )


NEVER_PROVES = (
    "A scan can show that known traces are present. It can never prove that a device is free "
    "of spyware: indicators cover only what researchers have found and published, spyware can "
    "erase its own traces, an acquisition holds only part of what is on a device, and what "
    "could not be read was not checked."
)


# ---------------------------------------------------------------------------------------------
# The views the template shows


@dataclass(frozen=True, slots=True)
class FindingView:
    id: str
    severity: str
    kind: str
    artifact: str
    time: str
    time_ms: int | None
    message: str
    observable: str
    observable_kind: str
    indicator: dict[str, Any] | None
    rule: str
    evidence: dict[str, Any]
    related: list[dict[str, Any]]
    record: dict[str, str] | None
    means: str
    not_means: str


@dataclass(frozen=True, slots=True)
class SeverityGroup:
    severity: str
    findings: list[FindingView]


@dataclass(frozen=True, slots=True)
class FindingGroup:
    key: str
    title: str
    intro: str
    count: int
    counts: list[tuple[str, int]]
    feeds: list[dict[str, Any]]
    severities: list[SeverityGroup]
    hidden: int


def _ms(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _show_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "no time recorded"


def _ms_text(ms: int | None) -> str:
    if ms is None:
        return ""
    return (_EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%d %H:%M:%S UTC")


def _finding_view(
    data: dict[str, Any],
    finding: Finding,
    hosts: re.Pattern[str] | None,
    records: dict[tuple[str, str, str], tuple[str, str]],
) -> FindingView:
    means, not_means = explain(finding)
    indicator = None
    if finding.indicator is not None:
        ref = finding.indicator
        indicator = {
            "kind": _KIND_WORDS.get(ref.kind, ref.kind),
            "value": defang(ref.value, hosts),
            "pattern": defang(ref.pattern, hosts),
            "malware": ref.malware,
            "feed": ref.feed,
            "file": PurePath(ref.file).name if ref.file else "",
            "sha256": ref.file_sha256,
            "weak": ref.weak,
            "also_in": list(ref.also_in),
        }
    record = records.get((finding.artifact, finding.evidence.file, finding.evidence.locator))
    return FindingView(
        id=data.get("id") or finding.id,
        severity=finding.severity.value,
        kind=finding.kind.value,
        artifact=finding.artifact,
        time=_show_time(finding.time),
        time_ms=_ms(finding.time),
        message=defang(finding.message, hosts),
        observable=defang(finding.observable.value, hosts) if finding.observable else "",
        observable_kind=_KIND_WORDS.get(finding.observable.kind, finding.observable.kind)
        if finding.observable
        else "",
        indicator=indicator,
        rule=finding.rule,
        evidence={
            "file": finding.evidence.file,
            "locator": finding.evidence.locator,
            "sha256": finding.evidence.sha256 or "",
        },
        related=[
            {"file": e.file, "locator": e.locator, "sha256": e.sha256 or ""}
            for e in finding.related
        ],
        record={"what": record[0], "message": defang(record[1], hosts)} if record else None,
        means=means,
        not_means=not_means,
    )


def _groups(
    views: Sequence[FindingView], indicators: Sequence[dict[str, Any]]
) -> list[FindingGroup]:
    buckets: dict[str, list[FindingView]] = defaultdict(list)
    for view in views:
        key = ""
        if view.indicator is not None:
            key = view.indicator["malware"] or "Unnamed malware"
        buckets[key].append(view)
    groups = []
    for key, members in buckets.items():
        by_severity = [
            SeverityGroup(s.value, [v for v in members if v.severity == s.value])
            for s in _SEVERITIES
        ]
        by_severity = [g for g in by_severity if g.findings]
        shown = SHOWN_PER_GROUP
        trimmed = []
        for group in by_severity:
            trimmed.append(SeverityGroup(group.severity, group.findings[: max(shown, 0)]))
            shown -= len(group.findings)
        trimmed = [g for g in trimmed if g.findings]
        feed_names = sorted({v.indicator["feed"] for v in members if v.indicator})
        feeds = [i for i in indicators if i.get("feed") in feed_names]
        if key:
            title = f"{key}"
            intro = f"Findings that match indicators of {key}, from " + ", ".join(feed_names) + "."
        else:
            title = "Heuristic checks"
            intro = (
                "Findings of spytrace's own checks: patterns seen in spyware cases, not tied "
                "to a published indicator."
            )
        groups.append(
            FindingGroup(
                key=key or "heuristic",
                title=title,
                intro=intro,
                count=len(members),
                counts=[(g.severity, len(g.findings)) for g in by_severity],
                feeds=feeds,
                severities=trimmed,
                hidden=max(len(members) - SHOWN_PER_GROUP, 0),
            )
        )
    worst = {s.value: s.rank for s in _SEVERITIES}
    groups.sort(
        key=lambda g: (
            g.key == "heuristic",
            -max(worst[s.severity] for s in g.severities),
            -g.count,
            g.title,
        )
    )
    return groups


def _undated_records(
    folder: Path,
    wanted: set[tuple[str, str, str]],
    found: dict[tuple[str, str, str], tuple[str, str]],
) -> None:
    """The records of findings the timeline does not hold (no time): read from records/."""
    missing = wanted - found.keys()
    for artifact in sorted({a for a, _, _ in missing}):
        path = folder / "records" / f"{artifact}.jsonl"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    where = _decode_where.decode(line)
                except msgspec.DecodeError as exc:
                    raise UserError(f"{path}: line {number} is not a record ({exc})") from exc
                key = (where.artifact, where.source, where.locator)
                if key in missing:
                    found.setdefault(key, (where.time_desc, where.message))


def _chart(data: TimelineData, marks: Sequence[tuple[int, str]]) -> dict[str, Any] | None:
    """Bars of events per day (or per several days) and the findings' days, as SVG numbers."""
    if data.first is None or data.last is None:
        return None
    first, last = data.first // DAY_MS, data.last // DAY_MS
    span = last - first + 1
    size = max(1, math.ceil(span / MAX_BARS))
    bins: Counter[int] = Counter()
    for (day, _), events in data.days.items():
        bins[(day - first) // size] += events
    count = (span + size - 1) // size
    width, height, left, top, bottom = 800.0, 160.0, 48.0, 14.0, 22.0
    plot_w, plot_h = width - left - 8, height - top - bottom
    step = plot_w / count
    peak = max(bins.values()) if bins else 1
    bars = []
    for index, value in sorted(bins.items()):
        h = max(plot_h * value / peak, 1.0)
        moment = _EPOCH + timedelta(days=first + index * size)
        bars.append(
            {
                "x": round(left + index * step, 2),
                "y": round(top + plot_h - h, 2),
                "w": round(max(step * 0.85, 0.6), 2),
                "h": round(h, 2),
                "label": f"{moment:%Y-%m-%d}: {value:,} event{'s' * (value != 1)}",
            }
        )
    marked: dict[int, list[str]] = defaultdict(list)
    for ms, label in marks:
        index = (ms // DAY_MS - first) // size
        if 0 <= index < count:
            marked[index].append(label)
    points = [
        {
            "x": round(left + (index + 0.5) * step, 2),
            "label": labels[0]
            if len(labels) == 1
            else f"{len(labels)} findings; first: {labels[0]}",
        }
        for index, labels in sorted(marked.items())
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "base": top + plot_h,
        "peak": f"{peak:,}",
        "bars": bars,
        "marks": points,
        "start": f"{_EPOCH + timedelta(days=first):%Y-%m-%d}",
        "end": f"{_EPOCH + timedelta(days=last):%Y-%m-%d}",
        "unit": "day" if size == 1 else f"{size} days",
    }


# ---------------------------------------------------------------------------------------------
# Rendering


def _asset(name: str) -> str:
    return (resources.files("spytrace.outputs") / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def json_for_html(value: Any) -> Markup:
    """JSON safe inside a <script type="application/json"> block, whatever its strings hold."""
    text = dumps(value).decode()
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - every character HTML could read as markup is escaped


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("spytrace.outputs", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_template_cache(),
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def _template_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept in the user's cache (0700): compiling takes a tenth of a second
    per report. Jinja keys each by the template's checksum, so an edited template is compiled
    anew. Without a usable cache folder the report is compiled each time."""
    folder = cache_dir() / "templates"
    try:
        make_private_dir(folder)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def render(
    outputs: ScanOutputs, *, for_print: bool = False, chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """The report as pieces of text, made from a scan's output folder (read_outputs).

    `for_print` leaves out the script and the embedded timeline (WeasyPrint runs no script).
    """
    folder = outputs.folder
    document = outputs.document
    raw_findings: list[dict[str, Any]] = document["findings"]
    findings = [finding_from_json(f) for f in raw_findings]
    coverage = coverage_from_json(
        outputs.coverage.get("coverage") or document.get("coverage") or {}
    )
    indicator_files: list[dict[str, Any]] = document.get("indicators") or []
    loaded = sum(int(i.get("count") or 0) for i in indicator_files if not i.get("error"))
    hosts = hostile_hosts(findings)
    wanted = {(f.artifact, f.evidence.file, f.evidence.locator) for f in findings}
    with tempfile.TemporaryFile() as spool, tempfile.TemporaryFile() as other_spool:
        spools = [] if for_print else [spool, other_spool]
        timeline = read_timeline(folder / "timeline.jsonl", spools, wanted, chunk_rows)
        _undated_records(folder, wanted, timeline.cited)
        views = [
            _finding_view(data, finding, hosts, timeline.cited)
            for data, finding in zip(raw_findings, findings, strict=True)
        ]
        marks = [(v.time_ms, f"{v.severity}: {v.message}") for v in views if v.time_ms is not None]
        context = _context(outputs, findings, views, coverage, loaded, timeline, marks, hosts)
        context["for_print"] = for_print
        if for_print:
            context.update(style=Markup(_asset("report.css")), script=None, csp="")  # noqa: S704
            context["chunks"] = []
        else:
            css, js = _asset("report.css"), _asset("report.js")
            context.update(
                style=Markup(css),  # noqa: S704 - our own stylesheet, hashed into the CSP
                script=Markup(js),  # noqa: S704 - our own script, hashed into the CSP
                csp=(
                    "default-src 'none'; "
                    f"script-src {_csp_hash(js)}; style-src {_csp_hash(css)}; "
                    "img-src data:; base-uri 'none'; form-action 'none'"
                ),
                chunks=chunks(spools, timeline.spans),
            )
        template = _environment().get_template("report.html.j2")
        yield from template.generate(**context)


def _context(
    outputs: ScanOutputs,
    findings: Sequence[Finding],
    views: Sequence[FindingView],
    coverage: Sequence[Coverage],
    loaded: int,
    timeline: TimelineData,
    marks: Sequence[tuple[int, str]],
    hosts: re.Pattern[str] | None,
) -> dict[str, Any]:
    document, custody = outputs.document, outputs.custody
    acquisition = document.get("acquisition") or {}
    device = acquisition.get("device") or {}
    status_counts = Counter(c.status.value for c in coverage)
    severity_counts = Counter(f.severity.value for f in findings)
    gaps = sorted(
        (c for c in coverage if c.status in (Status.UNREADABLE, Status.PARTIAL)),
        key=lambda c: c.artifact,
    )
    index = {
        "maxBars": MAX_BARS,
        "total": timeline.total,
        "artifacts": timeline.artifacts,
        "iocs": timeline.iocs,
        "chunks": [
            {**c, "a": [c["a"].get(i, 0) for i in range(len(timeline.artifacts))]}
            for c in timeline.chunks
        ],
        "days": sorted([day, art, n] for (day, art), n in timeline.days.items()),
        "findings": [
            {
                "id": v.id,
                "t": v.time_ms,
                "severity": v.severity,
                "artifact": v.artifact,
                "source": v.evidence["file"],
                "locator": v.evidence["locator"],
                "label": f"{v.severity}: {v.message}",
            }
            for v in views
        ],
    }
    return {
        "version": __version__,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "redacted": bool(document.get("redacted")),
        "scanned_at": document.get("scanned_at") or "",
        "spytrace_version": document.get("spytrace_version") or "",
        "acquisition": {
            "type": acquisition.get("type") or "",
            "path": acquisition.get("path") or "",
            "sha256": acquisition.get("sha256") or "",
        },
        "device_title": _device_title(acquisition.get("type") or "", device),
        "device": sorted((str(k), defang(_plain(v), hosts)) for k, v in device.items()),
        "verdict": verdict(findings, coverage, loaded),
        "confidence": confidence(findings, coverage, loaded),
        "never_proves": NEVER_PROVES,
        "warnings": [defang(w, hosts) for w in document.get("warnings") or ()],
        "severity_counts": [
            (s.value, severity_counts[s.value]) for s in _SEVERITIES if severity_counts[s.value]
        ],
        "findings_total": len(findings),
        "ioc_total": sum(1 for f in findings if f.kind is FindingKind.IOC),
        "groups": _groups(views, document.get("indicators") or []),
        "coverage": [
            replace(c, reasons=tuple(defang(r, hosts) for r in c.reasons))
            for c in sorted(coverage, key=lambda c: (_STATUS_ORDER[c.status], c.artifact))
        ],
        "status_words": {s.value: w for s, w in _STATUS_WORDS.items()},
        "status_counts": [(s.value, status_counts[s.value]) for s in _STATUS_ORDER],
        "gaps": gaps,
        "indicators": document.get("indicators") or [],
        "custody": {
            "spytrace_version": custody.get("spytrace_version")
            or document.get("spytrace_version")
            or "",
            "scan_started": custody.get("scan_started") or "",
            "scan_finished": custody.get("scan_finished") or "",
            "input": custody.get("input") or {},
            "files_read": custody.get("files_read") or [],
            "indicator_files": custody.get("indicator_files") or [],
        },
        "findings_sha256": outputs.findings_sha256,
        "timeline": {
            "total": timeline.total,
            "first": _ms_text(timeline.first),
            "last": _ms_text(timeline.last),
            "by_artifact": sorted(
                ((timeline.artifacts[a], n) for a, n in timeline.by_artifact.items()),
                key=lambda item: (-item[1], item[0]),
            ),
            "chunks": len(timeline.chunks),
        },
        "chart": _chart(timeline, marks),
        "index": json_for_html(index),
        "platform": "android" if (acquisition.get("type") or "").startswith("android") else "ios",
    }


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    return dumps(value).decode()


def _device_title(kind: str, device: dict[str, Any]) -> str:
    name = device.get("product_name") or device.get("product_type") or device.get("model") or ""
    version = device.get("product_version") or device.get("android_version") or ""
    build = device.get("build_version") or ""
    words = [str(name)] if name else []
    if version:
        os_name = "Android" if kind.startswith("android") else "iOS"
        words.append(f"{os_name} {version}" + (f" ({build})" if build else ""))
    return ", ".join(words) or kind or "unknown device"


def write_report(folder: Path, target: Path | None = None) -> Path:
    """`folder`/report.html (or `target`), 0600, written as it renders."""
    target = target or folder / "report.html"
    pieces = render(read_outputs(folder))
    # Written beside the target and renamed: a failure leaves no half report behind.
    partial = target.with_name(f".{target.name}.partial")
    try:
        with open_private(partial) as handle:
            for piece in pieces:
                handle.write(piece.encode())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
