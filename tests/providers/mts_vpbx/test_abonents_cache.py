"""GET /api/abonents answers bytes serialised once per change of the enterprise's directory."""
from pydantic_core import to_json

KEY = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}  # the document's key (tenant X214)


async def abonents(simulator):
    async with simulator.request("GET", "/mts-vpbx/api/abonents", headers=KEY) as resp:
        assert resp.status == 200 and resp.content_type == "application/json"
        return await resp.read()


async def test_the_cached_list_is_the_rendered_list_and_follows_world_patches(simulator):
    provider = simulator.sim.providers["mts-vpbx"]
    first = await abonents(simulator)
    ent = provider.backend.by_bwks_id["X214"]
    assert first == to_json(ent.list_abonents()) == await abonents(simulator)
    assert ent.abonents_json() is ent.abonents_json()  # made once
    patch = {"providers": {"mts-vpbx": {"enterprises": {"X214": {"abonents": {"1735": {"firstName": "Пётр"}}}}}}}
    async with simulator.request("PATCH", "/_sim/world", json=patch) as resp:
        assert resp.status == 200, await resp.text()
    after = await abonents(simulator)
    assert after != first and "Пётр".encode() in after
    assert after == to_json(provider.backend.by_bwks_id["X214"].list_abonents())


async def test_filters_are_not_cached(simulator):
    async with simulator.request("GET", "/mts-vpbx/api/abonents?extension=201", headers=KEY) as resp:
        [one] = await resp.json()
    assert one["extension"] == "201"
