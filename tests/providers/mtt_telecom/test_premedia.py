"""Premedia API on gapi.mtt.ru /v1/api: prompts, account scenarios, the premedia follow-me,
and what they do to inbound calls."""
import base64

import pytest
from hypothesis import given, settings, strategies as st

from simulator.providers.mtt_telecom.audio_info import mp3_seconds

from .rest_client import rpc

CUSTOMER = "110000777"
SIP = "74951348579"
MP3_1S = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(15996)   # MPEG-1 Layer III, 128 kbit/s: 16000 bytes = 1 s


async def gapi(simulator, method, params=None, **kw):
    return await rpc(simulator, "/v1/api", method, params, **kw)


def entry(answer):
    return answer["error"]["data"][0]


async def test_prompts_list_as_the_example(simulator):
    status, answer = await gapi(simulator, "getCustomerPrompts", {"customer_name": 110000777})
    assert status == 200
    prompts = answer["result"]["prompts_list"]
    assert prompts[:2] == [{"id": 1, "name": "116.mp3", "file_id": "c20ed66245ae695fc35f846ef3f35e94"},
                           {"id": 2, "name": "TTS_116.mp3", "file_id": "a11b494d3952ff1fb2b7de375524db41"}]


async def test_create_file_and_text_prompts(simulator):
    status, answer = await gapi(simulator, "createCustomerPrompt", {
        "customer_name": CUSTOMER, "prompt_name": "hello.mp3", "prompt_type": "file",
        "prompt_file_contents": base64.b64encode(MP3_1S).decode()})
    assert status == 200 and answer["result"] == {"success": True}
    status, answer = await gapi(simulator, "createCustomerPrompt", {
        "customer_name": CUSTOMER, "prompt_name": "117", "prompt_type": "text",
        "prompt_file_contents": "Добрый день, вы позвонили в компанию"})
    assert answer["result"] == {"success": True}
    status, answer = await gapi(simulator, "getCustomerPrompts", {"customer_name": CUSTOMER})
    names = {p["name"]: p for p in answer["result"]["prompts_list"]}
    assert {"hello.mp3", "TTS_117.mp3"} <= set(names)
    assert len(names["TTS_117.mp3"]["file_id"]) == 32 and names["hello.mp3"]["id"] == 7


async def test_create_errors(simulator):
    status, answer = await gapi(simulator, "createCustomerPrompt", {
        "customer_name": "79991234568", "prompt_name": "116.mp3", "prompt_file_contents": "AAAA"})
    assert answer["error"]["code"] == -32601 and answer["error"]["message"] == "Data not found"
    assert entry(answer) == {"code": "V_VALUE_NOT_FOUND", "attribute": "customer_id",
                             "message": "customer_name «79991234568» not found.", "tpl": "{attribute} «{value}» not found.",
                             "tplParams": {"value": "79991234568", "attribute": "customer_name"}}
    status, answer = await gapi(simulator, "createCustomerPrompt", {
        "customer_name": CUSTOMER, "prompt_name": "file12.wav", "prompt_type": "text", "prompt_file_contents": "x"})
    assert answer["error"]["code"] == -32602
    assert entry(answer)["code"] == "V_VALUE_ALREADY_EXISTS"
    assert entry(answer)["message"] == "prompt_name «TTS_file12.wav» already exists."
    status, answer = await gapi(simulator, "createCustomerPrompt", {
        "customer_name": CUSTOMER, "prompt_name": "116.mp3", "prompt_type": "file",
        "prompt_file_contents": base64.b64encode(MP3_1S).decode()})
    assert entry(answer) == {"code": "V_VALUE_ALREADY_EXISTS", "attribute": "prompt_name",
                             "message": "prompt_name «116.mp3» already exists.",
                             "tpl": "{attribute} «{value}» already exists.",
                             "tplParams": {"value": "116.mp3", "attribute": "prompt_name"}}
    for params, code in [({"prompt_name": "x.wav", "prompt_file_contents": "AAAA"}, "V_REGEX_DO_NOT_MATCH"),
                         ({"prompt_name": "x.mp3", "prompt_file_contents": "h"}, "V_VALUE_INVALID"),
                         ({"prompt_name": "x.mp3", "prompt_file_contents": base64.b64encode(b"RIFF....").decode()},
                          "V_VALUE_INVALID"),
                         ({"prompt_name": "x.mp3", "prompt_type": "video", "prompt_file_contents": "AAAA"},
                          "V_VALUE_NOT_IN_LIST")]:
        status, answer = await gapi(simulator, "createCustomerPrompt", {"customer_name": CUSTOMER, **params})
        assert answer["error"]["code"] == -32602 and entry(answer)["code"] == code, params


