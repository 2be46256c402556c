"""`spytrace selftest`: proof that this installation, with its feeds, finds what it should.

In a private temp folder it builds a small infected acquisition of every supported type (the
testkit scenarios: real formats, planted traces), scans each through `api.scan_path` with the
loaded feeds plus the scenario's own indicators, and checks every stage: the type detected,
the artifacts carrying traces parsed, every planted indicator matched with its malware, every
planted heuristic fired, the output files written.

Then the feeds themselves. A network-detection tool once missed a stalkerware domain that was
in its own database, silently; so every indicator of every loaded feed file must match
through the index exactly as `spytrace scan` loads it, and one value of each kind per file,
planted in a tiny acquisition where a phone keeps such values, must come out of a real scan
as a finding credited to that file. Offline, a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from spytrace import api
from spytrace.errors import FeedError
from spytrace.iocs import feeds as feed_store
from spytrace.iocs.indicator import key_of, kind_of_path
from spytrace.iocs.loader import FeedFile, FeedSet, load_feeds, read_feed_file
from spytrace.model import Artifact, Finding, FindingKind, Observable, Status
from spytrace.scan import ScanResult
from spytrace.sources.detect import Detected
from spytrace.tempdir import private_tempdir
from spytrace.testkit import scenarios
from spytrace.testkit.scenarios import Planted, Scenario

OK, FAIL, WARN = "ok", "FAIL", "warn"
PASSWORD = "spytrace-selftest"  # noqa: S105 - the password of backups built here, on purpose
# Real backups use millions of PBKDF2 rounds; the formats are what is tested, not the wait.
ROUNDS = 10
# A feed file that gives nothing is worth a warning, not a failure: some published files are
# empty (mvt-indicators' ResidentBat/domains.txt).
EMPTY = "no indicators in the file"
EXAMPLES = 3
REPORT_MODULE = "spytrace.outputs.report_html"


@dataclass(frozen=True, slots=True)
class Case:
    """One acquisition to build and scan: what it is called, the type it must be detected as."""

    label: str
    type: str
    build: Callable[[Path], Scenario]

    @property
    def platform(self) -> str:
        return self.type.partition("_")[0]


CASES: tuple[Case, ...] = (
    Case(
        "ios_backup",
        "ios_backup",
        lambda d: scenarios.pegasus_backup(d, messages=20, link_every=10, visits=10),
    ),
    Case(
        "ios_backup (encrypted)",
        "ios_backup",
        lambda d: scenarios.pegasus_backup(
            d, password=PASSWORD, messages=20, link_every=10, visits=10, dpic=ROUNDS
        ),
    ),
    Case(
        "ios_fs",
        "ios_fs",
        lambda d: scenarios.pegasus_fs(d, messages=20, link_every=10, files=5, archive=True),
    ),
    Case("ios_sysdiagnose", "ios_sysdiagnose", lambda d: scenarios.pegasus_sysdiagnose(d)),
    Case(
        "android_bugreport",
        "android_bugreport",
        lambda d: scenarios.stalkerware_bugreport(d, packages=5),
    ),
    Case(
        "android_androidqf",
        "android_androidqf",
        lambda d: scenarios.stalkerware_androidqf(d, files=20, packages=5),
    ),
    Case(
        "android_backup (encrypted)",
        "android_backup",
        lambda d: scenarios.stalkerware_adb_backup(d, password=PASSWORD, rounds=ROUNDS),
    ),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One line of the verdict: a stage, what it was checked on, and how it went."""

    stage: str
    subject: str
    status: str  # OK, FAIL or WARN
    detail: str
    count: int = 0  # indicators or samples behind a passing feed line, to sum them up


