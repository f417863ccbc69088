"""Call control (4.8) and inbound routing through find-me rules and schedules (4.11, 4.12)."""
import pytest


async def webhook(api, sink, path="/wh"):
    status, _ = await api("POST", "/api/service/webhook", json={"callbackUrl": sink.url(path)})
    assert status == 200


def call_events(sink, path="/wh", abonent=None):
    out = [r.json() for r in sink.received(path)]
    return [e for e in out if e["eventType"].startswith("CALL_") and (abonent is None or e["abonentId"] == abonent)]


async def history(api, user, **params):
    _, page = await api("GET", f"/api/v1/callHistory/user/{user}",
                        params={"dateFrom": "1795413600000", "size": "100", **params})
    return page["content"]


# --- click to dial and call methods ------------------------------------------------------

async def test_click_to_dial_lifecycle(simulator, api, callback_sink):
    await webhook(api, callback_sink)
    status, body = await api("POST", "/api/user/1735/calls", params={"address": "tel:+78002500990"})
    assert status == 201 and body == b""
    status, calls = await api("GET", "/api/user/1735/calls")
    assert status == 200 and len(calls) == 1 and calls[0]["inConference"] is False
    cid = calls[0]["callId"]
    _, details = await api("GET", f"/api/user/1735/calls/{cid}")
    assert details["state"] == "Alerting" and details["callDirection"] == "Click-to-Dial"
    assert details["remotePartyAddress"] == "tel:+78002500990"
    await simulator.advance(10)  # 1735 answers after 4 s, the address after 4 more
    _, details = await api("GET", f"/api/user/1735/calls/{cid}")
    assert details["state"] == "Active" and details["answerTime"] is not None
    assert (await api("DELETE", f"/api/user/1735/calls/{cid}"))[0] == 200
    await simulator.settle()
    assert (await api("GET", "/api/user/1735/calls"))[1] == []
    assert (await api("GET", f"/api/user/1735/calls/{cid}"))[0] == 404
    evs = call_events(callback_sink, abonent=1735)
    assert [e["eventType"] for e in evs] == ["CALL_ORIGINATED", "CALL_ANSWERED", "CALL_RELEASED"]
    assert evs[0]["payload"]["callDirection"] == "Click-to-Dial"
    rec = (await history(api, 1735))[-1]
    assert rec["direction"] == "ORIGINATING" and rec["status"] == "PLACED" and rec["calledNumber"] == "+78002500990"
    assert rec["extTrackingId"].endswith(cid)


@pytest.mark.parametrize("params", [{}, {"address": ""}, {"address": "tel:abc"}, {"address": "++7"}])
async def test_click_to_dial_bad_address(simulator, api, params):
    status, body = await api("POST", "/api/user/1735/calls", params=params)
    assert status == 400 and body["status"] == 400


async def test_click_to_dial_unknown_abonent(simulator, api):
    assert (await api("POST", "/api/user/999/calls", params={"address": "+79161234567"}))[0] == 404
    assert (await api("GET", "/api/user/1735/calls/callhalf-1:0"))[0] == 404


async def test_blind_transfer_to_another_abonent(simulator, api, callback_sink):
    await webhook(api, callback_sink)
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(5)
    _, calls = await api("GET", "/api/user/1735/calls")
    cid = calls[0]["callId"]
    status, _ = await api("PUT", f"/api/user/1735/calls/{cid}/BlindTransfer", params={"address": "203"})
    assert status == 200
    await simulator.advance(5)  # 1234 answers after 2 s
    _, calls_1234 = await api("GET", "/api/user/1234/calls")
    assert len(calls_1234) == 1
    released = [e for e in call_events(callback_sink, abonent=1735) if e["eventType"] == "CALL_RELEASED"]
    assert released[0]["payload"]["state"] == "Detached"
    assert [e["eventType"] for e in call_events(callback_sink, abonent=1234)] == ["CALL_RECEIVED", "CALL_ANSWERED"]
    await simulator.advance(120)
    rec = (await history(api, 1234))[-1]
    assert rec["redirectingReason"] == "DEFLECTION" and rec["redirectingNumber"] == "+79160001735"
    assert rec["callingNumber"] == "+79161234567" and rec["status"] == "PLACED"