async def test_foreign_customer_and_credentials(simulator):
    status, answer = await gapi(simulator, "getCustomerPrompts", {"customer_name": "110099999"})
    assert status == 404 and answer["error"]["code"] == -32001
    assert entry(answer)["attribute"] == "i_customer"
    status, answer = await gapi(simulator, "getCustomerPrompts", {"customer_name": CUSTOMER}, auth=("x", "y"))
    assert status == 401


async def test_delete_prompt_unbinds_it(simulator):
    status, answer = await gapi(simulator, "deleteCustomerPrompt", {"customer_name": CUSTOMER, "prompt_name": "116.mp3"})
    assert answer["result"] == {"success": True}
    status, answer = await gapi(simulator, "getPremediaAccountSettings", {"sip_id": SIP})
    assert answer["result"]["prompts"]["a_prompt"] is None
    status, answer = await gapi(simulator, "deleteCustomerPrompt",
                                {"customer_name": CUSTOMER, "prompt_name": "file4.wav.mp3a"})
    assert status == 404 and entry(answer)["message"] == "prompt_name «file4.wav.mp3a» not found."


async def test_settings_as_the_example(simulator):
    status, answer = await gapi(simulator, "getPremediaAccountSettings", {"sip_id": SIP})
    assert answer["result"] == {"sip_id": SIP, "answer": False, "diversion": True, "scenario_id": 3,
                                "scenario_name": "Premedia 3",
                                "prompts": {"a_prompt": {"id": 1, "name": "116.mp3"},
                                            "b_prompt": {"id": 2, "name": "TTS_116.mp3"}}}


async def test_update_settings_and_prompts(simulator):
    status, answer = await gapi(simulator, "updatePremediaAccountSettings", {"sip_id": SIP, "scenario_id": "1",
                                                                             "answer": 1})
    assert answer["result"] == {"success": True}
    await gapi(simulator, "setAccountPrompt", {"sip_id": SIP, "prompt_name": "TTS_116.mp3", "side": "A"})
    await gapi(simulator, "unsetAccountPrompt", {"sip_id": SIP, "side": "B"})
    status, answer = await gapi(simulator, "getPremediaAccountSettings", {"sip_id": SIP})
    got = answer["result"]
    assert (got["scenario_id"], got["answer"], got["prompts"]) == (
        1, True, {"a_prompt": {"id": 2, "name": "TTS_116.mp3"}, "b_prompt": None})


@pytest.mark.parametrize("method,params,code,rpc_code", [
    ("updatePremediaAccountSettings", {"sip_id": "7999111112", "scenario_id": "3"}, "V_VALUE_NOT_FOUND", -32001),
    ("updatePremediaAccountSettings", {"sip_id": SIP, "scenario_id": "4"}, "V_VALUE_NOT_FOUND", -32001),
    ("updatePremediaAccountSettings", {"sip_id": SIP, "scenario_id": 3, "answer": 3}, "V_VALUE_NOT_IN_LIST", -32602),
    ("setAccountPrompt", {"sip_id": "79991111112", "prompt_name": "116.mp3", "side": "A"}, "V_VALUE_NOT_FOUND", -32001),
    ("setAccountPrompt", {"sip_id": SIP, "prompt_name": "116.mp3", "side": "C"}, "V_VALUE_NOT_IN_LIST", -32602),
    ("setAccountPrompt", {"sip_id": SIP, "prompt_name": "nope.mp3", "side": "A"}, "V_VALUE_NOT_FOUND", -32001),
    ("unsetAccountPrompt", {"sip_id": "79991111112", "side": "A"}, "V_VALUE_NOT_FOUND", -32001),
    ("getPremediaAccountSettings", {"sip_id": "74950009999"}, "V_VALUE_NOT_FOUND", -32001),
])
async def test_settings_errors(simulator, method, params, code, rpc_code):
    status, answer = await gapi(simulator, method, params)
    assert answer["error"]["code"] == rpc_code and entry(answer)["code"] == code
    assert status == (404 if rpc_code == -32001 else 200)


async def test_side_error_text(simulator):
    status, answer = await gapi(simulator, "setAccountPrompt", {"sip_id": SIP, "prompt_name": "116.mp3", "side": "C"})
    assert entry(answer)["message"] == "side C must be one of those valid values A, B."


