"""The library's front door: scan a path, as the CLI, the self-test and the web service do."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spytrace import catalog
from spytrace.errors import UserError
from spytrace.iocs import feeds as feed_store
from spytrace.iocs.loader import FeedSet, load_feeds
from spytrace.model import Artifact, Severity
from spytrace.outputs.files import check_output, make_private_dir, prepare_output
from spytrace.outputs.redact import redact_scan
from spytrace.outputs.report_html import write_report
from spytrace.outputs.report_pdf import write_pdf
from spytrace.scan import ScanEvents, ScanOptions, ScanResult, scan
from spytrace.sources.base import PasswordPrompt, SourceOptions
from spytrace.sources.detect import Detected, detect
from spytrace.sources.registry import open_source
from spytrace.tempdir import private_tempdir

log = logging.getLogger("spytrace")


@dataclass(frozen=True, slots=True)
class ScanRequest:
    path: Path
    output: Path
    iocs: Sequence[Path] = ()
    password: str | None = None
    prompt: PasswordPrompt | None = None
    fail_on: Severity = Severity.MEDIUM
    force: bool = False
    use_cache: bool = True
    device: str | None = None  # which backup, where a folder holds several (UDID)
    redact: bool = False  # outputs fit to share: see outputs/redact.py


def load_indicators(paths: Sequence[Path], use_cache: bool = True) -> FeedSet:
    """The given indicator files and folders, or else the feeds `iocs update` installed."""
    started = time.perf_counter()
    cache = feed_store.cache_dir() if use_cache else None
    installed = feed_store.feeds_dir()
    if paths:
        feeds = load_feeds(list(paths), cache_dir=cache)
    elif not installed.is_dir():
        feeds = load_feeds([], cache_dir=None)
    else:
        feeds = load_feeds([installed], feed_store.installed_feed_names(installed), cache_dir=cache)
    seconds = time.perf_counter() - started
    log.debug("scan: loaded %d indicators in %.2f s", len(feeds.index), seconds)
    return feeds


def check_request(request: ScanRequest) -> Detected:
    """What the input is, and that the output may be written: both before any real work."""
    detected = detect(request.path)
    check_output(request.output, request.force)
    return detected


def scan_path(
    request: ScanRequest,
    feeds: FeedSet | None = None,
    events: ScanEvents | None = None,
    artifacts_by_platform: Mapping[str, Sequence[Artifact]] | None = None,
) -> tuple[Detected, ScanResult]:
    """Scan one acquisition. `artifacts_by_platform` replaces the catalog's artifacts (the
    self-test passes a reduced one to prove it notices what is missing); checks follow."""
    detected = check_request(request)
    if feeds is None:
        feeds = load_indicators(request.iocs, request.use_cache)  # logs how long it took
    with private_tempdir() as scratch:
        source_scratch = scratch / "source"
        source_scratch.mkdir(mode=0o700)
        options = SourceOptions(request.password, request.prompt, request.device)
        source = open_source(detected, options, source_scratch)
        try:
            prepare_output(request.output, request.force)
            artifacts = (
                catalog.artifacts_for(source.platform)
                if artifacts_by_platform is None
                else tuple(artifacts_by_platform.get(source.platform, ()))
            )
            # A redacted scan is made in scratch: only its redacted copy reaches the output.
            full = scratch / "unredacted" if request.redact else request.output
            result = scan(
                source,
                feeds,
                full,
                scratch,
                artifacts=artifacts,
                checks=catalog.checks_for(artifacts),
                device_artifacts=catalog.DEVICE_ARTIFACTS,
                options=ScanOptions(fail_on=request.fail_on),
                events=events,
            )
        finally:
            source.close()
        if request.redact:
            redact_scan(full, request.output)
            result = replace(result, output=request.output)
    _write_report(request.output)
    return detected, result


def _write_report(folder: Path) -> None:
    """Every scan leaves report.html; a failure there costs the report, never the findings
    (or the exit code scripts act on)."""
    started = time.perf_counter()
    try:
        write_report(folder)
        log.debug("scan: wrote report.html in %.2f s", time.perf_counter() - started)
    except Exception as exc:  # the contract files are written; the report is a view of them
        log.error("report.html could not be written: %s: %s", type(exc).__name__, exc)


def make_report(
    folder: Path, *, pdf: bool = False, redact: bool = False, output: Path | None = None
) -> Path:
    """A report (HTML, or PDF) from a scan's output folder; redacted on request.

    The default file is FOLDER/report.html, report.pdf, report-redacted.html or
    report-redacted.pdf: a redacted report never replaces the full one."""
    if not (folder / "findings.json").is_file():
        raise UserError(f"{folder}: no findings.json here; give the output folder of a scan")
    name = "report" + ("-redacted" if redact else "") + (".pdf" if pdf else ".html")
    target = output or folder / name
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name to --output")
    with private_tempdir() as scratch:
        source = folder
        if redact:
            source = scratch / "redacted"
            make_private_dir(source)
            redact_scan(folder, source)
        try:
            return write_pdf(source, target) if pdf else write_report(source, target)
        except OSError as exc:
            raise UserError(f"{target}: cannot write the report ({exc.strerror})") from exc
