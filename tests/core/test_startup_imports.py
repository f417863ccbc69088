"""Start-up with the default world imports no pydantic (docs/decisions.md "start-up"): the world
is validated on first use, its clock, seed and strict switch read from the proven snapshot; what
is built late equals what a world validated at start holds."""
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.settings import Settings
from simulator.sim import Simulator
from simulator.world import DEFAULT_WORLD, WorldError, load_world, read_world_file, validate_world
from simulator.world.loader import CoreSettings, proven_core_settings, proven_default_world
from simulator.world.models import WorldBase

ROOT = Path(__file__).resolve().parents[2]

#: what `telsim serve` does before and after its first answer, in a fresh interpreter
START = """
import asyncio, json, sys
import simulator.cli, simulator.app
from simulator.app import create_app
from simulator.settings import Settings
from simulator.sim import Simulator
from simulator.transport import TransportRunner
from aiohttp import ClientSession, web

HEAVY = ("pydantic", "pydantic_core", "yaml", "jsonschema", "lxml", "importlib.metadata")
loaded = lambda: [m for m in HEAVY if m in sys.modules]
#: what only a call, a callback or a recording needs
LATE = ("simulator.engine.engine", "simulator.engine.calls", "simulator.delivery",
        "simulator.delivery.deliverer", "wave")

async def main():
    simulator.cli.build_parser()  # --version is looked up when asked, not when the parser is built
    sim = Simulator(Settings(port=0, access_log=False))
    app = create_app(sim)
    after_build = loaded()
    runner = TransportRunner(app, sim)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    answers = []
    async with ClientSession() as http:
        for path in ("/_sim/health", "/_sim/clock", "/_sim/providers"):
            async with http.get(f"http://127.0.0.1:{port}{path}") as resp:
                answers.append([resp.status, await resp.json()])
        after_answers = loaded()
        late = [m for m in LATE if m in sys.modules] + [f"sim.{a}" for a in ("engine", "delivery")
                                                         if a in vars(sim)]
        async with http.get(f"http://127.0.0.1:{port}/_sim/world") as resp:
            world = await resp.json()
    await runner.cleanup()
    print(json.dumps({"after_build": after_build, "after_answers": after_answers,
                      "answers": answers, "world": world, "late": late, "in_the_end": loaded()}))

asyncio.run(main())
"""


def test_the_default_world_starts_and_answers_without_pydantic():
    out = subprocess.run([sys.executable, "-c", START], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout)
    assert result["after_build"] == []
    assert result["after_answers"] == []
    assert result["late"] == []
    health, clock, providers = result["answers"]
    assert health[0] == 200 and health[1]["status"] == "ok"
    assert clock[0] == 200 and clock[1]["mode"] == "real" and clock[1]["speed"] == 1.0
    assert clock[1]["pending_timers"] == 1  # VPBX's subscription expiry, held by a stand-in
    assert providers[0] == 200 and len(providers[1]) == 5
    # the first request that needs the world builds it, and it is the default world
    assert "pydantic" in result["in_the_end"]
    assert result["world"] == Simulator(Settings(world_data=read_world_file(DEFAULT_WORLD))).world_store.dump()


async def test_the_engine_and_deliverer_are_built_by_their_first_use_and_a_start_reset_stop_need_none():
    sim = Simulator(Settings(manual_clock=True))
    await sim.start()
    await sim.reset()
    assert "engine" not in vars(sim) and "delivery" not in vars(sim)
    engine, delivery = sim.engine, sim.delivery
    assert sim.engine is engine and not engine.calls
    assert sim.delivery is delivery and delivery.outstanding() == 0
    await sim.reset()
    await sim.stop()
    assert sim.engine is engine and sim.delivery is delivery  # reset and stopped, the same ones


