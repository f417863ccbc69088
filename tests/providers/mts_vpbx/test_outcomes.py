"""Every outcome of an inbound call to an abonent: events (4.7), history (4.5), the caller's cause;
blind transfer of a ringing call; which abonents each mechanism covers; tenant isolation on writes."""
import pytest

from .helpers import TOKEN_E30770

HISTORY_FROM = {"dateFrom": "1795413600000"}


async def webhook(api, sink, path="/wh"):
    status, _ = await api("POST", "/api/service/webhook", json={"callbackUrl": sink.url(path)})
    assert status == 200


def call_events(sink, path="/wh", abonent=None):
    out = [r.json() for r in sink.received(path)]
    return [e for e in out if e["eventType"] != "CHECK_ALIVE" and (abonent is None or e["abonentId"] == abonent)]


@pytest.mark.parametrize("name,party,caller,events,status,cause,q850,durations", [
    ("answered", {"answer_after": 2, "hangup_after": 5}, None,
     ["CALL_RECEIVED/Alerting", "CALL_ANSWERED/Active", "CALL_RELEASED/Released"], "PLACED", "NORMAL", 16, (5, 2)),
    ("busy", {"busy": True}, None, [], "MISSED", "USER_BUSY", 17, (0, 0)),
    ("no answer", {"no_answer": 0}, None,
     ["CALL_RECEIVED/Alerting", "CALL_RELEASED/Released"], "MISSED", "USER_ALERTED_NO_ANSWER", 19, (0, 0)),
    ("unavailable", {"unavailable": True}, None, [], "MISSED", "USER_NOT_AVAILABLE", 20, (0, 0)),
    ("rejected", {"reject": 3}, None,
     ["CALL_RECEIVED/Alerting", "CALL_RELEASED/Released"], "MISSED", "CALL_REJECTED", 21, (0, 0)),
    ("caller hangs up early", None, {"give_up_after": 1},
     ["CALL_RECEIVED/Alerting", "CALL_RELEASED/Released"], "MISSED", "NORMAL", 16, (0, 0)),
    ("caller hangs up after talking", None, {"hangup_after": 7},
     ["CALL_RECEIVED/Alerting", "CALL_ANSWERED/Active", "CALL_RELEASED/Released"], "PLACED", "NORMAL", 16, (7, 2)),
])
async def test_inbound_call_outcomes(simulator, api, callback_sink, name, party, caller, events, status, cause,
                                     q850, durations):
    await webhook(api, callback_sink)
    kw = {"script": {"+79160001234": party}} if party else {}
    call = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234", caller=caller, **kw)
    await simulator.advance(200)
    assert call.ended and call.cause == q850
    evs = call_events(callback_sink)
    assert [f"{e['eventType']}/{e['payload']['state']}" for e in evs] == events
    if evs:
        assert len({e["payload"]["callId"] for e in evs}) == 1
        last = evs[-1]["payload"]
        assert last["endTime"] is not None and last["callDirection"] == "Terminator"
        assert (last["answerTime"] is not None) == (status == "PLACED")
    _, page = await api("GET", "/api/v1/callHistory/user/1234", params=HISTORY_FROM)
    (rec,) = page["content"]
    assert (rec["status"], rec["terminationCause"], rec["direction"]) == (status, cause, "TERMINATING")
    assert (rec["duration"], rec["answerDuration"]) == durations
    assert rec["callingNumber"] == "+79161234567" and rec["calledNumber"] == "+79160001234"
    if evs:
        assert rec["extTrackingId"] == evs[0]["payload"]["extTrackingId"] + evs[0]["payload"]["callId"]


