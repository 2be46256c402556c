"""The demo `make demo` runs: an encrypted Pegasus-like backup, its indicators, the scan."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from spytrace.errors import OutputExists
from spytrace.model import Finding
from spytrace.testkit.scenarios import Planted, Scenario, pegasus_backup

PASSWORD = "spytrace-demo"  # noqa: S105 - the demo backup's password, printed on purpose
# Real backups use 10,000,000 PBKDF2 rounds; a demo needs the format, not the wait.
DEMO_ROUNDS = 10_000


def build(output: Path, force: bool) -> Scenario:
    if output.exists() and any(output.iterdir()):
        if not force:
            raise OutputExists(f"{output} is not empty; add --force to replace the demo")
        for name in ("acquisition", "scan"):
            shutil.rmtree(output / name, ignore_errors=True)
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    return pegasus_backup(
        output / "acquisition",
        password=PASSWORD,
        messages=2000,
        link_every=500,
        extra_files=200,
        visits=300,
        dpic=DEMO_ROUNDS,
        iterations=DEMO_ROUNDS // 10,
    )


def missed(scenario: Scenario, findings: Sequence[Finding]) -> list[Planted]:
    """Planted traces no finding reports (empty when the scan found everything)."""
    return [p for p in set(scenario.planted) if not any(_reports(f, p) for f in findings)]


def _reports(finding: Finding, planted: Planted) -> bool:
    if finding.artifact != planted.artifact or finding.kind.value != planted.kind:
        return False
    if planted.kind == "heuristic":
        return finding.rule == planted.value
    return finding.indicator is not None and finding.indicator.value == planted.value
