"""The command line: arguments, progress and exit codes. The work happens in the library."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spytrace import __version__, api
from spytrace.errors import SpytraceError, UserError
from spytrace.iocs import feeds as feed_store
from spytrace.iocs.guess import guess_kinds
from spytrace.iocs.loader import FeedSet
from spytrace.model import OBSERVABLE_KINDS, Coverage, Observable, Severity, Status
from spytrace.outputs import summary
from spytrace.outputs.jsonenc import dumps, dumps_pretty
from spytrace.sources.ios_backup import find_backups
from spytrace.sources.ios_backup_decrypt import decrypt_backup

PASSWORD_ENV = "SPYTRACE_BACKUP_PASSWORD"  # noqa: S105 - a variable name, not a secret

app = typer.Typer(
    name="spytrace",
    help="Find mercenary spyware traces in iOS and Android evidence.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
iocs_app = typer.Typer(help="Indicator feeds: update, list, check values.", no_args_is_help=True)
app.add_typer(iocs_app, name="iocs")

err = Console(stderr=True)
out = Console()
log = logging.getLogger("spytrace")

IocsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--iocs",
        help="Indicator file or folder (STIX2, plain lists, Echap YAML); repeatable. "
        "Default: the feeds installed by `spytrace iocs update`.",
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"spytrace {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """spytrace reads phone evidence and says which spyware traces it holds, and what it
    could not check. Scans are offline: nothing is fetched unless you run `iocs update`."""


class _LogJson(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        line = {"level": record.levelname.lower(), "message": record.getMessage()}
        sys.stderr.write(dumps(line).decode() + "\n")


def _setup_logging(quiet: bool, log_json: bool, debug: bool) -> None:
    handler: logging.Handler
    if log_json:
        handler = _LogJson()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("spytrace: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING)


class _ProgressEvents:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=None)

    def artifact_started(self, name: str, files: int) -> None:
        self.progress.update(self.task, description=f"{name} ({files} file{'s' * (files != 1)})")

    def artifact_done(self, coverage: Coverage) -> None:
        self.progress.advance(self.task)


@contextmanager
def _progress(enabled: bool) -> Iterator[_ProgressEvents | None]:
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        yield _ProgressEvents(progress)


def _password(password_file: Path | None) -> str | None:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise UserError(
                f"{password_file}: cannot read the password file ({exc.strerror})"
            ) from exc
    return os.environ.get(PASSWORD_ENV)


def _prompt(what: str) -> str:
    if not sys.stdin.isatty():
        raise UserError(f"{what} needs a password: give it with --password-file or ${PASSWORD_ENV}")
    return str(typer.prompt(f"Password for {what}", hide_input=True))


@app.command(
    epilog="Examples:\n\n"
    "  spytrace scan ~/Backups/00008030-001A -o out --iocs pegasus.stix2\n\n"
    "  spytrace scan backup.zip -o out --password-file pw.txt --fail-on high\n\n"
    "Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 the scan could not run."
)
def scan(
    path: Annotated[Path, typer.Argument(help="The acquisition: folder, zip, tar.gz or .ab.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the results.")],
    iocs: IocsOption = None,
    fail_on: Annotated[
        Severity, typer.Option(help="Lowest severity that makes the exit code 1.")
    ] = Severity.MEDIUM,
    password_file: Annotated[
        Path | None,
        typer.Option(help=f"File holding the backup password (else ${PASSWORD_ENV}, else asked)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Write into a non-empty output folder.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only errors and the verdict.")
    ] = False,
    log_json: Annotated[bool, typer.Option(help="Log lines as JSON on stderr.")] = False,
    debug: Annotated[
        bool, typer.Option(help="Show details of parser failures, and how long each stage took.")
    ] = False,
    device: Annotated[
        str | None,
        typer.Option(help="UDID of the backup to scan, where PATH holds several (else asked)."),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            help="Outputs fit to share: only the findings and the records they cite; message "
            "bodies hashed; other phone numbers and emails masked."
        ),
    ] = False,
) -> None:
    """Scan an acquisition against indicators and heuristics.

    Writes report.html (to read), findings.json, timeline.csv/.jsonl, records/, coverage.json
    and custody.json into OUTPUT."""
    _setup_logging(quiet, log_json, debug)
    request = api.ScanRequest(
        path=path,
        output=output,
        iocs=iocs or [],
        password=_password(password_file),
        prompt=_prompt,
        fail_on=fail_on,
        force=force,
        device=device,
        redact=redact,
    )
    detected = api.check_request(request)  # an unusable input or output fails before feeds load
    # A MobileSync/Backup folder may hold several phones' backups (an archive with several
    # is rare: the source names them in its error).
    if detected.type == "ios_backup" and device is None and path.is_dir():
        request = replace(request, device=_choose_backup(path))
    feeds = api.load_indicators(request.iocs)
    _report_feed_problems(feeds, quiet)
    with _progress(not quiet and not log_json and err.is_terminal) as events:
        detected, result = api.scan_path(request, feeds, events)
    if log_json:
        sys.stdout.write(dumps(summary.as_dict(detected, result, feeds)).decode() + "\n")
    else:
        summary.show(out, detected, result, feeds, quiet)
    raise typer.Exit(result.exit_code)


def _choose_backup(path: Path) -> str | None:
    """Where a folder holds several device backups: ask which, or say how to choose."""
    backups = find_backups(path)
    if len(backups) <= 1:
        return None
    listing = "\n".join(f"  {n}. {b.line()}" for n, b in enumerate(backups, 1))
    if not sys.stdin.isatty():
        raise UserError(
            f"{path} holds {len(backups)} backups; choose one with --device UDID:\n{listing}"
        )
    err.print(f"{path} holds {len(backups)} backups:\n{listing}", highlight=False)
    while True:
        choice = int(typer.prompt("Which one (number)", type=int))
        if 1 <= choice <= len(backups):
            return backups[choice - 1].udid


@app.command(
    "decrypt-backup",
    epilog="Example:\n\n  spytrace decrypt-backup ~/Backups/00008030-001A copy --password-file pw"
    "\n\n"
    "The copy opens in any tool as a plain backup; it holds private data: keep it safe.",
)
def decrypt_backup_command(
    source: Annotated[Path, typer.Argument(help="The encrypted backup (folder, parent or zip).")],
    destination: Annotated[Path, typer.Argument(help="New folder for the decrypted copy.")],
    password_file: Annotated[
        Path | None,
        typer.Option(help=f"File holding the backup password (else ${PASSWORD_ENV}, else asked)."),
    ] = None,
    device: Annotated[
        str | None, typer.Option(help="UDID of the backup, where SOURCE holds several.")
    ] = None,
) -> None:
    """Write a decrypted copy of an encrypted iOS backup, in Finder's layout."""
    _setup_logging(False, False, False)
    password = _password(password_file)
    if password is None:
        password = _prompt(f"the encrypted backup {source}")
    result = decrypt_backup(source, destination, password, udid=device or _choose_backup(source))
    out.print(f"Decrypted {result.files:,} files into {result.path}")
    for problem in result.problems:
        err.print(f"[yellow]not copied[/]: {problem}", highlight=False, soft_wrap=True)


