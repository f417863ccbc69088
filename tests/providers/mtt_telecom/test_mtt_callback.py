"""The CallBack API end to end: the structure, makeCallBackCallFollowme ringing side A and
then side B in the engine, the GET progress events in order, getCallBackFollowmeCallInfo,
and the documented failures."""
from __future__ import annotations

import pytest

from .conftest import OTHER

CUSTOMER = "883140500000000"


def events(sink, path="/listener/event.php"):
    return [r.query["event"] for r in sink.received(path)]


async def test_stored_structure_call_end_to_end(rpc, simulator, callback_sink, rest):
    host = callback_sink.base_url.removeprefix("http://") + "/listener"
    status, body = await rpc("makeCallBackCallFollowme", {"customer_name": "88314050000000", "b_number": "+79157775533",
                                                          "callBackURL": host, "recordEnable": "1"})
    assert status == 200
    cid = body["result"]["callBackCall_id"]
    assert len(cid) == 32 and int(cid, 16) >= 0
    await simulator.advance(1)
    assert events(callback_sink) == ["start_side_A"]
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": cid})
    assert status == 200 and body["result"]["callBackFollowmeCallInfoStruct"]["call_back_status"] == "in progress"
    await simulator.advance(10)
    assert events(callback_sink) == ["start_side_A", "pickup_side_A", "start_side_B", "start_talk"]
    pickup = callback_sink.received("/listener/event.php")[1]
    assert pickup.query["id"] == cid and pickup.query["phone_A"].strip() == "79684881033"
    sent = [e["url"] for e in simulator.callbacks(kind="CallBack progress")]
    assert sent[1] == f"http://{host}/event.php?event=pickup_side_A&id={cid}&phone_A=+79684881033"
    # 79684881033 answers after 3 s and B (the world's default party) after 4 s; B hangs up 45 s later
    await simulator.advance(60)
    assert events(callback_sink) == ["start_side_A", "pickup_side_A", "start_side_B", "start_talk",
                                     "end_side_B", "end_side_A"]
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": cid})
    info = body["result"]["callBackFollowmeCallInfoStruct"]
    assert info["destination_A"] == "+79684881033" and info["destination_B"] == "+79157775533"
    assert info["waiting_period_A"] == "3" and info["waiting_period_B"] == "4"
    assert info["call_back_real_length_B"] == "45" and info["call_back_charged_length_B"] == "60"
    assert info["call_back_real_length_A"] == "49" and info["call_back_charged_length_A"] == "60"
    assert info["call_back_cost"] == 3.0 and info["call_back_status"] == "ok"
    url = info["call_back_record_URL_A"]["downloadURL"]
    assert url.startswith("http://fuds.mtt.ru/download/")
    status, audio, headers = await rest("GET", url.removeprefix("http://fuds.mtt.ru"))
    assert status == 200 and headers["Content-Type"] == "audio/wav" and audio[:4] == b"RIFF"
    status, body = await rpc("getCustomerBalance", [CUSTOMER])
    assert body["result"]["balance"] == 1497.0


async def test_ringall_runs_ring_together_then_linal_one_by_one(rpc, simulator, callback_sink):
    await rpc("deleteCallBackFollowme", {"customer_name": CUSTOMER})
    status, body = await rpc("setCallBackFollowme", {"customer_name": CUSTOMER, "callBackFollowmeStruct": [
        {"order": 1, "timeout": 10, "redirect_number": "79684881035", "type": "Ringall", "name": "sales"},
        {"order": 2, "timeout": 10, "redirect_number": "79522222222", "type": "ringall", "name": "sales"},
        {"order": 3, "redirect_number": "79684881035", "type": "lineral", "name": "boss"},
        {"order": 4, "timeout": 20, "redirect_number": "79636793312", "type": "linal", "name": "chief"},
        {"order": 5, "type": "text", "value": "Звонок с сайта", "side": "A"},
    ], "caller_id": "74951001010", "defaultBNumber": "79889998877"})
    assert body["result"] == {"success": 1}
    status, body = await rpc("makeCallBackCallFollowme", {"customer_name": CUSTOMER,
                                                          "callBackURL": callback_sink.base_url[7:]})
    cid = body["result"]["callBackCall_id"]
    await simulator.advance(60)
    legs = [leg for c in [*simulator.engine.calls.values(), *simulator.engine.finished.values()]
            for leg in c.legs.values()]
    numbers = [(leg.number, round(leg.created_at - legs[0].created_at)) for leg in legs if leg.role == "dialled"]
    # group 1 together at 0 s; 79684881035 never answers (10 s), then alone for its default 10 s, then the chief
    assert numbers[:4] == [("79684881035", 0), ("79522222222", 0), ("79684881035", 10), ("79636793312", 20)]
    # the chief answers after 6 s, hears the text, then side B (defaultBNumber) is called with caller_id
    b = [leg for leg in legs if leg.number == "79889998877"][0]
    assert b.caller_id == "74951001010" and round(b.created_at - legs[0].created_at) >= 26 + 1
    assert events(callback_sink, "/event.php")[:3] == ["start_side_A", "pickup_side_A", "start_side_B"]
    assert len(cid) == 32


