"""World files: loading, errors naming the field, schema kept in step, patch and reset."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.contracts import generated
from simulator.settings import Settings
from simulator.sim import Simulator
from simulator.world import DEFAULT_WORLD, WorldError, faker_for, load_world, read_world_file

ROOT = Path(__file__).resolve().parents[2]


def test_default_world_loads():
    raw, world = load_world()
    assert world.seed == raw["seed"]
    assert world.clock.start.isoformat().startswith("2026-")


def test_generated_contracts_are_in_step_with_the_models():
    for path, text in generated().items():
        assert path.exists(), f"{path} missing: run python -m simulator.contracts"
        current = path.read_text(encoding="utf-8")
        same = json.loads(current) == json.loads(text) if path.suffix == ".json" else current == text
        assert same, f"{path.name} is stale: run python -m simulator.contracts"


def test_default_world_validates_against_the_published_schema():
    import jsonschema
    schema = json.loads((ROOT / "contracts" / "world.schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(read_world_file(DEFAULT_WORLD), default=str)), schema)


@pytest.mark.parametrize("text,needle", [
    ("seed: [1", "not valid YAML (line"),
    ("- a\n- b\n", "(top): the world must be a mapping"),
    ("seed: many\n", "seed: Input should be a valid integer"),
    ("parties: {numbers: {'+7': {answer_after: -1}}}\n", "parties.numbers.+7.answer_after"),
    ("clock: {mode: sideways}\n", "clock.mode"),
    ("unknown_key: 1\n", "unknown_key: Extra inputs are not permitted"),
])
def test_bad_world_files_name_file_field_and_problem(tmp_path, text, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(WorldError) as err:
        load_world(path)
    assert str(err.value).startswith(str(path)) and needle in str(err.value)


def test_missing_world_file(tmp_path):
    with pytest.raises(WorldError, match="cannot read"):
        load_world(tmp_path / "nope.yaml")


def test_same_seed_gives_identical_generated_data():
    first = [faker_for(7, "x", "t").name() for _ in range(3)]
    again = [faker_for(7, "x", "t").name() for _ in range(3)]
    assert first[0] == again[0]
    a = Simulator(Settings(manual_clock=True, access_log=False))
    b = Simulator(Settings(manual_clock=True, access_log=False))
    assert json.dumps(a.world_store.dump(), sort_keys=True) == json.dumps(b.world_store.dump(), sort_keys=True)
    snap = lambda s: {slug: p.snapshot() for slug, p in s.providers.items()}  # noqa: E731
    assert json.dumps(snap(a), sort_keys=True, default=str) == json.dumps(snap(b), sort_keys=True, default=str)
    assert all(snap(a)[slug] for slug in ("mts-vpbx", "beeline-cloudcc", "mts-autosecretary"))
    other = Simulator(Settings(manual_clock=True, access_log=False, seed=12345))
    for slug in ("mts-vpbx", "beeline-cloudcc", "mts-autosecretary"):
        assert json.dumps(snap(other)[slug], sort_keys=True, default=str) != \
            json.dumps(snap(a)[slug], sort_keys=True, default=str), f"{slug} ignores the seed"


async def test_patch_changes_the_running_world_and_reset_restores_it(simulator):
    before = simulator.sim.world_store.dump()
    async with simulator.request("PATCH", "/_sim/world", json={
            "parties": {"numbers": {"+79990000000": {"busy": True}}}}) as resp:
        assert resp.status == 200
        assert (await resp.json())["parties"]["numbers"]["+79990000000"]["busy"] is True
    assert simulator.sim.party_behaviour("89990000000").busy
    async with simulator.request("PATCH", "/_sim/world", json={"seed": "x"}) as resp:
        assert resp.status == 422 and "seed" in (await resp.json())["error"]
    async with simulator.request("PATCH", "/_sim/world", data=b"{nope") as resp:
        assert resp.status == 400
    await simulator.advance(100)
    await simulator.start_call("mtt-telecom", "+74950000001", "+74950000002", allow_unknown=True)
    async with simulator.request("POST", "/_sim/reset") as resp:
        assert resp.status == 200
    assert simulator.sim.world_store.dump() == before
    assert simulator.sim.engine.calls == {} and len(simulator.journal()) == 0
    async with simulator.request("GET", "/_sim/world") as resp:
        assert await resp.json() == before


def test_world_cli_validate_and_schema(tmp_path, capsys):
    assert main(["world", "validate", str(DEFAULT_WORLD)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "w.yaml"
    bad.write_text(yaml.safe_dump({"clock": {"speed": -2}}))
    assert main(["world", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "clock.speed" in err
    assert main(["world", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "telsim world file"


async def test_reset_restores_generated_history_clock_and_ids_exactly(simulator):
    sim = simulator.sim
    snapshot = lambda: json.dumps({s: p.snapshot() for s, p in sim.providers.items()},  # noqa: E731
                                  sort_keys=True, default=str)
    before, start = snapshot(), sim.clock.now()
    first = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", record=True)
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"abonents": {
        "1735": {"firstName": "Пётр"}}}}}}})
    async with simulator.request("POST", "/_sim/faults", json={"action": "respond", "status": 503}):
        pass
    await simulator.advance(600)
    assert first.ended and sim.engine.recordings.for_call(first.id) is not None
    async with simulator.request("POST", "/_sim/reset") as resp:
        assert resp.status == 200
    assert snapshot() == before and sim.clock.now() == start and sim.clock.mode == "manual"
    assert not sim.faults and not sim.engine.finished and len(sim.engine.recordings) == 0
    again = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    assert again.id == first.id


async def test_patch_is_a_json_merge_patch(simulator):
    async with simulator.request("PATCH", "/_sim/world", json={
            "callbacks": {"allow_hosts": ["a.test", "b.test"]},
            "parties": {"numbers": {"+79031112233": None, "+70000000009": {"reject": 2}}}},
            headers={"Content-Type": "application/merge-patch+json"}) as resp:
        world = await resp.json()
    assert world["callbacks"] == {"allow_hosts": ["a.test", "b.test"], "timeout": None,
                                  "connections": 8}  # siblings kept
    assert "+79031112233" not in world["parties"]["numbers"]  # null removes
    assert "+79161234567" in world["parties"]["numbers"]
    assert simulator.sim.party_behaviour("+70000000009").reject == 2
    async with simulator.request("PATCH", "/_sim/world", json={"callbacks": {"allow_hosts": ["c.test"]}}) as resp:
        assert (await resp.json())["callbacks"]["allow_hosts"] == ["c.test"]  # arrays are replaced whole


async def test_patch_reaches_the_provider_as_a_portal_change(simulator):
    seen = []
    provider = simulator.sim.providers["mtt-telecom"]
    provider.world_changed = lambda old, new: seen.append((old is not None, new is not None))
    simulator.patch_world({"parties": {"default": {"busy": True}}})
    assert seen == []  # not its section
    section = simulator.sim.world_store.dump()["providers"]["mtt-telecom"]
    simulator.patch_world({"providers": {"mtt-telecom": {k: section[k] for k in list(section)[:1]}}})
    assert seen == []  # no change
    simulator.patch_world({"providers": {"mtt-telecom": None}})
    assert seen == [(True, False)]


def test_serve_refuses_a_bad_world_in_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("parties:\n  numbers:\n    '+79990000000': {answer_after: soon}\n")
    out = subprocess.run([sys.executable, "-m", "simulator.cli", "serve", "--world", str(bad), "--port", "0"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert str(bad) in out.stderr and "parties.numbers.+79990000000.answer_after" in out.stderr
    assert "valid number" in out.stderr