def _report_feed_problems(feeds: FeedSet, quiet: bool) -> None:
    for line in feeds.problems:
        log.warning("indicator file %s", line)
    for skipped in feeds.skipped:
        if skipped.reason == "no such file or folder":
            log.error("%s: %s", skipped.file, skipped.reason)
    if not feeds.usable:
        if not feeds.files and any(s.reason == "no such file or folder" for s in feeds.skipped):
            raise UserError("none of the --iocs paths exist")
        err.print(
            "[bold red]No indicators loaded[/]: only heuristics will run, and a scan without "
            "indicators is no clean bill. Run `spytrace iocs update` or pass --iocs.",
            soft_wrap=True,
        )


@app.command(
    epilog="Example:\n\n  spytrace demo --output demo-output\n\n"
    "Writes the backup and its indicators.stix2 into OUTPUT/acquisition, the scan into OUTPUT/scan."
)
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the demo.")] = Path(
        "demo-output"
    ),
    force: Annotated[bool, typer.Option(help="Replace an earlier demo in OUTPUT.")] = False,
) -> None:
    """Build an encrypted iPhone backup with Pegasus-like traces and scan it.

    Everything is made here, offline: the backup (real Apple formats), the indicators it is
    checked against, and the scan's outputs."""
    _setup_logging(False, False, False)
    from spytrace.testkit import demo as demo_scenario  # the builders: only the demo needs them

    scenario = demo_scenario.build(output, force)
    err.print(
        f"Built {scenario.path} (encrypted, password {demo_scenario.PASSWORD!r}) with "
        f"{len(scenario.planted)} planted traces; scanning it against {scenario.indicators}…",
        soft_wrap=True,
    )
    request = api.ScanRequest(
        path=scenario.path,
        output=output / "scan",
        iocs=[scenario.indicators],
        password=scenario.password,
        force=True,
        use_cache=False,
    )
    detected, result = api.scan_path(request)
    summary.show(out, detected, result, api.load_indicators([scenario.indicators], False), False)
    found = demo_scenario.missed(scenario, result.findings)
    if found:
        raise UserError(f"the demo missed planted traces: {found}")


@app.command(
    epilog="Examples:\n\n  spytrace selftest\n\n  spytrace selftest --iocs ./feeds --verbose\n\n"
    "Exit codes: 0 every stage fired, 1 something was missed."
)
def selftest(
    iocs: IocsOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="One line per feed file, not a sum.")
    ] = False,
) -> None:
    """Prove that detection works here, with the feeds loaded: offline, in seconds.

    Builds a small infected acquisition of every supported type, scans each with the loaded
    feeds plus planted indicators, and checks detection, parsing, matching, heuristics and
    outputs; then checks that every loaded feed matches its own indicators, in a real scan."""
    from spytrace import selftest as proof  # builds fixtures: only loaded when asked for

    _setup_logging(True, False, False)
    report = proof.run(iocs or [])
    out.print(proof.table(report, verbose))
    raise typer.Exit(0 if report.ok else 1)