@dataclass(frozen=True, slots=True)
class Report:
    outcomes: tuple[Outcome, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(o.status != FAIL for o in self.outcomes)


def run(
    iocs: Sequence[Path] = (),
    *,
    cases: Sequence[Case] = CASES,
    artifacts_by_platform: Mapping[str, Sequence[Artifact]] | None = None,
    use_cache: bool = True,
) -> Report:
    """Build, scan and check every case, then the feeds: `iocs` as `spytrace scan --iocs`
    takes them (none: the feeds `iocs update` installed). `artifacts_by_platform` replaces the
    catalog, to show the self-test notices an artifact that is missing."""
    start = time.perf_counter()
    feeds = api.load_indicators(list(iocs), use_cache)
    outcomes: list[Outcome] = []
    with private_tempdir(prefix="spytrace-selftest-") as work:
        built: list[tuple[Case, Scenario]] = []
        for number, case in enumerate(cases):
            try:
                built.append((case, case.build(work / f"case{number}")))
            except Exception as exc:  # a broken builder is a failed test, not a crash
                outcomes.append(Outcome("build", case.label, FAIL, _error(exc)))
        # The loaded feeds and every scenario's own indicators, in one index.
        paths, names = _feed_paths(iocs)
        combined = load_feeds([*paths, *(s.indicators for _, s in built)], names, cache_dir=None)
        for number, (case, scenario) in enumerate(built):
            outcomes += check_case(
                case, scenario, combined, work / f"scan{number}", artifacts_by_platform
            )
        outcomes += _heuristics_per_platform(built)
        outcomes += feed_outcomes(feeds)
        outcomes += feed_sample_outcomes(feeds, work / "feeds", artifacts_by_platform)
    return Report(tuple(outcomes), time.perf_counter() - start)


def _feed_paths(iocs: Sequence[Path]) -> tuple[list[Path], dict[str, str]]:
    """The files api.load_indicators reads for `iocs`, and their feed names."""
    if iocs:
        return list(iocs), {}
    installed = feed_store.feeds_dir()
    if not installed.is_dir():
        return [], {}
    return [installed], feed_store.installed_feed_names(installed)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# -- one acquisition ---------------------------------------------------------------------------


def check_case(
    case: Case,
    scenario: Scenario,
    feeds: FeedSet,
    output: Path,
    artifacts_by_platform: Mapping[str, Sequence[Artifact]] | None = None,
) -> list[Outcome]:
    request = api.ScanRequest(scenario.path, output, password=scenario.password, use_cache=False)
    try:
        detected, result = api.scan_path(
            request, feeds, artifacts_by_platform=artifacts_by_platform
        )
    except Exception as exc:  # whatever stops a scan fails this case, never the self-test
        return [Outcome("scan", case.label, FAIL, _error(exc))]
    own = _feed_of(feeds, scenario.indicators)
    return [
        _detection(case, detected),
        _parsing(case, scenario, result),
        _matching(case, scenario, result, own),
        _heuristics(case, scenario, result),
        _outputs(case, scenario, result),
    ]


def _detection(case: Case, detected: Detected) -> Outcome:
    if detected.type == case.type:
        return Outcome("detect", case.label, OK, detected.detail)
    return Outcome("detect", case.label, FAIL, f"detected as {detected.type}, not {case.type}")


def _parsing(case: Case, scenario: Scenario, result: ScanResult) -> Outcome:
    coverage = {c.artifact: c for c in result.coverage}
    counts, missing = [], []
    for name in dict.fromkeys(p.artifact for p in scenario.planted):
        entry = coverage.get(name)
        if (
            entry is None
            or not entry.records
            or entry.status
            not in (
                Status.PARSED,
                Status.PARTIAL,
            )
        ):
            status = "not run" if entry is None else f"{entry.status.value}, {entry.records}"
            missing.append(f"{name} ({status})")
        else:
            counts.append(f"{name} {entry.records:,}")
    if missing:
        return Outcome("parse", case.label, FAIL, "no records: " + ", ".join(missing))
    return Outcome("parse", case.label, OK, "records: " + ", ".join(counts))


def _matching(case: Case, scenario: Scenario, result: ScanResult, own: str | None) -> Outcome:
    planted = list(dict.fromkeys(p for p in scenario.planted if p.kind == "ioc"))
    problems = []
    for trace in planted:
        problem = _ioc_problem(trace, result.findings, own)
        if problem:
            problems.append(problem)
    if problems:
        return Outcome("match", case.label, FAIL, "; ".join(problems))
    malware = sorted({p.malware for p in planted})
    detail = f"{len(planted)}/{len(planted)} planted indicators found ({', '.join(malware)})"
    return Outcome("match", case.label, OK, detail)


def _ioc_problem(trace: Planted, findings: Sequence[Finding], own: str | None) -> str | None:
    """Why no finding reports this planted indicator with its malware; None if one does."""
    credited = []
    for finding in findings:
        ref = finding.indicator
        if finding.kind is not FindingKind.IOC or ref is None:
            continue
        if finding.artifact != trace.artifact or ref.value.lower() != trace.value.lower():
            continue
        # The same value in a loaded feed may be credited first; ours is then listed beside it.
        if ref.malware == trace.malware or (own is not None and own in ref.also_in):
            return None
        credited.append(ref.malware)
    if credited:
        return f"{trace.value} in {trace.artifact} credited to {credited[0]}, not {trace.malware}"
    return f"{trace.value} in {trace.artifact} missed"


def _heuristics(case: Case, scenario: Scenario, result: ScanResult) -> Outcome:
    wanted = list(dict.fromkeys((p.artifact, p.value) for p in scenario.planted if p.kind != "ioc"))
    fired = {(f.artifact, f.rule) for f in result.findings if f.kind is FindingKind.HEURISTIC}
    missed = [f"{rule} on {artifact}" for artifact, rule in wanted if (artifact, rule) not in fired]
    if missed:
        return Outcome("heuristics", case.label, FAIL, "did not fire: " + ", ".join(missed))
    if not wanted:
        return Outcome("heuristics", case.label, OK, "none planted in this acquisition")
    return Outcome("heuristics", case.label, OK, ", ".join(rule for _, rule in wanted))


def _heuristics_per_platform(built: Sequence[tuple[Case, Scenario]]) -> list[Outcome]:
    """Each platform's acquisitions must plant some heuristic, or checks that never fire
    there would go unnoticed."""
    outcomes = []
    for platform in dict.fromkeys(case.platform for case, _ in built):
        planted = [
            p
            for case, scenario in built
            if case.platform == platform
            for p in scenario.planted
            if p.kind == "heuristic"
        ]
        if not planted:
            outcomes.append(Outcome("heuristics", platform, FAIL, "no acquisition plants one"))
    return outcomes


def _outputs(case: Case, scenario: Scenario, result: ScanResult) -> Outcome:
    out = result.output
    problems = []
    try:
        document = json.loads((out / "findings.json").read_text())
        if document["acquisition"]["type"] != case.type:
            problems.append(f"findings.json says {document['acquisition']['type']}")
        ids = {f["id"] for f in document["findings"]}
        if ids != {f.id for f in result.findings}:
            problems.append("findings.json does not hold the scan's findings")
        for name in ("coverage.json", "custody.json"):
            if not json.loads((out / name).read_text()):
                problems.append(f"{name} is empty")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problems.append(f"unreadable output ({_error(exc)})")
    for name in ("timeline.csv", "timeline.jsonl"):
        if _lines(out / name) < 1 + (name == "timeline.csv"):
            problems.append(f"{name} is empty")
    coverage = {c.artifact: c.records for c in result.coverage}
    for artifact in dict.fromkeys(p.artifact for p in scenario.planted):
        written = _lines(out / "records" / f"{artifact}.jsonl")
        if written != coverage.get(artifact, 0):
            problems.append(f"records/{artifact}.jsonl holds {written} of {coverage[artifact]}")
    names = ["findings.json", "timeline", "coverage", "custody", "records"]
    if importlib.util.find_spec(REPORT_MODULE) is not None:
        names.append("report.html")
        problem = _report_problem(out)
        if problem:
            problems.append(problem)
    if problems:
        return Outcome("outputs", case.label, FAIL, "; ".join(problems))
    return Outcome("outputs", case.label, OK, ", ".join(names))


def _report_problem(out: Path) -> str | None:
    """Why the output has no readable report.html; the report is made from the output folder
    (as `spytrace report DIR` remakes it) where the scan did not write one itself."""
    report = out / "report.html"
    try:
        if not report.exists():
            importlib.import_module(REPORT_MODULE).write_report(out)
        with report.open("rb") as handle:
            head = handle.read(4096).lower()
    except Exception as exc:  # the report's failure is this stage's, not the self-test's
        return f"no report.html ({_error(exc)})"
    return None if b"<html" in head else "report.html is not an HTML page"


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


def _feed_of(feeds: FeedSet, path: Path) -> str | None:
    for feed_file in feeds.files:
        if Path(feed_file.file).resolve() == path.resolve():
            return feed_file.feed
    return None


# -- the loaded feeds --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One value a feed file publishes, as planted: the kind it is matched as, its key."""

    feed: FeedFile
    value: str
    key: tuple[str, str]  # (observable kind, normal value), as the index holds it


def own_values(feed_file: FeedFile) -> Iterator[Sample]:
    """Every value the file publishes that spytrace can match, read again from the file
    itself, apart from the (possibly cached) index under test."""
    path = Path(feed_file.file)
    parsed = read_feed_file(path, path.read_bytes(), "")
    if not isinstance(parsed, tuple):
        return
    for raw in parsed[1].indicators:
        kind = kind_of_path(raw.path)
        key = key_of(kind, raw.raw) if kind is not None else None
        if key is not None:
            yield Sample(feed_file, raw.raw, key)


def feed_outcomes(feeds: FeedSet) -> list[Outcome]:
    """Every indicator of every loaded file, looked up through `feeds.index`: each must find
    itself, credited to its own file."""
    missing = [
        Outcome("feeds", s.file, FAIL, s.reason)
        for s in feeds.skipped
        if s.reason == "no such file or folder"
    ]
    if not feeds.files:
        nothing = (
            "none loaded: only the planted indicators were checked. Run `spytrace iocs update`, "
            "or pass --iocs"
        )
        return [*missing, Outcome("feeds", "loaded feeds", WARN, nothing)]
    outcomes = missing
    for feed_file in feeds.files:
        if feed_file.error:
            status = WARN if feed_file.error == EMPTY else FAIL
            outcomes.append(Outcome("feeds", feed_file.feed, status, feed_file.error))
            continue
        try:
            samples = list(own_values(feed_file))
        except (OSError, FeedError) as exc:
            outcomes.append(Outcome("feeds", feed_file.feed, FAIL, f"cannot read it again: {exc}"))
            continue
        missed = [s.value for s in samples if not _self_match(feeds, s)]
        if missed:
            shown = ", ".join(missed[:EXAMPLES]) + (", …" if len(missed) > EXAMPLES else "")
            detail = f"{len(missed):,} of its {len(samples):,} indicators do not match: {shown}"
            outcomes.append(Outcome("feeds", feed_file.feed, FAIL, detail))
        elif not samples and not feed_file.count:
            detail = f"nothing spytrace can match ({len(feed_file.unsupported)} unsupported)"
            outcomes.append(Outcome("feeds", feed_file.feed, WARN, detail))
        elif not samples:
            outcomes.append(Outcome("feeds", feed_file.feed, FAIL, "no indicator read again"))
        else:
            detail = f"all {len(samples):,} indicators match themselves"
            outcomes.append(Outcome("feeds", feed_file.feed, OK, detail, len(samples)))
    return outcomes


def _self_match(feeds: FeedSet, sample: Sample) -> bool:
    return any(
        m.indicator.origin.file == sample.feed.file
        and (m.indicator.kind, m.indicator.value) == sample.key
        for m in feeds.index.match(Observable(sample.key[0], sample.value))
    )


def feed_sample_outcomes(
    feeds: FeedSet,
    work: Path,
    artifacts_by_platform: Mapping[str, Sequence[Artifact]] | None = None,
) -> list[Outcome]:
    """One value of each kind per loaded file, planted where a phone keeps such values and
    scanned: each must come out as a finding credited to its file."""
    samples: list[Sample] = []
    for feed_file in feeds.files:
        if feed_file.error:
            continue
        first: dict[str, Sample] = {}
        try:
            for sample in own_values(feed_file):
                first.setdefault(sample.key[0], sample)
        except (OSError, FeedError):
            continue  # reported by feed_outcomes
        samples += first.values()
    if not samples:
        return []
    # Domains and addresses go into links in their normal form; the rest as published.
    planted = [(s.key[0], s.key[1] if s.key[0] in ("domain", "ip") else s.value) for s in samples]
    findings: list[Finding] = []
    try:
        for number, path in enumerate(scenarios.holding(work, planted)):
            request = api.ScanRequest(path, work / f"scan{number}", use_cache=False)
            _, result = api.scan_path(request, feeds, artifacts_by_platform=artifacts_by_platform)
            findings += result.findings
    except Exception as exc:  # as in check_case: a failure to report, not to raise
        return [Outcome("feed scan", "loaded feeds", FAIL, _error(exc))]
    outcomes = []
    for feed_file in feeds.files:
        own = [s for s in samples if s.feed is feed_file]
        if not own:
            continue
        missed = [s for s in own if not any(_credits(f, s) for f in findings)]
        kinds = ", ".join(s.key[0] for s in own)
        if missed:
            detail = "not found by a scan: " + ", ".join(f"{s.key[0]} {s.value}" for s in missed)
            outcomes.append(Outcome("feed scan", feed_file.feed, FAIL, detail))
        else:
            detail = f"a planted {kinds} found by a scan"
            outcomes.append(Outcome("feed scan", feed_file.feed, OK, detail, len(own)))
    return outcomes


def _credits(finding: Finding, sample: Sample) -> bool:
    ref = finding.indicator
    return (
        ref is not None
        and key_of(ref.kind, ref.value) == sample.key
        and (ref.file == sample.feed.file or sample.feed.feed in ref.also_in)
    )


# -- the verdict -------------------------------------------------------------------------------

_STYLE = {OK: "[green]ok[/]", FAIL: "[bold red]FAIL[/]", WARN: "[yellow]warn[/]"}
_UNITS = {"feeds": "indicators match themselves", "feed scan": "planted values found by scans"}


def table(report: Report, verbose: bool = False) -> Table:
    """The verdict as a table; feed files that passed are summed up unless `verbose`."""
    failed = sum(o.status == FAIL for o in report.outcomes)
    title = "spytrace selftest: " + (
        "every stage fired" if report.ok else f"{failed} check(s) FAILED"
    )
    grid = Table("stage", "type", "result", title=title, title_justify="left")
    rows = list(report.outcomes) if verbose else condensed(report.outcomes)
    for outcome in rows:
        grid.add_row(
            outcome.stage,
            escape(outcome.subject),
            f"{_STYLE[outcome.status]} {escape(outcome.detail)}",
        )
    grid.caption = f"{len(report.outcomes)} checks in {report.seconds:.1f} s"
    return grid


def condensed(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """Outcomes with the passing feed files of each feed stage folded into one line."""
    rows: list[Outcome] = []
    folded: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.stage in _UNITS and outcome.status == OK:
            if outcome.stage not in folded:
                folded[outcome.stage] = []
                rows.append(outcome)  # a placeholder, replaced below
            folded[outcome.stage].append(outcome)
        else:
            rows.append(outcome)
    for stage, group in folded.items():
        total = sum(o.count for o in group)
        summary = Outcome(stage, f"{len(group)} feed files", OK, f"{total:,} {_UNITS[stage]}")
        rows[rows.index(group[0])] = summary
    return rows