async def test_premedia_followme(simulator):
    status, answer = await gapi(simulator, "getFollowmeAccountSettings", {"sip_id": SIP})
    assert answer["result"]["followmeStructure"][0] == {"redirect_number": "79163777604", "name": "79163777604",
                                                        "active": "Y", "follow_order": "1", "timeout": "25"}
    status, answer = await gapi(simulator, "setFollowme", {
        "sip_id": SIP, "caller_id": "74951348579", "sequence": "Simultaneous",
        "followmeStructure": [{"redirect_number": "79163777604", "name": "79163777604", "active": "Y", "timeout": 15,
                               "follow_order": 1},
                              {"redirect_number": "79636793312", "name": "79636793312", "active": "Y", "follow_order": 2}]})
    assert answer["result"] == {"success": 1}
    status, answer = await gapi(simulator, "getFollowmeAccountSettings", {"sip_id": SIP})
    got = answer["result"]
    assert got["sequence"] == "Simultaneous" and [f["timeout"] for f in got["followmeStructure"]] == ["15", "15"]
    status, answer = await gapi(simulator, "setFollowme", {"sip_id": SIP, "caller_id": "8495", "followmeStructure": [
        {"redirect_number": "79163777604"}]})
    assert entry(answer)["code"] == "V_REGEX_DO_NOT_MATCH"
    assert entry(answer)["message"] == "The caller_id property must match regular expression /^7\\d{10}$/."
    status, answer = await gapi(simulator, "setFollowme", {"sip_id": SIP, "followmeStructure": []})
    assert answer["error"]["code"] == -32603 and entry(answer)["code"] == "A_CAPI_SET_FOLLOWME"


async def test_followme_settings_permissions(simulator):
    status, answer = await gapi(simulator, "getFollowmeAccountSettings", {"sip_id": "74950009999"})
    assert answer["error"]["code"] == -32002 and entry(answer)["code"] == "C_PERMISSION_DENIED"
    status, answer = await gapi(simulator, "getFollowmeAccountSettings", {"sip_id": " 74951346313"})
    assert answer["error"]["code"] == -32602 and entry(answer)["tplParams"]["value"] == " 74951346313"


async def test_inbound_call_hears_the_scenario_prompts(simulator):
    simulator.patch_world({"parties": {"numbers": {"+79163777604": {"answer_after": 2, "hangup_after": 20}}}})
    call = await simulator.start_call("mtt-telecom", "79161230000", SIP)
    await simulator.advance(60)
    done = simulator.engine.get(call.id)
    prompts = [(e["leg"], e["duration"]) for e in done.timeline if e["event"] == "prompt.started"]
    origin = next(l for l in done.legs.values() if l.role == "origin")
    b = next(l for l in done.legs.values() if l.number == "79163777604")
    # scenario 3: 116.mp3 (4 s) to the caller before the redirect, TTS_116.mp3 (3 s) to the answering side
    assert prompts == [(origin.id, 4), (b.id, 3)]
    assert b.answered_at is not None and done.answered_at is not None
    # the number's TIMEOUT counts from its dialling, after the caller's prompt
    assert b.created_at - done.started_at == pytest.approx(4)


async def test_scenario_2_plays_only_to_b(simulator):
    await gapi(simulator, "updatePremediaAccountSettings", {"sip_id": SIP, "scenario_id": 2})
    simulator.patch_world({"parties": {"numbers": {"+79163777604": {"answer_after": 1, "hangup_after": 10}}}})
    call = await simulator.start_call("mtt-telecom", "79161230000", SIP)
    await simulator.advance(60)
    done = simulator.engine.get(call.id)
    texts = [e.get("text") for e in done.timeline if e["event"] == "prompt.started"]
    assert texts == ["Здравствуйте! Вы позвонили в компанию Ромашка."]


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2000))
def test_mp3_seconds_never_fails(data):
    seconds = mp3_seconds(data)
    assert seconds is None or seconds > 0


def test_mp3_seconds_of_a_frame():
    assert mp3_seconds(MP3_1S) == pytest.approx(1.0)
    tagged = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + bytes(10) + MP3_1S
    assert mp3_seconds(tagged) == pytest.approx(1.0)


async def test_random_sequence_rings_every_number_once(simulator):
    await gapi(simulator, "setFollowme", {"sip_id": SIP, "sequence": "Random", "followmeStructure": [
        {"redirect_number": n, "timeout": 5} for n in ("79160000011", "79160000012", "79160000013")]})
    simulator.patch_world({"parties": {"numbers": {f"+7916000001{i}": {"no_answer": 0} for i in (1, 2, 3)}}})
    call = await simulator.start_call("mtt-telecom", "79161230000", SIP)
    await simulator.advance(60)
    done = simulator.engine.get(call.id)
    rung = [l.number for l in done.legs.values() if l.role == "dialled"]
    assert sorted(rung) == ["79160000011", "79160000012", "79160000013"]
    assert done.cause == 19
