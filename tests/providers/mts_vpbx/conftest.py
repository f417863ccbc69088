import pytest

from .helpers import portal


@pytest.fixture
def api(simulator):
    """``await api("GET", "/api/abonents", token=..., json=...)`` -> (status, parsed body or bytes)."""
    return portal(simulator)
