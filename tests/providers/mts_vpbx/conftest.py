import pytest

from .contract import check_journal
from .helpers import H, TOKEN, TOKEN_E30770, portal  # noqa: F401  (TOKEN* re-exported for older imports)


@pytest.fixture
async def simulator(simulator):
    """The plugin's simulator; afterwards every response and event it produced in the test
    must match the contract."""
    yield simulator
    check_journal(simulator.journal(provider="mts-vpbx"))


@pytest.fixture
def api(simulator):
    """``await api("GET", "/api/abonents", token=..., json=...)`` -> (status, parsed body or bytes)."""
    return portal(simulator)
