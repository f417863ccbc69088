"""scenarios/mtt-telecom/callback-flow.yaml: the CallBack flow real clients use, as a replay."""
from pathlib import Path

from simulator.scenario import run_scenario_file

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios" / "mtt-telecom"


async def test_callback_flow_scenario():
    report = await run_scenario_file(SCENARIOS / "callback-flow.yaml")
    assert report.passed, report.text()
    make = [s for s in report.steps if s.kind == "request"][2]
    assert len(make.data["result"]["callBackCall_id"]) == 32
