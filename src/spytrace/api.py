"""The library's front door: scan a path, as the CLI, the self-test and the web service do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spytrace import catalog
from spytrace.iocs import feeds as feed_store
from spytrace.iocs.loader import FeedSet, load_feeds
from spytrace.model import Severity
from spytrace.outputs.files import check_output, prepare_output
from spytrace.scan import ScanEvents, ScanOptions, ScanResult, scan
from spytrace.sources.base import PasswordPrompt, SourceOptions
from spytrace.sources.detect import Detected, detect
from spytrace.sources.registry import open_source
from spytrace.tempdir import private_tempdir


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


def load_indicators(paths: Sequence[Path], use_cache: bool = True) -> FeedSet:
    """The given indicator files and folders, or else the feeds `iocs update` installed."""
    cache = feed_store.cache_dir() if use_cache else None
    if paths:
        return load_feeds(list(paths), cache_dir=cache)
    installed = feed_store.feeds_dir()
    if not installed.is_dir():
        return load_feeds([], cache_dir=None)
    return load_feeds([installed], feed_store.installed_feed_names(installed), cache_dir=cache)


def check_request(request: ScanRequest) -> Detected:
    """What the input is, and that the output may be written: both before any real work."""
    detected = detect(request.path)
    check_output(request.output, request.force)
    return detected


def scan_path(
    request: ScanRequest,
    feeds: FeedSet | None = None,
    events: ScanEvents | None = None,
) -> tuple[Detected, ScanResult]:
    detected = check_request(request)
    if feeds is None:
        feeds = load_indicators(request.iocs, request.use_cache)
    with private_tempdir() as scratch:
        source_scratch = scratch / "source"
        source_scratch.mkdir(mode=0o700)
        options = SourceOptions(request.password, request.prompt, request.device)
        source = open_source(detected, options, source_scratch)
        try:
            prepare_output(request.output, request.force)
            artifacts = catalog.artifacts_for(source.platform)
            result = scan(
                source,
                feeds,
                request.output,
                scratch,
                artifacts=artifacts,
                checks=catalog.checks_for(artifacts),
                device_artifacts=catalog.DEVICE_ARTIFACTS,
                options=ScanOptions(fail_on=request.fail_on),
                events=events,
            )
        finally:
            source.close()
    return detected, result
