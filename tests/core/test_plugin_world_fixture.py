"""A test module chooses its world by overriding the plugin's ``simulator_world`` fixture."""
import pytest
import yaml


@pytest.fixture
def simulator_world(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump({"name": "small", "seed": 5, "parties": {"default": {"busy": True}}}))
    return path


async def test_the_overridden_world_file_is_used(simulator):
    assert simulator.sim.world.name == "small" and simulator.sim.world.seed == 5
    call = await simulator.start_call("mtt-telecom", "+70000000001", "+70000000002", allow_unknown=True)
    await simulator.advance(1)
    assert call.cause == 17


@pytest.mark.telsim_patch({"name": "patched"})
async def test_a_patch_marker_applies_on_top(simulator):
    assert simulator.sim.world.name == "patched" and simulator.sim.world.seed == 5
