"""The /_sim control API: calls, journal filters, faults, events, OpenAPI."""
import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import jsonschema
import pytest

from simulator.control.openapi import openapi_document
from simulator.delivery import Callback
from simulator.engine.audio import wav_info

ROOT = Path(__file__).resolve().parents[2]


async def test_start_a_call_and_follow_its_timeline(simulator):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": "mtt-telecom", "from": "+74950000001", "to": "+79161234567", "allow_unknown": True,
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
    call = await simulator.start_call("mtt-telecom", "+74950000001", "+79161234567", allow_unknown=True)
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
    await simulator.start_call("mtt-telecom", "+74950000001", "+79161234567", allow_unknown=True)
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
    # component schemas are valid JSON Schema
    for name, schema in doc["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)


async def test_dashboard_and_providers(simulator):
    async with simulator.request("GET", "/_sim/") as resp:
        assert "telsim" in await resp.text()
    async with simulator.request("GET", "/_sim/providers") as resp:
        slugs = [p["slug"] for p in await resp.json()]
    assert {"mtt-business", "mtt-telecom"} <= set(slugs)


async def test_control_errors_are_json(simulator):
    for method, path, status in (("GET", "/_sim/nope", 404), ("PUT", "/_sim/clock", 405),
                                 ("GET", "/_sim/recordings/rec-000001.ogg", 404),
                                 ("GET", "/_sim/recordings/rec-000001.wav", 404)):
        async with simulator.request(method, path) as resp:
            assert resp.status == status and (await resp.json())["error"], path
    async with simulator.request("PUT", "/_sim/clock") as resp:
        assert "POST" in resp.headers["Allow"]


async def test_call_json_shows_no_engine_internals(simulator):
    async with simulator.request("POST", "/_sim/calls", json={
            "provider": "mtt-telecom", "from": "+74950000001", "to": "+79161234567", "allow_unknown": True,
            "meta": {"case": 7}}) as resp:
        call = await resp.json()
    assert call["meta"] == {"case": 7}


@pytest.mark.parametrize("command,mode,speed", [
    ({"speed": 60}, "accelerated", 60), ({"speed": 1}, "real", 1), ({"mode": "real"}, "real", 1),
    ({"mode": "accelerated", "speed": 5}, "accelerated", 5), ({"mode": "manual", "speed": 7}, "manual", 7),
])
async def test_clock_modes(simulator, command, mode, speed):
    async with simulator.request("POST", "/_sim/clock", json=command) as resp:
        clock = await resp.json()
    assert (resp.status, clock["mode"], clock["speed"]) == (200, mode, speed)


@pytest.mark.parametrize("command", [
    {}, {"advance": -5}, {"mode": "real", "speed": 5}, {"mode": "accelerated"}, {"mode": "sideways"},
    {"speed": 0}, {"advance": "soon"}, {"advance": 1, "extra": 1}, [1],
])
async def test_bad_clock_commands(simulator, command):
    async with simulator.request("POST", "/_sim/clock", json=command) as resp:
        assert resp.status == 422 and (await resp.json())["error"]
    for raw in (b'{"advance": NaN}', b'{"speed": Infinity}'):
        async with simulator.request("POST", "/_sim/clock", data=raw) as resp:
            assert resp.status == 422
    assert simulator.clock.mode == "manual"


async def test_advance_through_the_api_fires_timers_in_time_order(simulator):
    fired = []
    start = simulator.clock.now()
    for delay in (30, 10, 20):
        simulator.clock.call_later(delay, lambda d=delay: fired.append((d, simulator.clock.now() - start)))
    async with simulator.request("POST", "/_sim/clock", json={"advance": 25}) as resp:
        assert (await resp.json())["fired"] >= 2
    assert fired == [(10, 10), (20, 20)]


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_journal_entries_and_more_filters(simulator, callback_sink):
    key = "215ef687-e898-419d-810c-2864efc0b1d0"
    async with simulator.request("GET", "/mts-vpbx/api/abonents?q=1", headers={"X-AUTH-TOKEN": key}):
        pass
    async with simulator.request("POST", "/mtt-telecom/x", data=b'{"a": 1}'):
        pass
    [entry] = simulator.journal(tenant="X214")
    assert entry["provider"] == "mts-vpbx" and entry["method"] == "GET" and entry["path"] == "/api/abonents"
    assert entry["query"] == "q=1" and entry["request_headers"]["X-AUTH-TOKEN"] == key
    assert entry["status"] == 200 and entry["response_body"].startswith("[")
    assert entry["latency_ms"] >= 0 and entry["sim_time"] and entry["wall_time"]
    [posted] = simulator.journal(provider="mtt-telecom")
    assert posted["request_body"] == '{"a": 1}' and posted["status"] == 404
    simulator.sim.delivery.send(Callback(provider="mtt-telecom", url=callback_sink.url("/h"), kind="EVT",
                                         body="{}", call_id="call-9"))
    await simulator.settle()
    [out] = simulator.journal(call_id="call-9")
    assert (out["direction"], out["url"], out["attempt"], out["status"], out["request_body"]) == \
        ("out", callback_sink.url("/h"), 1, 200, "{}")
    for query, status in (("limit=0", 200), ("limit=-1", 400), ("direction=sideways", 400)):
        async with simulator.request("GET", f"/_sim/journal?{query}") as resp:
            assert resp.status == status
            if status == 200:
                assert await resp.json() == []


async def test_fault_probability_is_seeded_and_reset_restores_it(simulator):
    async def pattern():
        async with simulator.request("POST", "/_sim/faults", json={
                "provider": "mtt-telecom", "action": "respond", "status": 503, "probability": 0.5}):
            pass
        statuses = []
        for _ in range(30):
            async with simulator.request("GET", "/mtt-telecom/x") as resp:
                statuses.append(resp.status)
        return statuses

    first = await pattern()
    assert set(first) == {404, 503}
    async with simulator.request("POST", "/_sim/reset"):
        pass
    async with simulator.request("GET", "/_sim/faults") as resp:
        assert await resp.json() == []
    assert await pattern() == first


async def test_a_dropped_connection_is_journalled_without_a_server_error(simulator, caplog):
    async with simulator.request("POST", "/_sim/faults", json={"action": "drop", "path": "/x"}):
        pass
    with caplog.at_level(logging.ERROR):
        with pytest.raises(aiohttp.ClientError):
            async with simulator.request("GET", "/mtt-telecom/x") as resp:
                await resp.read()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    entries = simulator.journal(direction="in")
    assert entries and all(e["status"] is None and e["error"] == "dropped" for e in entries)


async def test_respond_fault_headers_and_content_type(simulator):
    async with simulator.request("POST", "/_sim/faults", json={
            "action": "respond", "status": 429, "body": {"limit": 1}, "times": 1,
            "headers": {"Retry-After": "5", "Content-Type": "application/problem+json"}}):
        pass
    async with simulator.request("POST", "/_sim/faults", json={
            "action": "respond", "status": 502, "body": "<e/>", "times": 1,
            "content_type": "text/xml; charset=utf-8"}):
        pass
    async with simulator.request("GET", "/mtt-telecom/x") as resp:
        assert resp.status == 429 and resp.headers["Retry-After"] == "5"
        assert resp.headers["Content-Type"] == "application/problem+json"
        assert await resp.json(content_type=None) == {"limit": 1}
    async with simulator.request("GET", "/mtt-telecom/x") as resp:
        assert resp.status == 502 and resp.headers["Content-Type"] == "text/xml; charset=utf-8"
        assert await resp.text() == "<e/>"


@pytest.mark.parametrize("rule", [
    {"action": "respond", "headers": {"Bad Header": "x"}},
    {"action": "respond", "headers": {"X-A": "a\r\nInjected: 1"}},
    {"action": "respond", "content_type": "text/plain\r\nX: 1"},
    {"action": "respond", "status": 101},
    {"action": "native", "provider": "mtt-telecom", "native": "999"},
    {"action": "delay", "delay": float("inf")},
])
async def test_faults_that_could_not_be_sent_are_refused(simulator, rule):
    async with simulator.request("POST", "/_sim/faults", data=json.dumps(rule)) as resp:
        assert resp.status == 422 and (await resp.json())["error"]


async def test_fault_id_and_hits_are_set_by_the_simulator(simulator):
    async with simulator.request("POST", "/_sim/faults", json={"action": "respond", "id": 50, "hits": 9}) as resp:
        rule = await resp.json()
    assert rule["id"] != 50 and rule["hits"] == 0


async def test_openapi_paths_and_methods_match_the_routes_both_ways(simulator):
    doc = json.loads((ROOT / "contracts" / "control" / "openapi.json").read_text(encoding="utf-8"))
    async with simulator.request("GET", "/_sim/openapi.json") as resp:
        assert await resp.json() == doc
    routed = {(r.resource.canonical, r.method.lower()) for r in simulator.app.router.routes()
              if r.resource is not None and r.resource.canonical.startswith("/_sim") and r.method != "HEAD"}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routed == documented


async def test_recordings_are_served_as_wav_and_mp3(simulator):
    call = await simulator.start_call("mtt-telecom", "+74950000001", "+79161234567", record=True, allow_unknown=True,
                                      script={"+79161234567": {"answer_after": 1, "hangup_after": 4}})
    await simulator.advance(10)
    assert call.recording_id
    async with simulator.request("GET", f"/_sim/recordings/{call.recording_id}.wav") as resp:
        assert resp.headers["Content-Type"] == "audio/wav"
        assert wav_info(await resp.read()) == (1, 2, 8000, 4)
    async with simulator.request("GET", f"/_sim/recordings/{call.recording_id}.mp3") as resp:
        assert resp.headers["Content-Type"] == "audio/mpeg" and (await resp.read())[:1] in (b"\xff", b"I")