async def test_blind_transfer_of_a_ringing_call(simulator, api, callback_sink):
    """4.8.5 allows Alerting: the ringing call goes to the address, the caller stays on the line."""
    await webhook(api, callback_sink)
    call = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(1)   # 1735 answers after 4 s: still ringing
    _, calls = await api("GET", "/api/user/1735/calls")
    cid = calls[0]["callId"]
    assert (await api("GET", f"/api/user/1735/calls/{cid}"))[1]["state"] == "Alerting"
    status, _ = await api("PUT", f"/api/user/1735/calls/{cid}/BlindTransfer", params={"address": "203"})
    assert status == 200
    await simulator.advance(5)   # 1234 answers after 2 s
    assert not call.ended
    origin = next(leg for leg in call.legs.values() if leg.role == "origin")
    assert any({call.legs[x].number for x in b} == {origin.number, "+79160001234"} for b in call.bridges)
    assert [f"{e['eventType']}/{e['payload']['state']}" for e in call_events(callback_sink, abonent=1735)] == [
        "CALL_RECEIVED/Alerting", "CALL_RELEASED/Detached"]
    await simulator.advance(120)
    assert [e["eventType"] for e in call_events(callback_sink, abonent=1234)] == [
        "CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]
    _, page = await api("GET", "/api/v1/callHistory/user/1234", params=HISTORY_FROM)
    (rec,) = page["content"]
    assert rec["status"] == "PLACED" and rec["redirectingReason"] == "DEFLECTION"
    assert rec["redirectingNumber"] == "+79160001735" and rec["callingNumber"] == "+79161234567"


async def test_blind_transfer_of_a_queue_offer_stops_the_queue(simulator, api):
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"E30770": {"abonents": {
        "30801": {"party": {"busy": None, "answer_after": 30}}}}}}}})
    call = await simulator.start_call("mts-vpbx", "+79121112233", "718", caller={"hangup_after": 300},
                                      script={"+79031234567": {"answer_after": 2}})
    await simulator.advance(2)
    _, calls = await api("GET", "/api/user/30801/calls", token=TOKEN_E30770)
    status, _ = await api("PUT", f"/api/user/30801/calls/{calls[0]['callId']}/BlindTransfer",
                          params={"address": "+79031234567"}, token=TOKEN_E30770)
    assert status == 200
    await simulator.advance(90)   # past the next offer (61 s later), had the queue gone on
    numbers = {leg.number: leg for leg in call.legs.values()}
    assert "+79165818888" not in numbers and numbers["+79031234567"].answered_at is not None


async def test_webhook_skips_inactive_abonents_and_outlives_api_subscriptions(simulator, api, callback_sink):
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"abonents": {
        "1234": {"active": False}}}}}}})
    await webhook(api, callback_sink)
    status, _ = await api("POST", "/api/service/apicrm", json={"callbackUrl": callback_sink.url("/crm"),
                                                               "clientApiKey": "c"})
    assert status == 200
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(90)
    assert call_events(callback_sink) == []          # an inactive abonent is not subscribed by the portal
    await simulator.advance(3600)                    # 1s9s000w (1735) expires: API CRM is told, webhook not
    assert [e["eventType"] for e in call_events(callback_sink, "/crm")] == ["SUBSCRIPTION_TERMINATION"]
    assert call_events(callback_sink) == []
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(90)
    assert len(call_events(callback_sink, abonent=1735)) == 3   # the portal keeps webhook subscriptions
    assert [e["eventType"] for e in call_events(callback_sink, "/crm")] == ["SUBSCRIPTION_TERMINATION"]


