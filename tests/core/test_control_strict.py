"""Clock commands take numbers only: JSON booleans and numeric strings are mistakes."""
import pytest


@pytest.mark.parametrize("command", [{"advance": False}, {"advance": True}, {"advance": "30"},
                                     {"speed": True}, {"speed": "2"}])
async def test_clock_numbers_are_numbers(simulator, command):
    before = simulator.clock.now()
    async with simulator.request("POST", "/_sim/clock", json=command) as resp:
        assert resp.status == 422 and (await resp.json())["error"]
    assert simulator.clock.now() == before and simulator.clock.mode == "manual"


async def test_integer_advance_still_works(simulator):
    before = simulator.clock.now()
    async with simulator.request("POST", "/_sim/clock", json={"advance": 30}) as resp:
        assert resp.status == 200
    assert simulator.clock.now() == before + 30