@app.command(
    epilog="Examples:\n\n  spytrace report out\n\n  spytrace report out --pdf\n\n"
    "  spytrace report out --redact --output for-expert.html\n\n"
    "Writes OUT/report.html, report.pdf, report-redacted.html or report-redacted.pdf "
    "unless --output names the file."
)
def report(
    directory: Annotated[
        Path, typer.Argument(help="The output folder of a scan (it holds findings.json).")
    ],
    pdf: Annotated[bool, typer.Option("--pdf", help="A PDF (WeasyPrint), not HTML.")] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Only the findings and the records they cite; message bodies hashed; "
            "other phone numbers and emails masked. For sharing with an expert.",
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file to write.")
    ] = None,
) -> None:
    """Make the report a person reads from a scan's output folder, again or as a PDF.

    The report opens offline from disk and fetches nothing."""
    _setup_logging(False, False, False)
    written = api.make_report(directory, pdf=pdf, redact=redact, output=output)
    out.print(f"Wrote {written}", highlight=False, soft_wrap=True)


@iocs_app.command(
    "update",
    epilog="Example:\n\n  spytrace iocs update\n\n"
    "Downloads every feed the community index lists (network access, on request only).",
)
def iocs_update(
    index: Annotated[
        str, typer.Option(help="URL or file of the feed index (indicators.yaml).")
    ] = feed_store.DEFAULT_INDEX_URL,
    raw_base: Annotated[
        str, typer.Option(help="Base URL that GitHub-hosted feeds are fetched from.")
    ] = feed_store.DEFAULT_RAW_BASE,
) -> None:
    """Download the indicator feeds of the community index into your data folder."""
    _setup_logging(False, False, False)
    results = feed_store.update(index, raw_base)
    table = Table("feed", "result", title=f"Feeds in {feed_store.feeds_dir()}")
    for result in results:
        detail = (
            f"[green]ok[/] {result.detail[:12]}" if result.ok else f"[red]failed[/] {result.detail}"
        )
        table.add_row(result.spec.name, detail)
    out.print(table)
    failed = [r for r in results if not r.ok]
    if failed:
        err.print(f"{len(failed)} of {len(results)} feeds could not be downloaded.")
    if len(failed) == len(results):
        raise typer.Exit(2)


@iocs_app.command(
    "list",
    epilog="Examples:\n\n  spytrace iocs list\n\n  spytrace iocs list --iocs ./feeds --json",
)
def iocs_list(
    iocs: IocsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show indicator files with their counts, age and unsupported patterns."""
    _setup_logging(False, False, False)
    feeds = api.load_indicators(iocs or [])
    if as_json:
        sys.stdout.write(dumps_pretty(summary.feeds_as_list(feeds)).decode())
    else:
        summary.show_feeds(out, feeds)
    if not feeds.files:
        raise typer.Exit(2)


@iocs_app.command(
    "check",
    epilog="Examples:\n\n  spytrace iocs check https://free247downloads.com/x bh\n\n"
    "  spytrace iocs check --kind process roleaccountd --json\n\n"
    "Exit codes: 0 something matched, 1 nothing matched, 2 no indicators.",
)
def iocs_check(
    values: Annotated[list[str], typer.Argument(help="Values to look up.")],
    iocs: IocsOption = None,
    kind: Annotated[
        str | None,
        typer.Option(help=f"Kind of the values (else guessed): {', '.join(OBSERVABLE_KINDS)}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Say which indicator, feed and malware each value matches."""
    _setup_logging(False, False, False)
    if kind is not None and kind not in OBSERVABLE_KINDS:
        raise UserError(f"--kind {kind}: not one of {', '.join(OBSERVABLE_KINDS)}")
    feeds = api.load_indicators(iocs or [])
    if not feeds.usable:
        raise UserError("no indicators loaded: run `spytrace iocs update` or pass --iocs")
    answers: list[dict[str, Any]] = []
    for value in values:
        kinds = (kind,) if kind else guess_kinds(value)
        hits = []
        for candidate in kinds:
            for match in feeds.index.match(Observable(candidate, value)):
                hits.append(
                    {
                        "kind": match.indicator.kind,
                        "indicator": match.indicator.raw,
                        "pattern": match.indicator.pattern,
                        "feed": match.indicator.origin.feed,
                        "malware": match.indicator.origin.malware,
                        "file": match.indicator.origin.file,
                        "weak": match.weak,
                    }
                )
        answers.append({"value": value, "kinds": list(kinds), "matches": hits})
    if as_json:
        sys.stdout.write(dumps_pretty(answers).decode())
    else:
        summary.show_checks(out, answers)
    raise typer.Exit(0 if any(a["matches"] for a in answers) else 1)


def main() -> None:
    try:
        app()
    except SpytraceError as exc:
        err.print(f"spytrace: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("spytrace: interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug, not the user's doing: one line, details on request
        if os.environ.get("SPYTRACE_DEBUG"):
            raise
        err.print(
            f"spytrace: internal error: {type(exc).__name__}: {exc} "
            "(set SPYTRACE_DEBUG=1 for the traceback, and please report it)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)


__all__ = ["Severity", "Status", "app", "main"]
