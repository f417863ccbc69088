import pytest

from simulator.providers.mts_autosecretary.world import AutosecretarySection, build_backend

from .data import SECTION


@pytest.fixture
def section():
    return AutosecretarySection.model_validate(SECTION)


@pytest.fixture
def backend(section):
    return build_backend(section)
