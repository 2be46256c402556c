from pathlib import Path

import pytest

SHARED_IOCS = Path(__file__).resolve().parents[2] / "shared" / "iocs"


@pytest.fixture(scope="session")
def shared_iocs() -> Path:
    if not SHARED_IOCS.is_dir():
        pytest.skip("the shared indicator feeds are not next to this checkout")
    return SHARED_IOCS
