"""The pytest plugin's fixtures and the scenario runner."""
import pytest
import yaml

from simulator.delivery import Callback
from simulator.scenario import ScenarioError, run_scenario_file, subset_mismatch

WORLD = {"seed": 3, "parties": {"numbers": {"+70000000002": {"busy": True}}}}


@pytest.mark.telsim_world(WORLD)
async def test_world_marker_replaces_the_world(simulator):
    assert simulator.sim.world.seed == 3
    assert simulator.sim.world.providers is not None


@pytest.mark.telsim_patch({"seed": 99})
async def test_patch_marker(simulator):
    assert simulator.sim.world.seed == 99


async def test_each_test_gets_a_fresh_world_and_clock(simulator):
    assert simulator.sim.world.seed != 99 and simulator.journal() == []
    assert simulator.clock.mode == "manual"


async def test_sink_scripts_and_records(simulator, callback_sink):
    callback_sink.respond("/a", status=201, json={"ok": 1})
    callback_sink.respond("/a", status=500, times=1)
    callback_sink.respond("*", body="fallback")
    async with simulator.session.post(callback_sink.url("/a"), data="x") as r:
        assert r.status == 500  # the one-time script goes first
    async with simulator.session.post(callback_sink.url("/a")) as r:
        assert r.status == 201 and await r.json() == {"ok": 1}
    async with simulator.session.get(callback_sink.url("/other?q=1")) as r:
        assert await r.text() == "fallback"
    assert [(q.method, q.path) for q in callback_sink.requests] == [("POST", "/a"), ("POST", "/a"), ("GET", "/other")]
    assert callback_sink.received("/other")[0].query == {"q": "1"}


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_wait_for_callback_advances_simulated_time(simulator, callback_sink):
    simulator.sim.clock.call_later(
        42, lambda: simulator.sim.delivery.send(
            Callback(provider="mtt-telecom", url=callback_sink.url("/late"), kind="LATE", body="{}")))
    start = simulator.clock.now()
    entry = await simulator.wait_for_callback(kind="LATE", timeout=100)
    assert entry["sim_time"] - start == 42 and entry["status"] == 200
    with pytest.raises(TimeoutError):
        await simulator.wait_for_callback(kind="NEVER", timeout=5)


@pytest.mark.telsim_world(WORLD)
async def test_start_call_helper(simulator):
    call = await simulator.start_call("mtt-business", "+70000000001", "+70000000002", allow_unknown=True)
    await simulator.advance(1)
    assert call.ended and call.cause == 17


def test_subset_matching():
    assert subset_mismatch({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2, "c": 3}], "d": 4}) is None
    assert "expected 2 items" in subset_mismatch([1, 2], [1])
    assert "$.a: missing" == subset_mismatch({"a": 1}, {})


async def test_scenario_replay(tmp_path):
    (tmp_path / "world.yaml").write_text(yaml.safe_dump(WORLD))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(yaml.safe_dump({"name": "busy then answered", "world": "world.yaml", "steps": [
        {"call": {"provider": "mtt-telecom", "from": "+70000000001", "to": "+70000000002", "as": "busy", "allow_unknown": True}},
        {"call": {"provider": "mtt-telecom", "from": "+70000000001", "to": "+70000000003", "allow_unknown": True,
                  "script": {"+70000000003": {"answer_after": 1, "hangup_after": 5}}, "as": "ok"}},
        {"advance": 10},
        {"expect": {"call": "busy", "state": "ended", "cause": 17}},
        {"expect": {"call": "ok", "state": "ended", "cause": 16}},
        {"request": {"method": "GET", "path": "/_sim/clock", "expect": {"status": 200, "json": {"mode": "manual"}}}},
        {"expect": {"live_calls": 0}},
    ]}))
    report = await run_scenario_file(scenario)
    assert report.passed, report.text()
    assert report.text().endswith("7 passed, 0 failed")
    scenario.write_text(yaml.safe_dump({"world": "world.yaml", "steps": [{"expect": {"live_calls": 3}}]}))
    report = await run_scenario_file(scenario)
    assert not report.passed and [s.ok for s in report.steps] == [False]
    # a misspelled step is found before anything runs (tests/core/test_first_mistakes.py)
    scenario.write_text(yaml.safe_dump({"world": "world.yaml", "steps": [{"expect": {"live_calls": 0}}, {"bogus": 1}]}))
    with pytest.raises(ScenarioError, match="step 2: unknown step 'bogus'; valid steps: advance, call"):
        await run_scenario_file(scenario)


def test_a_stopped_simulator_is_not_kept_alive():
    """aiohttp's module-level cache of middleware chains held every stopped simulator (and
    its world): a test session's heap grew with each test. Each test has its own loop."""
    import asyncio
    import gc
    import weakref

    from simulator.testing.harness import SimulatorHarness

    async def serve_once() -> weakref.ref:
        harness = await SimulatorHarness().start()
        async with harness.request("GET", "/mts-vpbx/api/abonents") as r:  # builds a chain
            assert r.status == 401
        await harness.stop()
        return weakref.ref(harness.sim)

    sim = asyncio.run(serve_once())
    gc.collect()
    assert sim() is None