async def test_blind_transfer_errors(simulator, api):
    await api("POST", "/api/user/1735/calls", params={"address": "+79161234567"})
    _, calls = await api("GET", "/api/user/1735/calls")
    cid = calls[0]["callId"]
    # the abonent's own phone is still ringing: nobody to hand over yet
    status, body = await api("PUT", f"/api/user/1735/calls/{cid}/BlindTransfer", params={"address": "203"})
    assert status == 400
    assert (await api("PUT", f"/api/user/1735/calls/{cid}/BlindTransfer"))[0] == 400
    assert (await api("PUT", "/api/user/1735/calls/nope/BlindTransfer", params={"address": "203"}))[0] == 404


async def test_hold_states(simulator, api):
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735",
                               caller={"hold": [{"at": 5, "duration": 10}]})
    await simulator.advance(6)  # answered at 4 s
    _, calls = await api("GET", "/api/user/1735/calls")
    cid = calls[0]["callId"]
    await simulator.advance(5)
    assert (await api("GET", f"/api/user/1735/calls/{cid}"))[1]["state"] == "Remote Held"
    await simulator.advance(10)
    assert (await api("GET", f"/api/user/1735/calls/{cid}"))[1]["state"] == "Active"


async def test_consult_transfer_joins_the_two_other_parties(simulator, api):
    await api("POST", "/api/user/1234/calls", params={"address": "+79161234567"})
    await simulator.advance(8)   # 1234 answers after 2 s, +79161234567 after 3 more
    _, first = await api("GET", "/api/user/1234/calls")
    await api("POST", "/api/user/1234/calls", params={"address": "+79162223344"})
    await simulator.advance(8)   # 2 s + 4 s (the world's default party)
    _, both = await api("GET", "/api/user/1234/calls")
    second = next(c["callId"] for c in both if c["callId"] != first[0]["callId"])
    status, _ = await api("PUT", f"/api/user/1234/calls/{first[0]['callId']}/ConsultTransfer/{second}")
    assert status == 200
    await simulator.settle()
    assert (await api("GET", "/api/user/1234/calls"))[1] == []
    joined = [c for c in simulator.engine.calls.values() if c.bridges]
    assert len(joined) == 1
    numbers = {joined[0].legs[l].number for l in joined[0].bridges[0]}
    assert numbers == {"+79161234567", "+79162223344"}


async def test_consult_transfer_needs_two_connected_calls(simulator, api):
    await api("POST", "/api/user/1234/calls", params={"address": "+79161234567"})
    await simulator.advance(10)
    _, calls = await api("GET", "/api/user/1234/calls")
    cid = calls[0]["callId"]
    assert (await api("PUT", f"/api/user/1234/calls/{cid}/ConsultTransfer/nope"))[0] == 404
    await api("POST", "/api/user/1234/calls", params={"address": "+79031112233"})  # busy number
    _, both = await api("GET", "/api/user/1234/calls")
    other = next(c["callId"] for c in both if c["callId"] != cid)
    assert (await api("PUT", f"/api/user/1234/calls/{cid}/ConsultTransfer/{other}"))[0] == 400


async def test_call_return_and_redial_of_an_abonent_without_calls_is_400(simulator, api):
    from .helpers import TOKEN_E30770
    status, body = await api("POST", "/api/user/30801/calls/CallReturn", token=TOKEN_E30770)
    assert status == 400 and "return" in body["message"]
    status, body = await api("POST", "/api/user/30801/calls/LastNumberRedial", token=TOKEN_E30770)
    assert status == 400 and "redial" in body["message"]


async def test_document_call_return_example_uses_the_call_log(simulator, api):
    """4.8.7/4.8.8 as the document sends them (abonent 1234): the world's history holds its calls."""
    _, page = await api("GET", "/api/v1/callHistory/user/1234", params={"size": "2000"})
    received = [r for r in page["content"] if r["direction"] == "TERMINATING"][-1]["callingNumber"]
    dialled = [r for r in page["content"] if r["direction"] == "ORIGINATING"][-1]["calledNumber"]
    for method, address in (("LastNumberRedial", dialled), ("CallReturn", received)):
        status, body = await api("POST", f"/api/user/1234/calls/{method}")
        assert status == 200 and body["inConference"] is False
        _, details = await api("GET", f"/api/user/1234/calls/{body['callId']}")
        assert details["remotePartyAddress"] == f"tel:{address}" and details["callDirection"] == "Click-to-Dial"


