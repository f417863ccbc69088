"""PATCH /_sim/world refuses what it cannot merge and validate quickly, before doing either."""
import time

import pytest

from simulator.world import WorldError
from simulator.world.models import MAX_PARTY_NUMBERS
from simulator.world.store import MAX_PATCH_VALUES, check_patch_size


async def test_too_many_parties_are_refused_and_the_world_is_unchanged(simulator):
    before = simulator.sim.world_store.dump()
    parties = {str(79000000000 + i): {"answer_after": 1} for i in range(MAX_PARTY_NUMBERS + 1)}
    async with simulator.request("PATCH", "/_sim/world", json={"parties": {"numbers": parties}}) as resp:
        assert resp.status == 422
        assert f"at most {MAX_PARTY_NUMBERS} numbers" in (await resp.json())["error"]
    assert simulator.sim.world_store.dump() == before


def test_many_parties_are_refused_without_walking_them():
    patch = {"parties": {"numbers": dict.fromkeys(map(str, range(MAX_PARTY_NUMBERS * 2)), {"reject": 17})}}
    started = time.perf_counter()
    with pytest.raises(WorldError, match="at most"):
        check_patch_size(patch)
    assert time.perf_counter() - started < 0.05


def test_any_patch_is_bounded_by_its_values():
    with pytest.raises(WorldError, match=f"at most {MAX_PATCH_VALUES} values"):
        check_patch_size({"providers": {"mts-vpbx": {"x": [0] * (MAX_PATCH_VALUES + 1)}}})
    check_patch_size({"providers": {"mts-vpbx": {"x": [0] * 1000}}})
