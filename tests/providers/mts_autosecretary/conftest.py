import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
for p in (ROOT, HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from mtsaa_data import SECTION  # noqa: E402
from simulator.providers.mts_autosecretary.world import AutosecretarySection, build_backend  # noqa: E402


@pytest.fixture
def section():
    return AutosecretarySection.model_validate(SECTION)


@pytest.fixture
def backend(section):
    return build_backend(section)