async def test_call_return_and_last_number_redial(simulator, api):
    # a missed call: the caller gives up before 1234 answers
    await simulator.start_call("mts-vpbx", "+79261112233", "+79160001234", caller={"give_up_after": 1})
    await simulator.advance(5)
    assert (await history(api, 1234))[-1]["status"] == "MISSED"
    status, body = await api("POST", "/api/user/1234/calls/CallReturn")
    assert status == 200 and body["callId"].startswith("callhalf-") and body["inConference"] is False
    _, details = await api("GET", f"/api/user/1234/calls/{body['callId']}")
    assert details["remotePartyAddress"] == "tel:+79261112233" and details["callDirection"] == "Click-to-Dial"
    await simulator.advance(120)
    status, body = await api("POST", "/api/user/1234/calls/LastNumberRedial")
    assert status == 200
    _, details = await api("GET", f"/api/user/1234/calls/{body['callId']}")
    assert details["remotePartyAddress"] == "tel:+79261112233"


async def test_outbound_call_from_an_abonent(simulator, api, callback_sink):
    await webhook(api, callback_sink)
    await simulator.start_call("mts-vpbx", "+79160001735", "+79161234567", direction="outbound")
    await simulator.advance(120)
    evs = call_events(callback_sink, abonent=1735)
    assert [e["eventType"] for e in evs] == ["CALL_ORIGINATED", "CALL_ANSWERED", "CALL_RELEASED"]
    assert evs[0]["payload"]["callDirection"] == "Originator"
    rec = (await history(api, 1735))[-1]
    assert rec["direction"] == "ORIGINATING" and rec["callingNumber"] == "+79160001735"


async def test_internal_call_fills_record_abonent(simulator, api):
    await simulator.start_call("mts-vpbx", "201", "203", direction="internal", tenant="X214")
    await simulator.advance(120)
    rec = (await history(api, 1735))[-1]
    assert rec["recordAbonentId"] == 1234 and rec["abonentName"] == "Сергей Кузнецов"
    rec = (await history(api, 1234))[-1]
    assert rec["direction"] == "TERMINATING" and rec["callingNumber"] == "+79160001735"


async def test_engine_calls_leave_recordings(simulator, api):
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(120)
    rec = (await history(api, 1735))[-1]
    status, wav = await api("GET", f"/api/callRecording/{rec['extTrackingId']}")
    assert status == 200 and wav[:4] == b"RIFF"
    short = rec["extTrackingId"].split("callhalf-")[0]
    assert (await api("GET", f"/api/callRecording/mp3/{short}"))[0] == 200


# --- find me routing ---------------------------------------------------------------------

async def test_always_redirect_of_the_document_rule(simulator, api):
    # 1233 (ext 202) has "Переадресация" alwaysRedirect 650 (1236)
    await simulator.start_call("mts-vpbx", "+79161234567", "202", tenant="X214")
    await simulator.advance(120)
    assert await history(api, 1233) == []
    rec = (await history(api, 1236))[-1]
    assert rec["redirectingNumber"] == "202" and rec["redirectingReason"] == "UNKNOWN"
    assert rec["status"] == "PLACED" and rec["callingNumber"] == "+79161234567"


async def test_parallel_rule_rings_all_active_numbers(simulator, api):
    assert (await api("DELETE", "/api/findMe/1233/redirect/1256"))[0] == 200
    # 1233 busy: the rule's active number 003 answers; 500 (status false) never rings
    await simulator.start_call("mts-vpbx", "+79161234567", "202", tenant="X214", script={"202": {"busy": True}})
    await simulator.advance(2)
    call = next(iter(simulator.engine.calls.values()))
    assert sorted(l.number for l in call.legs.values()) == ["+79161234567", "003", "202"]
    await simulator.advance(10)
    assert any(set(call.legs[l].number for l in b) == {"+79161234567", "003"} for b in call.bridges)
    await simulator.advance(120)
    rec = (await history(api, 1233))[-1]
    assert rec["status"] == "MISSED" and rec["terminationCause"] == "USER_BUSY"


async def test_parallel_first_answer_wins(simulator, api):
    await api("DELETE", "/api/findMe/1233/redirect/1256")
    await simulator.start_call("mts-vpbx", "+79161234567", "202", tenant="X214",
                               script={"003": {"answer_after": 10}})
    await simulator.advance(60)
    rec = (await history(api, 1233))[-1]
    assert rec["status"] == "PLACED" and rec["answerDuration"] == 3
    call = next(iter(simulator.engine.finished.values()))
    leg003 = next(l for l in call.legs.values() if l.number == "003")
    assert leg003.answered_at is None and leg003.ended


