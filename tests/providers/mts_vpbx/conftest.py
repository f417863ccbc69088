import pytest

from simulator.providers.mts_vpbx.catalogue import CATALOGUE
from simulator.testing.http import unnamed

from .helpers import portal


@pytest.fixture
def api(simulator):
    """``await api("GET", "/api/abonents", token=..., json=...)`` -> (status, parsed body or bytes)."""
    return portal(simulator)


@pytest.fixture(autouse=True)
def _journal_names(request):
    """After each test: every request and callback of mts-vpbx carries its catalogue name."""
    yield
    harness = request.node.funcargs.get("simulator")
    if harness is not None and hasattr(harness, "journal"):
        assert unnamed(harness.journal(provider="mts-vpbx"), CATALOGUE) == []
