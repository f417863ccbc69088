import pytest

from simulator.providers.mts_autosecretary.catalogue import CATALOGUE
from simulator.providers.mts_autosecretary.world import AutosecretarySection, build_backend
from simulator.testing.http import unnamed

from .data import SECTION


@pytest.fixture
def section():
    return AutosecretarySection.model_validate(SECTION)


@pytest.fixture
def backend(section):
    return build_backend(section)


@pytest.fixture(autouse=True)
def _journal_names(request):
    """After each test: every request and notice of mts-autosecretary carries its catalogue name."""
    yield
    harness = request.node.funcargs.get("simulator")
    if harness is not None and hasattr(harness, "journal"):
        assert unnamed(harness.journal(provider="mts-autosecretary"), CATALOGUE) == []
