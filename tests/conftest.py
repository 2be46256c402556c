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