async def test_side_a_nobody_answers_is_a_timeout(rpc, simulator, callback_sink):
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533", "callBackURL": callback_sink.base_url[7:] + "/cb",
        "simpleCallBackFollowmeStruct": [{"order": 1, "timeout": 20, "redirect_number": "79684881035",
                                          "type": "ringall", "name": "sales"}]})
    cid = body["result"]["callBackCall_id"]
    await simulator.advance(30)
    assert events(callback_sink, "/cb/event.php") == ["start_side_A", "end_side_A"]
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": cid},
                             id="101")
    assert status == 404 and body == {"jsonrpc": "2.0", "id": "101", "error": {
        "code": -32001, "message": "Data not found", "data": "Call ended by timeout on side A"}}


@pytest.mark.parametrize("b_party, data", [({"busy": True}, "Call ended by cancel on side B"),
                                           ({"reject": 2}, "Call ended by cancel on side B")])
async def test_side_b_refuses(rpc, simulator, callback_sink, b_party, data):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"employees": {
        "79031110000": {"name": "Клиент", "party": b_party}}}}}}})
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79031110000", "callBackURL": callback_sink.base_url[7:],
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033", "type": "ringall"}]})
    cid = body["result"]["callBackCall_id"]
    await simulator.advance(20)
    assert events(callback_sink, "/event.php") == ["start_side_A", "pickup_side_A", "start_side_B",
                                                   "end_side_B", "end_side_A"]
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": cid})
    assert body["error"]["data"] == data


async def test_side_a_rejects_is_a_cancel(rpc, simulator):
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79522222222", "type": "ringall"}]})
    await simulator.advance(5)
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER,
                                                             "callBackCall_id": body["result"]["callBackCall_id"]})
    assert body["error"]["data"] == "Call ended by cancel on side A"


async def test_direction_1_calls_b_first_and_messages_play(rpc, simulator, callback_sink):
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533", "direction": 1, "caller_id": "74951001010",
        "duration": 10, "callBackURL": callback_sink.base_url[7:],
        "simpleCallBackFollowmeStruct": [
            {"order": 1, "timeout": 25, "redirect_number": "79684881033", "type": "ringall", "name": "sales"},
            {"order": 2, "type": "file", "value": "for_all_sales", "side": "B"}]})
    assert "callBackCall_id" in body["result"]
    await simulator.advance(120)
    call = list(simulator.engine.finished.values())[-1]
    dialled = [leg for leg in call.legs.values() if leg.role == "dialled"]
    assert [leg.number for leg in dialled] == ["79157775533", "79684881033"]
    prompts = [e for e in call.timeline if e["event"] == "prompt.started"]
    assert prompts and prompts[0]["name"] == "for_all_sales" and prompts[0]["duration"] == 4
    talk = [e["t"] for e in call.timeline if e["event"] == "call.bridged"][0]
    assert round(call.ended_at - talk) == 10   # duration limits the talk


async def test_maxtime_limits_both_sides(rpc, simulator):
    await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533", "maxtime": "30",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033", "type": "ringall"}]})
    await simulator.advance(120)
    call = list(simulator.engine.finished.values())[-1]
    a = [leg for leg in call.legs.values() if leg.number == "79684881033"][0]
    b = [leg for leg in call.legs.values() if leg.number == "79157775533"][0]
    assert round((a.ended_at - a.answered_at) + (b.ended_at - b.answered_at)) == 30


