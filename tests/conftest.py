import os
from pathlib import Path

import pytest

# The public feeds sit beside the checkout (../shared/iocs); SPYTRACE_SHARED_IOCS overrides.
_CANDIDATES = [
    Path(os.environ.get("SPYTRACE_SHARED_IOCS", "/nonexistent")),
    Path(__file__).resolve().parents[2] / "shared" / "iocs",
    Path("/work/shared/iocs"),
]
SHARED_IOCS = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[1])


@pytest.fixture(scope="session")
def shared_iocs() -> Path:
    if not SHARED_IOCS.is_dir():
        pytest.skip("the shared indicator feeds are not next to this checkout")
    return SHARED_IOCS


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Caches (compiled indicators, compiled templates) go to a temp folder, not the user's."""
    if "SPYTRACE_CACHE_DIR" not in os.environ:
        os.environ["SPYTRACE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
