"""The worked example 4.5.1 as a scenario file."""
import json
from pathlib import Path

from simulator.scenario import run_scenario_file

from .helpers import OPENAPI

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios" / "mts-vpbx"


async def test_451_ivr_queue_scenario():
    report = await run_scenario_file(SCENARIOS / "4.5.1-ivr-queue.yaml")
    assert report.passed, report.text()
    # the scenario's own simulator is not the fixture's: check its JSON answers against the contract here
    requests = [s for s in report.steps if s.kind == "request"]
    assert len(requests) == 4
    for step in requests:
        method, path, _, status = step.detail.split(";")[0].split(" ")[:4]
        _, op = OPENAPI.operation(method, path)
        documented = (OPENAPI.documented_response(op, int(status)) or {}).get("content") or {} if op else {}
        if isinstance(step.data, (dict, list)) and "application/json" in documented:
            OPENAPI.check_response(method, path, int(status), json.dumps(step.data), "application/json")
    page = requests[0].data
    ivr, queue, busy, agent = page["content"]
    # the document's links: IVR and queue share the IVR's call half; both agents the queue's
    assert ivr["callGroupId"] == queue["callGroupId"] == ivr["extTrackingId"].split("callhalf-")[1][:-2]
    assert busy["callGroupId"] == agent["callGroupId"] == queue["extTrackingId"].split("callhalf-")[1][:-2]
    assert ivr["duration"] == queue["duration"] + (queue["callTime"] - ivr["callTime"]) // 1000


async def test_451_events_and_recording(simulator, api, callback_sink):
    from .helpers import TOKEN_E30770

    status, _ = await api("POST", "/api/service/webhook", token=TOKEN_E30770,
                          json={"callbackUrl": callback_sink.url("/wh"), "clientApiKey": "e3"})
    assert status == 200
    await simulator.start_call("mts-vpbx", "+79121112233", "+79165817777", caller={"dtmf": "2"})
    await simulator.advance(70)  # the IVR prompt, key 2, agent 1 busy, 61 s, agent 2 rings
    _, calls = await api("GET", "/api/user/30802/calls", token=TOKEN_E30770)
    assert len(calls) == 1
    await simulator.advance(60)
    evs = [r.json() for r in callback_sink.received("/wh") if r.json()["eventType"] != "CHECK_ALIVE"]
    assert {e["abonentId"] for e in evs} == {30802}  # the busy agent's phone never rang
    assert [e["eventType"] for e in evs] == ["CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]
    assert evs[0]["payload"]["remotePartyAddress"] == "tel:+79121112233"
    _, page = await api("GET", "/api/v1/callHistory/enterprise", token=TOKEN_E30770)
    agent = page["content"][-1]
    assert agent["callingNumber"] == "718" and agent["extTrackingId"].startswith(evs[0]["payload"]["extTrackingId"])
    status, mp3 = await api("GET", f"/api/callRecording/mp3/{agent['extTrackingId']}", token=TOKEN_E30770)
    assert status == 200 and len(mp3) > 100
