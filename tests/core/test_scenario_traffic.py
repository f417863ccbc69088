"""The scenario ``traffic:`` step (simulator/traffic.py): a seeded span of generated calls and
periodic requests, played on the manual clock. Small days here; the bench replays the full one."""
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from simulator import scenario
from simulator.scenario import load_scenario, run_scenario, validate_steps
from simulator.traffic import Traffic, plan

DAY = Path(__file__).resolve().parents[2] / "scenarios" / "mts-vpbx" / "day-of-traffic.yaml"
TOKEN = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}
ABONENT_1735 = "+79160001735"


def spec(**over) -> dict:
    data = {"seed": 7, "duration": 3600, "calls": 40,
            "mix": [{"provider": "mts-vpbx", "from": "+7916#######", "to": ABONENT_1735,
                     "ring": [1, 5], "talk": 30}]}
    data.update(over)
    return data


def test_the_same_seed_plans_the_same_day():
    a, b = plan(Traffic.model_validate(spec())), plan(Traffic.model_validate(spec()))
    assert [(t, r.model_dump(), o) for t, r, o in a] == [(t, r.model_dump(), o) for t, r, o in b]
    c = plan(Traffic.model_validate(spec(seed=8)))
    assert [t for t, _, _ in c] != [t for t, _, _ in a]


def test_the_plan_follows_the_profile_mix_and_patterns():
    day = Traffic.model_validate(spec(calls=400, duration=86400, profile=[0] * 12 + [1] * 12, mix=[
        {"weight": 3, "provider": "mts-vpbx", "from": "+7916#######", "to": ABONENT_1735,
         "outcomes": {"answered": 1, "no_answer": 0, "busy": 0}, "ring": [2, 4], "talk": 60},
        {"weight": 1, "provider": "mts-vpbx", "direction": "outbound", "from": ABONENT_1735,
         "to": "+7495#######", "outcomes": {"answered": 0, "no_answer": 0, "busy": 1}}]))
    calls = plan(day)
    assert len(calls) == 400
    times = [t for t, _, _ in calls]
    assert times == sorted(times) and all(43200 <= t < 86400 for t in times)  # the weighted half only
    inbound = [(r, o) for _, r, o in calls if r.direction == "inbound"]
    outbound = [(r, o) for _, r, o in calls if r.direction == "outbound"]
    assert 240 < len(inbound) < 360 and len(inbound) + len(outbound) == 400
    for r, o in inbound:
        assert o == "answered" and len(r.from_) == 12 and r.from_[1:].isdigit()
        b = r.script[ABONENT_1735]
        assert 2 <= b.answer_after <= 4 and 5 <= b.hangup_after <= 3600
    for r, o in outbound:
        assert o == "busy" and r.script[r.to].busy and r.to.startswith("+7495") and len(r.to) == 12


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30),
       st.integers(0, 60), st.integers(0, 2 ** 32))
