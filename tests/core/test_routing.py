async def test_prefix_and_host_routing_reach_the_provider(simulator):
    async with simulator.request("GET", "/mtt-telecom/no/such/path") as resp:
        assert resp.status == 404
    async with simulator.request("GET", "/no/such/path", headers={"Host": "webapicommon.mtt.ru"}) as resp:
        assert resp.status == 404
    async with simulator.request("GET", "/x", headers={"Host": "webapicommon.mtt.ru:8080"}) as resp:
        assert resp.status == 404
    entries = simulator.journal(direction="in")
    assert [e["provider"] for e in entries] == ["mtt-telecom"] * 3
    assert [e["path"] for e in entries] == ["/no/such/path", "/no/such/path", "/x"]


async def test_control_api_clock(simulator):
    async with simulator.request("GET", "/_sim/clock") as resp:
        clock = await resp.json()
    assert clock["mode"] == "manual"
    async with simulator.request("POST", "/_sim/clock", json={"advance": 90}) as resp:
        after = await resp.json()
    assert after["epoch"] - clock["epoch"] == 90