async def test_documented_errors(rpc):
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "7xxxxxxx",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033", "type": "ringall"}]},
        id="iar_ringall")
    assert status == 200 and body == {"jsonrpc": "2.0", "id": "iar_ringall",
                                      "result": {"error": 1, "message": "Incorrect B-number format"}}
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "7xxxxxxxxx", "type": "ringall"}]})
    assert body["result"] == {"error": 1, "message": "Incorrect redirect_number format"}
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033", "type": "queue"}]})
    assert body["error"] == {"code": -32602, "message": "Invalid params", "data": "Invalid type"}
    status, body = await rpc("makeCallBackCallFollowme", {"customer_name": CUSTOMER, "b_number": "79157775533"},
                             auth=OTHER)
    assert body["error"]["data"] == "agent does not have access to this customer"
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": "0" * 32})
    assert status == 404 and body["error"]["code"] == -32001


async def test_structure_lifecycle(rpc):
    status, body = await rpc("getCallBackFollowme", {"customer_name": "88314050000000"}, id="101")
    result = body["result"]
    assert [s["redirect_number"] for s in result["callBackFollowmeStruct"]] == [
        "79684881033", "79522222222", "79152323233", "79636793312", "7963112233"]
    assert result["caller_id"] == "74951001010" and result["defaultBNumber"] == "79889998877"
    example = {"customer_name": "88314050000000", "callBackFollowmeStruct": [
        {"order": 1, "timeout": 25, "redirect_number": "79684881033", "type": "ringall", "name": "sales"},
        {"order": 6, "type": "file", "value": "for_all_sales", "side": "B"}],
        "caller_id": "74951001010", "defaultBNumber": "79511234567"}
    status, body = await rpc("setCallBackFollowme", example, id="101")
    assert body["result"] == {"error": 1, "error_description": "Side A not clear. Delete before insert"}
    assert (await rpc("deleteCallBackFollowme", {"customer_name": CUSTOMER}))[1]["result"] == {"success": 1}
    status, body = await rpc("deleteCallBackFollowme", {"customer_name": CUSTOMER})
    assert status == 404 and body["error"]["data"] == "Followme not found"
    status, body = await rpc("getCallBackFollowme", {"customer_name": CUSTOMER})
    assert status == 404 and body["error"]["data"] == "Followme not found"
    assert (await rpc("setCallBackFollowme", example))[1]["result"] == {"success": 1}
    status, body = await rpc("getCallBackFollowme", {"customer_name": CUSTOMER})
    assert body["result"]["callBackFollowmeStruct"][1] == {"order": 6, "type": "file", "value": "for_all_sales",
                                                           "side": "B"}
    assert body["result"]["defaultBNumber"] == "79511234567"


async def test_seeded_call_info_is_the_documents(rpc, rest):
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER,
                                                             "callBackCall_id": "1256ffb10774226b390ad1a2bc892c9c"},
                             id="101")
    info = body["result"]["callBackFollowmeCallInfoStruct"]
    assert info["call_back_cost"] == 2.98 and info["waiting_period_A"] == "12"
    url = info["call_back_record_URL_B"]["downloadURL"]
    status, audio, _ = await rest("GET", url.removeprefix("http://fuds.mtt.ru"), host="fuds.mtt.ru")
    assert status == 200 and audio[:4] == b"RIFF"


async def test_side_a_hangs_up_while_b_rings(rpc, simulator, callback_sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"employees": {
        "79031110001": {"name": "Торопливый", "party": {"answer_after": 1, "hangup_after": 5}},
        "79031110002": {"name": "Клиент", "party": {"answer_after": 20}}}}}}}})
    status, body = await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79031110002", "callBackURL": callback_sink.base_url[7:],
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79031110001", "type": "ringall"}]})
    cid = body["result"]["callBackCall_id"]
    await simulator.advance(10)
    call = list(simulator.engine.finished.values())[-1]
    b = [leg for leg in call.legs.values() if leg.number == "79031110002"][0]
    assert call.ended and b.answered_at is None and round(b.ended_at - call.started_at) == 6
    assert events(callback_sink, "/event.php") == ["start_side_A", "pickup_side_A", "start_side_B",
                                                   "end_side_B", "end_side_A"]
    status, body = await rpc("getCallBackFollowmeCallInfo", {"customer_name": CUSTOMER, "callBackCall_id": cid})
    assert body["error"]["data"] == "Call ended by cancel on side A"


async def test_callback_url_with_a_scheme_is_used_verbatim(rpc, simulator):
    await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533", "callBackURL": "http://example.com/cb",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881035", "type": "ringall"}]})
    await simulator.advance(20)
    sent = simulator.callbacks(kind="CallBack progress")
    assert sent[0]["url"].startswith("http://http://example.com/cb/event.php?event=start_side_A")
    assert sent[0]["error"] == "refused"
