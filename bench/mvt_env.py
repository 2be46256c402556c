"""A private venv holding Amnesty's MVT, the tool spytrace is compared against.

MVT lives in its own venv (``bench/.mvt-venv``) so its dependencies never mix with
spytrace's. The version is pinned so that benchmark numbers stay comparable between
runs; bump ``MVT_VERSION`` on purpose, and re-read ``docs/mvt-parity.md`` when you do.

    python -m bench.mvt_env            # create or reuse the venv, print the version
"""

from __future__ import annotations

import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

# The latest release on PyPI when the harness was written (pip index versions mvt).
MVT_VERSION = "2026.10.26"

BENCH_DIR = Path(__file__).resolve().parent
VENV_DIR = BENCH_DIR / ".mvt-venv"


@dataclass(frozen=True, slots=True)
class MvtEnv:
    """Paths into a ready MVT venv."""

    venv: Path
    python: Path
    mvt_ios: Path
    mvt_android: Path
    version: str


def _bin(venv_dir: Path, name: str) -> Path:
    return venv_dir / ("Scripts" if sys.platform == "win32" else "bin") / name


def installed_version(venv_dir: Path = VENV_DIR) -> str | None:
    """The mvt version installed in ``venv_dir``, or None if there is none."""
    python = _bin(venv_dir, "python")
    if not python.exists():
        return None
    done = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('mvt'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def ensure(venv_dir: Path = VENV_DIR, version: str = MVT_VERSION, quiet: bool = True) -> MvtEnv:
    """Create the venv and install ``mvt==version`` unless that is already there."""
    if installed_version(venv_dir) != version:
        if not _bin(venv_dir, "python").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        pip = [str(_bin(venv_dir, "python")), "-m", "pip", "install"]
        if quiet:
            pip.append("--quiet")
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, f"mvt=={version}"], check=True)
        got = installed_version(venv_dir)
        if got != version:
            raise RuntimeError(f"installed mvt {got!r}, expected {version!r}")
    env = MvtEnv(
        venv=venv_dir,
        python=_bin(venv_dir, "python"),
        mvt_ios=_bin(venv_dir, "mvt-ios"),
        mvt_android=_bin(venv_dir, "mvt-android"),
        version=version,
    )
    for exe in (env.mvt_ios, env.mvt_android):
        if not exe.exists():
            raise RuntimeError(f"{exe} missing after installing mvt {version}")
    return env


def main() -> None:
    env = ensure(quiet=False)
    print(f"mvt {env.version}")
    print(f"mvt-ios     {env.mvt_ios}")
    print(f"mvt-android {env.mvt_android}")


if __name__ == "__main__":
    main()
