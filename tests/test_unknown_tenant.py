"""POST /_sim/calls naming a tenant the provider does not have is a 422, not a silent call."""
import pytest


@pytest.mark.parametrize("provider,to", [
    ("mts-vpbx", "+79160001735"),
    ("beeline-cloudcc", "74957850000"),
    ("mts-autosecretary", "4954071111"),
])
async def test_unknown_tenant_is_refused(simulator, provider, to):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": provider, "from": "+79161234567", "to": to, "tenant": "no-such-tenant"}) as resp:
        assert resp.status == 422
        assert "no-such-tenant" in (await resp.json())["error"]
    assert simulator.sim.engine.calls == {}
