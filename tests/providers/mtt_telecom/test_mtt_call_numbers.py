"""POST /_sim/calls for a number no customer owns: 422 naming the numbers that would work
(Provider.number_owner / call_numbers); owned sip_ids and their numbers still place calls."""
import pytest

from simulator.sim import UnknownNumber

from .conftest import SLUG


def owned(simulator):
    p = simulator.sim.providers[SLUG]
    return p, next(iter(p.state.accounts.values()))


async def test_number_owner_and_call_numbers(simulator):
    p, ref = owned(simulator)
    from simulator.providers.mtt_telecom.state import number_of
    number = number_of(ref.sip_id, ref.account)
    assert p.number_owner(ref.sip_id, "inbound") == ref.tenant_id
    assert p.number_owner(number, "inbound") == ref.tenant_id
    assert p.number_owner("+" + number, "outbound") == ref.tenant_id
    assert p.number_owner("74990009999", "inbound") is None
    known = p.call_numbers("inbound")
    assert set(known) == set(p.state.world.tenants)
    assert number in known[ref.tenant_id] and ref.sip_id in known[ref.tenant_id]


@pytest.mark.parametrize("direction", ["inbound", "outbound"])
async def test_a_call_for_a_number_no_customer_owns_is_422(simulator, direction):
    p, ref = owned(simulator)
    inbound = direction == "inbound"
    number = "74990009999"
    body = {"provider": SLUG, "direction": direction,
            "from": "79219462761" if inbound else number, "to": number if inbound else "79219462761"}
    async with simulator.request("POST", "/_sim/calls", json=body) as resp:
        assert resp.status == 422
        message = (await resp.json())["error"]
    assert message.startswith(f"{SLUG}: no tenant owns {number}")
    assert f"{ref.tenant_id}: " in message and ref.sip_id in message
    assert simulator.sim.engine.calls == {}


async def test_owned_numbers_still_place_calls(simulator):
    p, ref = owned(simulator)
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": SLUG, "from": "79031234567", "to": ref.sip_id}) as resp:
        assert resp.status == 201
    with pytest.raises(UnknownNumber, match="no tenant owns"):
        await simulator.start_call(SLUG, "79031234567", "74990009999")
    call = await simulator.start_call(SLUG, "79031234567", "74990009999", allow_unknown=True)
    assert call is not None