def test_the_engine_is_built_once_when_two_threads_are_first():
    import threading

    sim = Simulator(Settings(manual_clock=True))
    barrier, seen = threading.Barrier(4), []

    def first() -> None:
        barrier.wait()
        seen.append(sim.engine)

    threads = [threading.Thread(target=first) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 4 and all(e is sim.engine for e in seen)


def test_the_collector_runs_once_the_start_has_frozen_what_it_made():
    import gc

    from simulator.cli import GC_YOUNG_THRESHOLD, tune_collector

    threshold = gc.get_threshold()
    gc.disable()  # as `telsim serve` starts
    try:
        tune_collector()
        assert gc.isenabled() and gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        gc.enable()


def eager_default_world(seed: int | None = None):
    """The default world validated whole at start, as any other world file is."""
    return load_world(DEFAULT_WORLD, seed)[1]


def core_fields() -> list[str]:
    return [name for name in WorldBase.model_fields if name != "providers"]


def test_the_world_built_on_first_use_equals_the_one_validated_at_start():
    lazy = Simulator(Settings())
    assert not lazy.world_store.built
    eager = eager_default_world()
    for name in core_fields():
        assert getattr(lazy.world, name) == getattr(eager, name), name
    assert lazy.world_store.built
    assert lazy.world_store.dump() == eager.model_dump(mode="json", by_alias=True)
    assert lazy.core_settings == _core(eager)


def test_the_clock_seed_and_strict_switch_read_without_the_model_are_the_models():
    for seed in (None, 0, 7, -3):
        lazy = Simulator(Settings(seed=seed))
        eager = Simulator(Settings(world_data=read_world_file(DEFAULT_WORLD), seed=seed))
        assert not lazy.world_store.built
        assert lazy.core_settings == eager.core_settings == _core(eager_default_world(seed))
        assert [lazy.clock.describe()[k] for k in ("start", "mode", "speed", "pending_timers")] == \
            [eager.clock.describe()[k] for k in ("start", "mode", "speed", "pending_timers")]
        still = Settings(seed=seed, manual_clock=True)
        assert Simulator(still).clock.describe() == Simulator(
            Settings(world_data=read_world_file(DEFAULT_WORLD), seed=seed, manual_clock=True)).clock.describe()
        assert lazy.strict.enabled is eager.strict.enabled is False
        assert not lazy.world_store.built  # none of that needed the world
        assert lazy.world.seed == eager.world.seed


async def test_a_reset_before_first_use_keeps_the_world_unbuilt_and_the_same():
    lazy = Simulator(Settings(manual_clock=True))
    await lazy.reset()
    assert not lazy.world_store.built
    assert lazy.clock.describe() == Simulator(Settings(manual_clock=True,
                                                       world_data=read_world_file(DEFAULT_WORLD))).clock.describe()
    lazy.patch_world({"name": "patched"})
    assert lazy.world.name == "patched"
    await lazy.reset()
    assert lazy.world.name == eager_default_world().name
    assert lazy.world_store.dump() == eager_default_world().model_dump(mode="json", by_alias=True)


def test_only_the_default_world_is_validated_on_first_use(tmp_path):
    copy = tmp_path / "world.json"
    copy.write_text(json.dumps(read_world_file(DEFAULT_WORLD)))
    assert Simulator(Settings(world=copy)).world_store.built
    assert Simulator(Settings(world_data=read_world_file(DEFAULT_WORLD))).world_store.built
    assert proven_default_world() is not None  # the one that is: proven by its snapshot


def test_a_seed_the_model_refuses_still_fails_at_start_with_the_same_message():
    with pytest.raises(WorldError) as err:
        Simulator(Settings(seed="12"))  # type: ignore[arg-type]  (the CLI and SIM_SEED give ints)
    assert str(err.value) == "default world: seed: Input should be a valid integer"


def _core(world) -> CoreSettings:
    from simulator.engine.clock import parse_time

    return CoreSettings(parse_time(world.clock.start), world.clock.mode, world.clock.speed, world.seed,
                        world.conformance.strict)


#: RFC 3339 date-times with and without fractions and offsets
_DATE_TIMES = st.builds(lambda d, offset: d.isoformat() + offset,
                        st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
                        st.sampled_from(["Z", "+03:00", "-11:30", "+00:00"]))


def _value():
    return st.one_of(_DATE_TIMES, st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True),
                     st.text(max_size=30), st.sampled_from(["real", "accelerated", "manual", "fast"]),
                     st.sampled_from(["2026-11-23T09:00:00+03:00", "2026-11-23T09:00:00Z",
                                      "2026-11-23 09:00", "2026-11-23", "20261123T0900", "1700000000",
                                      "2026-02-30T09:00:00", "2026-11-23T09:00:00.123456789+03:00"]))


def _or_junk(valid):
    """``valid`` half the time (a mapped strategy is not flattened into one_of's branches)."""
    return st.one_of(valid, _value().map(lambda v: v))


_CLOCKS = st.one_of(
    st.fixed_dictionaries({"start": _or_junk(_DATE_TIMES),
                           "mode": _or_junk(st.sampled_from(["real", "accelerated", "manual"])),
                           "speed": _or_junk(st.floats(1e-6, 1e6) | st.integers(1, 1000))}),
    st.dictionaries(st.sampled_from(["start", "mode", "speed", "extra"]), _value(), max_size=4))


@given(clock=_CLOCKS, seed=_or_junk(st.integers()),
       conformance=st.one_of(st.none(), st.fixed_dictionaries({"strict": _or_junk(st.booleans())}),
                             st.dictionaries(st.sampled_from(["strict", "other"]), _value(), max_size=2)))
def test_the_core_settings_read_from_the_data_are_the_models_or_none(clock, seed, conformance):
    raw = {"clock": clock, "seed": seed}
    if conformance is not None:
        raw["conformance"] = conformance
    core = proven_core_settings(raw)
    if core is None:
        return  # the world is then validated at start, as any other
    world = validate_world(raw, "<test>", {})  # what the data reads as proves valid
    assert core == _core(world)
    assert type(core.speed) is float and type(core.seed) is int and type(core.strict) is bool


def test_the_default_worlds_core_settings_are_read_from_its_data():
    assert proven_core_settings(proven_default_world()) is not None


@given(start=_DATE_TIMES, mode=st.sampled_from(["real", "accelerated", "manual"]),
       speed=st.floats(1e-6, 1e6) | st.integers(1, 1000), seed=st.integers(-2 ** 63, 2 ** 63 - 1),
       strict=st.none() | st.booleans())
def test_plain_core_settings_are_read_from_the_data_as_the_model_reads_them(start, mode, speed, seed, strict):
    raw = {"clock": {"start": start, "mode": mode, "speed": speed}, "seed": seed}
    if strict is not None:
        raw["conformance"] = {"strict": strict}
    core = proven_core_settings(raw)
    assert core is not None
    assert core == _core(validate_world(raw, "<test>", {}))