def test_any_valid_profile_places_calls_in_weighted_slices_only(profile, calls, seed):
    data = spec(profile=profile, calls=calls, seed=seed, duration=1000)
    if not sum(profile) > 0:
        with pytest.raises(ValidationError):
            Traffic.model_validate(data)
        return
    width = 1000 / len(profile)
    for t, _, _ in plan(Traffic.model_validate(data)):
        assert 0 <= t < 1000 and profile[min(int(t // width), len(profile) - 1)] > 0


@pytest.mark.parametrize("bad, says", [
    ({"calls": -1}, "calls"),
    ({"profile": [-1, 2]}, "profile"),
    ({"mix": []}, "mix"),
    ({"duration": 0}, "duration"),
    ({"mix": [{"provider": "mts-vpbx", "from": "1", "to": "2", "ring": [5, 1]}]}, "ring"),
    ({"mix": [{"provider": "mts-vpbx", "from": "1", "to": "2", "colour": "red"}]}, "colour"),
    ({"requests": [{"every": 60, "request": {"method": "GET"}}]}, "path"),
    ({"requests": [{"every": 60, "between": [9, 8], "request": {"path": "/"}}]}, "between"),
    ({"requests": [{"every": 0.01, "request": {"path": "/"}}]}, "at most 100,000"),
    ({"mix": [{"provider": "no-such-provider", "from": "1", "to": "2"}]}, "no-such-provider"),
])
def test_a_bad_traffic_step_is_refused_before_anything_runs(bad, says):
    problems = validate_steps([{"advance": 1}, {"traffic": spec(**bad)}])
    assert len(problems) == 1 and problems[0].startswith("step 2 (traffic)") and says in problems[0]


async def test_a_small_day_runs_with_callbacks_and_requests(simulator, callback_sink):
    """Through the fixture's simulator, so its journal is checked against the VPBX contract."""
    simulator.sim.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "apicrm": {"active": True, "callbackUrl": callback_sink.url("/crm"), "clientApiKey": "t"}}}}}})
    step = spec(calls=30, requests=[
        {"every": 600, "request": {"provider": "mts-vpbx", "method": "GET", "path": "/api/abonents",
                                   "headers": TOKEN, "expect": {"status": 200}}},
        {"every": 1800, "between": [0, 0.75], "request": {
            "provider": "mts-vpbx", "method": "POST", "path": "/api/subscription",
            "json": {"abonentId": 1735}, "headers": TOKEN, "expect": {"status": 200}}}])
    result = await scenario._run_step(1, {"traffic": step}, simulator, {})
    assert result.ok, result.detail
    out = result.data
    assert out["calls"] == 30 and sum(out["outcomes"].values()) == 30
    assert out["requests"] == 6 + 2 and out["request_failures"] == 0 and out["still_live"] == 0
    assert not simulator.sim.engine.calls
    received = [r.json()["eventType"] for r in callback_sink.received("/crm")]
    # a busy abonent's phone never rings: no CALL_RECEIVED for those calls
    assert received.count("CALL_RECEIVED") == 30 - out["outcomes"]["busy"]
    assert out["callbacks_sent"] >= len(received) - 1  # the CHECK_ALIVE of the patch came before
    assert received.count("CALL_ANSWERED") == out["outcomes"]["answered"]
    inbound = simulator.journal(provider="mts-vpbx", direction="in")
    assert len(inbound) == 8 and {e["operation"] for e in inbound} == {"GET /api/abonents",
                                                                      "POST /api/subscription"}


async def test_a_request_that_misses_its_expectation_fails_the_step():
    report = await run_scenario({"steps": [{"traffic": spec(calls=3, requests=[
        {"every": 1200, "request": {"provider": "mts-vpbx", "method": "GET", "path": "/api/abonents",
                                    "headers": TOKEN, "expect": {"status": 404}}}])}]})
    step = report.steps[0]
    assert not report.passed and step.data["request_failures"] == 3
    assert "3 requests failed, first at 0 s: GET /api/abonents -> 200; status 200, expected 404" in step.detail


async def test_the_day_of_traffic_file_replays_scaled_down():
    """The bench's day, with a twentieth of its calls: every kind of its mix (direct, outbound,
    the find-me redirect, the IVR and queue) ends, every CRM request is answered as expected, and
    the sink the replay serves for ``{sink}`` gets the events."""
    data = load_scenario(DAY)
    traffic = data["steps"][0]["traffic"]
    assert traffic["calls"] == 1200 and traffic["duration"] == 86400
    traffic["calls"] = 60
    data["steps"] = [s for s in data["steps"] if "journal" not in s.get("expect", {})]
    report = await run_scenario(data, name="small day")
    assert report.passed, report.text()
    day, sink = report.steps[0].data, report.steps[-1]
    assert day["calls"] == 60 and day["outcomes"]["scripted"] > 0 and day["requests"] == 166
    assert sink.kind == "sink" and sink.data == day["callbacks_sent"] > 60
