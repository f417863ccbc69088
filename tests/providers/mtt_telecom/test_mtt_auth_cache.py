"""Accepted Basic credentials are remembered per state (auth.py): a remembered value never
lets other credentials in, and a world change of the credentials takes effect at once."""
from __future__ import annotations

from .conftest import API, SLUG

from simulator.providers.mtt_telecom.auth import ACCEPTED_MAX


async def test_remembered_credentials_stay_exact_and_follow_world_changes(simulator, rpc):
    for _ in range(2):
        assert (await rpc("getCustomerBalance", ["110000000"]))[0] == 200
    provider = simulator.sim.providers[SLUG]
    assert len(provider.state.accepted) == 1
    assert (await rpc("getCustomerBalance", ["110000000"], auth=(API[0], API[1] + "x")))[0] == 401
    assert (await rpc("getCustomerBalance", ["110000000"], auth=(API[0], API[1][:-1])))[0] == 401
    # the same Authorization value on a host it does not open
    assert (await rpc("addNumbers", {}, path="/v1/api"))[0] == 401
    simulator.patch_world({"providers": {SLUG: {"tenants": {"romashka": {
        "webapicommon": {"login": API[0], "password": "Changed-2026"}}}}}})
    assert (await rpc("getCustomerBalance", ["110000000"]))[0] == 401, "the old password is refused"
    assert (await rpc("getCustomerBalance", ["110000000"], auth=(API[0], "Changed-2026")))[0] == 200


async def test_the_memory_is_bounded(simulator, rpc):
    provider = simulator.sim.providers[SLUG]
    provider.state.accepted.update({("webapicommon", f"Basic {i}"): "romashka" for i in range(ACCEPTED_MAX)})
    assert (await rpc("getCustomerBalance", ["110000000"]))[0] == 200
    assert len(provider.state.accepted) == 1
