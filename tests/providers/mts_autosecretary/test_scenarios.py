from pathlib import Path

import pytest

from .data import ROOT
from simulator.scenario import run_scenario_file

SCENARIOS = sorted((ROOT / "scenarios" / "mts-autosecretary").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario_passes(path: Path):
    report = await run_scenario_file(path)
    assert report.passed, report.text()
