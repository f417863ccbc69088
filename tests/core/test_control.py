"""The /_sim control API: calls, journal filters, faults, events, OpenAPI."""
import asyncio
import json

import jsonschema
import pytest

from simulator.control.openapi import openapi_document


async def test_start_a_call_and_follow_its_timeline(simulator):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": "mtt-telecom", "from": "+74950000001", "to": "+79161234567",
            "script": {"+79161234567": {"answer_after": 2, "hangup_after": 10}}}) as resp:
        assert resp.status == 201
        call = await resp.json()
    async with simulator.request("GET", "/_sim/calls") as resp:
        assert [c["id"] for c in await resp.json()] == [call["id"]]
    await simulator.advance(12)
    async with simulator.request("GET", f"/_sim/calls/{call['id']}") as resp:
        full = await resp.json()
    assert full["state"] == "ended" and full["cause"] == 16
    events = [t["event"] for t in full["timeline"]]
    assert events[0] == "call.created" and "call.bridged" in events and events[-1] == "call.finished"
    assert full["timeline"][-1]["t"] - full["started_at"] == 12
    async with simulator.request("GET", "/_sim/calls?finished=1") as resp:
        assert len(await resp.json()) == 1
    async with simulator.request("GET", "/_sim/calls/nope") as resp:
        assert resp.status == 404


@pytest.mark.parametrize("body,status", [
    ({"provider": "nope", "from": "1", "to": "2"}, 404),
    ({"provider": "mtt-telecom", "to": "2"}, 422),
    ({"provider": "mtt-telecom", "from": "1", "to": "2", "script": {"2": {"busy": "maybe"}}}, 422),
])
async def test_bad_call_requests(simulator, body, status):
    async with simulator.request("POST", "/_sim/calls", json=body) as resp:
        assert resp.status == status and "error" in await resp.json()


async def test_hangup_through_the_control_api(simulator):
    call = await simulator.start_call("mtt-telecom", "+74950000001", "+79161234567")
    await simulator.advance(5)
    async with simulator.request("POST", f"/_sim/calls/{call.id}/hangup") as resp:
        assert resp.status == 200
    assert call.ended


async def test_journal_filters(simulator):
    for path in ("/mtt-telecom/a", "/mtt-business/b", "/mtt-telecom/c"):
        async with simulator.request("GET", path):
            pass
    async with simulator.request("GET", "/_sim/journal?provider=mtt-telecom&direction=in") as resp:
        entries = await resp.json()
    assert [e["path"] for e in entries] == ["/a", "/c"]
    async with simulator.request("GET", f"/_sim/journal?since={entries[0]['id']}") as resp:
        assert [e["path"] for e in await resp.json()] == ["/b", "/c"]
    async with simulator.request("GET", "/_sim/journal?limit=1&kind=request") as resp:
        assert [e["path"] for e in await resp.json()] == ["/c"]
    async with simulator.request("GET", "/_sim/journal?direction=out") as resp:
        assert await resp.json() == []
    async with simulator.request("GET", "/_sim/journal?since=x") as resp:
        assert resp.status == 400


async def test_faults_respond_delay_drop_and_expire(simulator):
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": "mtt-telecom", "method": "GET", "path": "/api/*", "action": "respond",
            "status": 503, "body": {"down": True}, "times": 2}) as resp:
        assert resp.status == 201
    for _ in range(2):
        async with simulator.request("GET", "/mtt-telecom/api/x") as resp:
            assert resp.status == 503 and await resp.json() == {"down": True}
    async with simulator.request("GET", "/mtt-telecom/api/x") as resp:
        assert resp.status == 404  # rule used up
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": "mtt-telecom", "action": "delay", "delay": 30}) as resp:
        rule = await resp.json()
    task = asyncio.ensure_future(simulator.session.get(simulator.url("mtt-telecom", "/slow")))
    await simulator.settle()
    assert not task.done()
    await simulator.advance(30)
    resp = await task
    assert resp.status == 404
    resp.release()
    async with simulator.request("DELETE", f"/_sim/faults/{rule['id']}") as resp:
        assert resp.status == 200
    async with simulator.request("POST", "/_sim/faults", json={"action": "drop", "path": "/drop"}) as resp:
        assert resp.status == 201
    with pytest.raises(Exception):
        async with simulator.request("GET", "/mtt-business/drop") as resp:
            await resp.read()
    async with simulator.request("DELETE", "/_sim/faults") as resp:
        assert await resp.json() == []
    async with simulator.request("GET", "/_sim/faults") as resp:
        assert await resp.json() == []


async def test_fault_validation(simulator):
    async with simulator.request("POST", "/_sim/faults", json={"action": "explode"}) as resp:
        assert resp.status == 422
    async with simulator.request("POST", "/_sim/faults", json={"action": "native"}) as resp:
        assert resp.status == 422
    async with simulator.request("POST", "/_sim/faults", json={"action": "drop", "provider": "zz"}) as resp:
        assert resp.status == 404
    async with simulator.request("DELETE", "/_sim/faults/77") as resp:
        assert resp.status == 404


async def test_native_fault_uses_the_provider_renderer(simulator):
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": "mtt-business", "action": "native", "native": "503"}) as resp:
        assert resp.status == 201
    async with simulator.request("GET", "/mtt-business/anything") as resp:
        assert resp.status == 503


async def test_clock_commands(simulator):
    async with simulator.request("POST", "/_sim/clock", json={"speed": 60}) as resp:
        assert (await resp.json())["mode"] == "accelerated"
    async with simulator.request("POST", "/_sim/clock", json={"mode": "manual"}) as resp:
        assert (await resp.json())["mode"] == "manual"
    async with simulator.request("POST", "/_sim/clock", json={}) as resp:
        assert resp.status == 422
    async with simulator.request("POST", "/_sim/clock", json={"advance": -5}) as resp:
        assert resp.status == 422


async def test_event_stream_carries_engine_events_and_journal(simulator):
    resp = await simulator.session.get(simulator.base_url + "/_sim/events")
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    await simulator.start_call("mtt-telecom", "+74950000001", "+79161234567")
    await simulator.advance(1)
    seen = []
    while not any(l.startswith(b"event: engine") for l in seen):
        seen.append(await asyncio.wait_for(resp.content.readline(), 5))
    data_line = await resp.content.readline()
    assert json.loads(data_line[len(b"data: "):])["type"] == "call.created"
    resp.close()


async def test_openapi_is_served_and_valid(simulator):
    async with simulator.request("GET", "/_sim/openapi.json") as resp:
        doc = await resp.json()
    assert doc == json.loads(json.dumps(openapi_document()))
    assert doc["openapi"].startswith("3.1")
    # every path in the document is routed by the app
    routed = {r.resource.canonical for r in simulator.app.router.routes() if r.resource is not None}
    for path in doc["paths"]:
        assert path in routed or path == "/_sim/recordings/{file}", path
    # component schemas are valid JSON Schema
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


async def test_dashboard_and_providers(simulator):
    async with simulator.request("GET", "/_sim/") as resp:
        assert "telsim" in await resp.text()
    async with simulator.request("GET", "/_sim/providers") as resp:
        slugs = [p["slug"] for p in await resp.json()]
    assert {"mtt-business", "mtt-telecom"} <= set(slugs)