async def test_other_tenant_cannot_change_anything(simulator, api):
    """Writes with E30770's token on X214's ids answer 404 and change nothing."""
    await api("POST", "/api/user/1735/calls", params={"address": "+79161234567"})
    _, calls = await api("GET", "/api/user/1735/calls")
    cid = calls[0]["callId"]
    before = {p: (await api("GET", p))[1] for p in ("/api/findMe/1233", "/api/schedules/abonent/1735")}
    sub = {"abonentId": 1735, "subscriptionId": "1s9s000w"}
    for method, path, kw in [
        ("PUT", "/api/subscription", {"json": sub}), ("DELETE", "/api/subscription", {"json": sub}),
        ("POST", "/api/findMe/1233/parallel", {"json": {"ruleName": "x"}}),
        ("PUT", "/api/findMe/1233/redirect/1256", {"json": {"ruleName": "x", "alwaysRedirect": "101"}}),
        ("DELETE", "/api/findMe/1233/parallel/1066", {}),
        ("POST", "/api/schedules/abonent/1735", {"json": {"name": "x"}}),
        ("PUT", "/api/schedules/abonent/1735", {"json": {"recordId": 1348, "name": "x"}}),
        ("DELETE", "/api/schedules/abonent/1735", {"params": {"recordId": "1348"}}),
        ("POST", "/api/schedules/group/1", {"json": {"name": "x"}}),
        ("DELETE", "/api/schedules/group/1", {"params": {"recordId": "1350"}}),
        ("GET", f"/api/user/1735/calls/{cid}", {}), ("DELETE", f"/api/user/1735/calls/{cid}", {}),
        ("PUT", f"/api/user/1735/calls/{cid}/BlindTransfer", {"params": {"address": "101"}}),
        ("POST", "/api/user/1735/calls/CallReturn", {}), ("POST", "/api/user/1735/calls/LastNumberRedial", {}),
        ("GET", "/api/callRecording/mp3/21289855:1", {}),
    ]:
        status, body = await api(method, path, token=TOKEN_E30770, **kw)
        assert status == 404 and body["status"] == 404, (method, path, status, body)
    for p, body in before.items():
        assert (await api("GET", p))[1] == body
    assert (await api("GET", "/api/subscription", json=sub))[1]["expires"] == 3600
    assert [c["callId"] for c in (await api("GET", "/api/user/1735/calls"))[1]] == [cid]


async def test_sequential_continues_if_busy_with_each_numbers_timeout(simulator, api):
    status, rule = await api("POST", "/api/findMe/1735/sequential", json={
        "ruleName": "по очереди", "continueSearchIfBusy": True, "ruleNumbers": [
            {"number": "+79031110001", "status": True, "name": "первый", "timeout": 2},
            {"number": "+79031110002", "status": False, "name": "выключен", "timeout": 2},
            {"number": "+79031110003", "status": True, "name": "третий", "timeout": 3}]})
    assert status == 200 and [n["timeout"] for n in rule["ruleNumbers"]] == [2, 2, 3]
    call = await simulator.start_call("mts-vpbx", "+79262223344", "+79160001735", caller={"hangup_after": 100},
                                      script={"+79160001735": {"busy": True}, "+79031110001": {"no_answer": 0},
                                              "+79031110003": {"answer_after": 7}})
    await simulator.advance(60)
    legs = {leg.number: leg for leg in call.legs.values()}
    assert "+79031110002" not in legs                       # status false: never rung
    first, third = legs["+79031110001"], legs["+79031110003"]
    assert first.created_at == call.started_at and first.ended_at - first.created_at == 10   # 2 rings
    assert third.created_at == first.ended_at and third.answered_at - third.created_at == 7
    assert not call.ended


