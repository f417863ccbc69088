"""Use cases 5.1–5.4 of the document as scenario files (scenarios/mtt-business/)."""
import json
from pathlib import Path

import pytest

from simulator.conformance import contract_for
from simulator.scenario import run_scenario_file

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios" / "mtt-business"
FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_every_use_case_has_a_scenario():
    assert [f.name.split("-")[0] for f in FILES] == ["5.1", "5.2", "5.3", "5.4"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
async def test_use_case_scenario(path):
    report = await run_scenario_file(path)
    assert report.passed, report.text()
    # the scenario's simulator is its own: its JSON answers are checked against the contract here
    for step in report.steps:
        if step.kind != "request" or "/_sim/" in step.detail:
            continue
        method, route, _, status = step.detail.split(";")[0].split(" ")[:4]
        if isinstance(step.data, (dict, list)) and not (isinstance(step.data, dict) and set(step.data) == {"binary"}):
            contract_for("mtt-business").validators["rest"].contract.check_response(method, route, int(status), json.dumps(step.data), "application/json")
