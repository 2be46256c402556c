"""Running the installed `spytrace` command as a user would, isolated from the user's data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def spytrace(
    *args: str | Path, home: Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPYTRACE_")}
    environment.update(
        SPYTRACE_DATA_DIR=str(home / "data"),
        SPYTRACE_CACHE_DIR=str(home / "cache"),
        COLUMNS="200",
        **(env or {}),
    )
    return subprocess.run(
        [sys.executable, "-m", "spytrace", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        input=input,
        timeout=300,
    )