async def test_abonent_holding_the_call_is_held_and_the_caller_remote_held(simulator, api, callback_sink):
    await webhook(api, callback_sink)
    # internal call 203 -> 201: 1735 answers after 4 s and puts 1234 on hold 6 s later for 10 s
    await simulator.start_call("mts-vpbx", "203", "201", direction="internal", tenant="X214",
                               script={"201": {"answer_after": 4, "hold": [{"at": 6, "duration": 10}],
                                               "hangup_after": 30}})
    await simulator.advance(12)
    (mine,), (theirs,) = (await api("GET", "/api/user/1735/calls"))[1], (await api("GET", "/api/user/1234/calls"))[1]
    assert (await api("GET", f"/api/user/1735/calls/{mine['callId']}"))[1]["state"] == "Held"
    assert (await api("GET", f"/api/user/1234/calls/{theirs['callId']}"))[1]["state"] == "Remote Held"
    await simulator.advance(10)
    assert (await api("GET", f"/api/user/1735/calls/{mine['callId']}"))[1]["state"] == "Active"
    assert (await api("GET", f"/api/user/1234/calls/{theirs['callId']}"))[1]["state"] == "Active"
    await simulator.advance(60)
    assert [e["eventType"] for e in call_events(callback_sink, abonent=1735)] == [
        "CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]   # hold itself has no event in 4.7


@pytest.mark.parametrize("who,state", [("1735", "Held"), ("1234", "Remote Held")])
async def test_held_calls_can_be_blind_transferred(simulator, api, callback_sink, who, state):
    await webhook(api, callback_sink)
    call = await simulator.start_call("mts-vpbx", "203", "201", direction="internal", tenant="X214",
                                      script={"201": {"answer_after": 4, "hold": [{"at": 2, "duration": 60}],
                                                      "hangup_after": 100}, "203": {"hangup_after": 100}})
    await simulator.advance(8)
    (ac,) = (await api("GET", f"/api/user/{who}/calls"))[1]
    assert (await api("GET", f"/api/user/{who}/calls/{ac['callId']}"))[1]["state"] == state
    status, _ = await api("PUT", f"/api/user/{who}/calls/{ac['callId']}/BlindTransfer", params={"address": "650"})
    assert status == 200
    await simulator.advance(6)   # 1236 answers after 5 s
    stayed = "+79160001234" if who == "1735" else "+79160001735"
    assert any({call.legs[x].number for x in b} == {stayed, "650"} for b in call.bridges)
    released = call_events(callback_sink, abonent=int(who))[-1]
    assert released["eventType"] == "CALL_RELEASED" and released["payload"]["state"] == "Detached"


async def test_recording_storage_errors_use_the_error_body(simulator, api):
    """4.9: the method may answer 429 or 503; injected as native faults they keep the portal's body."""
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": "mts-vpbx", "path": "/api/callRecording/*", "action": "native", "native": "503",
            "times": 1}) as r:
        assert r.status in (200, 201)
    status, body = await api("GET", "/api/callRecording/mp3/11122233:1")
    assert status == 503 and body["status"] == 503 and body["path"] == "/api/callRecording/mp3/11122233:1"
    assert (await api("GET", "/api/callRecording/mp3/11122233:1"))[0] == 200


async def test_deleting_a_ringing_call_declines_it(simulator, api, callback_sink):
    await webhook(api, callback_sink)
    assert (await api("POST", "/api/findMe/1735/redirect", json={"ruleName": "занят", "ifBusyRedirect": "650"}))[0] == 200
    call = await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", caller={"hangup_after": 20})
    await simulator.advance(1)
    (ac,) = (await api("GET", "/api/user/1735/calls"))[1]
    assert (await api("DELETE", f"/api/user/1735/calls/{ac['callId']}"))[0] == 200
    await simulator.advance(60)
    assert [f"{e['eventType']}/{e['payload']['state']}" for e in call_events(callback_sink, abonent=1735)] == [
        "CALL_RECEIVED/Alerting", "CALL_RELEASED/Released"]
    _, page = await api("GET", "/api/v1/callHistory/user/1735", params=HISTORY_FROM)
    assert [(r["status"], r["terminationCause"]) for r in page["content"]] == [("MISSED", "CALL_REJECTED")]
    _, page = await api("GET", "/api/v1/callHistory/user/1236", params=HISTORY_FROM)
    (rec,) = page["content"]   # declined: the if-busy forward took the call, 1236 answered after 5 s
    assert rec["redirectingReason"] == "USER_BUSY" and rec["status"] == "PLACED"
    assert call.ended and call.cause == 16