async def test_sequential_rule_rings_in_order(simulator, api):
    await api("DELETE", "/api/findMe/1233/redirect/1256")
    await api("DELETE", "/api/findMe/1233/parallel/1066")
    # the abonent rings 3 rings (15 s) without answering, then 003 (3 rings)
    await simulator.start_call("mts-vpbx", "+79161234567", "202", tenant="X214",
                               script={"202": {"no_answer": 0}, "003": {"answer_after": 2, "hangup_after": 5}})
    await simulator.advance(14)
    call = next(iter(simulator.engine.calls.values()))
    assert [l.number for l in call.legs.values()] == ["+79161234567", "202"]
    await simulator.advance(4)
    assert [l.number for l in call.legs.values()] == ["+79161234567", "202", "003"]
    await simulator.advance(60)
    assert call.answered_at is not None


async def test_sequential_busy_stops_without_continue_search(simulator, api):
    await api("POST", "/api/findMe/1735/sequential", json={
        "ruleName": "seq", "continueSearchIfBusy": False,
        "ruleNumbers": [{"number": "+79161234567", "status": True, "name": "моб", "timeout": 2}]})
    call = await simulator.start_call("mts-vpbx", "+79262223344", "+79160001735",
                                      script={"+79160001735": {"busy": True}})
    await simulator.advance(30)
    assert call.ended and call.cause == 17
    assert "+79161234567" not in {l.number for l in call.legs.values()}


@pytest.mark.parametrize("field,party,reason,delay", [
    ("ifBusyRedirect", {"busy": True}, "USER_BUSY", 0),
    ("ifNoAnswerRedirect", {"no_answer": 0}, "NO_ANSWER", 10),
    ("ifNoAccessRedirect", {"unavailable": True}, "UNAVAILABLE", 0),
])
async def test_conditional_redirects(simulator, api, field, party, reason, delay):
    rule = {"ruleName": "cond", "alwaysRedirect": "", field: "650"}
    if field == "ifNoAnswerRedirect":
        rule["ifNoAnswerTimeout"] = "2"
    assert (await api("POST", "/api/findMe/1735/redirect", json=rule))[0] == 200
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", script={"+79160001735": party})
    await simulator.advance(delay + 1)
    call = next(iter(simulator.engine.calls.values()))
    assert "650" in {l.number for l in call.legs.values()}
    if delay:
        first_650 = next(l for l in call.legs.values() if l.number == "650")
        assert first_650.created_at - call.started_at == pytest.approx(10)
    await simulator.advance(120)
    rec = (await history(api, 1236))[-1]
    assert rec["redirectingReason"] == reason and rec["redirectingNumber"] == "+79160001735"


async def test_schedule_limits_a_rule(simulator, api):
    # clock starts Monday 09:00 MSK: 215695 (Mon-Fri 09-18) is in force, 1348 (Wed-Thu 08-17) is not
    await api("POST", "/api/findMe/1735/redirect", json={"ruleName": "по расписанию", "alwaysRedirect": "650",
                                                         "scheduleId": 1348})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(120)
    assert (await history(api, 1735))[-1]["status"] == "PLACED"
    assert await history(api, 1236) == []
    _, fm = await api("GET", "/api/findMe/1735")
    rid = fm["redirectRules"][0]["id"]
    await api("PUT", f"/api/findMe/1735/redirect/{rid}", json={"ruleName": "по расписанию", "alwaysRedirect": "650",
                                                               "scheduleId": 215695})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(120)
    rec = (await history(api, 1236))[-1]
    assert rec["redirectingReason"] == "TIME_OF_DAY"


async def test_called_number_limits_a_rule(simulator, api):
    await api("POST", "/api/findMe/1735/redirect", json={"ruleName": "FMC", "calledNumber": "201",
                                                         "alwaysRedirect": "650"})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")   # the mobile number: no rule
    await simulator.advance(120)
    assert await history(api, 1236) == []
    await simulator.start_call("mts-vpbx", "+79161234567", "201", tenant="X214")  # the extension: rule
    await simulator.advance(120)
    assert len(await history(api, 1236)) == 1


async def test_redirect_loop_is_cut(simulator, api):
    await api("POST", "/api/findMe/1236/redirect", json={"ruleName": "back", "alwaysRedirect": "202"})
    call = await simulator.start_call("mts-vpbx", "+79161234567", "202", tenant="X214")
    await simulator.advance(30)
    assert call.ended


async def test_extension_without_tenant_when_unambiguous(simulator, api):
    await simulator.start_call("mts-vpbx", "+79161234567", "718")   # only E30770 has 718
    await simulator.advance(1)
    call = next(iter(simulator.engine.calls.values()))
    assert call.tenant == "E30770"
