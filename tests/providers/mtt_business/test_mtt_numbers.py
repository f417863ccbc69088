"""POST /_sim/calls for a number no customer owns: 422 naming the numbers that would work
(Provider.number_owner / call_numbers)."""
import pytest

from simulator.sim import UnknownNumber

from .conftest import ROMASHKA, SEVER, SLUG, SOKOLOV


async def test_number_owner_and_call_numbers(simulator):
    p = simulator.sim.providers[SLUG]
    assert p.number_owner("74996497803", "inbound") == SEVER
    assert p.number_owner("+7 499 649-78-03", "inbound") == SEVER        # by digits
    assert p.number_owner("74990000000", "inbound") is None
    assert p.number_owner("883140582526566", "outbound") == ROMASHKA     # a workplace SIP ID
    assert p.number_owner("883140582526570", "outbound") == ROMASHKA     # a terminal SIP ID
    assert p.number_owner("74996497803", "outbound") is None            # an external number places no call
    inbound, outbound = p.call_numbers("inbound"), p.call_numbers("outbound")
    assert set(inbound) == set(outbound) == {ROMASHKA, SEVER, SOKOLOV}
    assert "74993807700" in inbound[SOKOLOV] and "883140582526566" in outbound[ROMASHKA]


@pytest.mark.parametrize("direction,number,works", [
    ("inbound", "74990009999", f"{SEVER}: 74996497803"),
    ("outbound", "883140000000000", "883140582526566"),
])
async def test_a_call_for_a_number_no_customer_owns_is_422(simulator, direction, number, works):
    inbound = direction == "inbound"
    body = {"provider": SLUG, "direction": direction,
            "from": "79219462761" if inbound else number, "to": number if inbound else "79219462761"}
    async with simulator.request("POST", "/_sim/calls", json=body) as resp:
        assert resp.status == 422
        message = (await resp.json())["error"]
    assert message.startswith(f"{SLUG}: no tenant owns {number}") and works in message
    assert simulator.sim.engine.calls == {}


async def test_owned_numbers_still_place_calls(simulator):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": SLUG, "from": "78124241500", "to": "74996497803"}) as resp:
        assert resp.status == 201
    call = await simulator.start_call(SLUG, "883140582526566", "+79219462761", direction="outbound")
    assert call.tenant == ROMASHKA
    with pytest.raises(UnknownNumber, match="no tenant owns"):
        await simulator.start_call(SLUG, "78124241500", "74990009999")
