"""Online operations end to end: InitCall, AnnCall, inbound calls with AgentRequest/AgentInfo,
redirects and black lists, callStatus sequences on the virtual clock."""

import json

import aiohttp
import pytest
from lxml import etree

from simulator.providers.beeline_cloudcc import wav

from .helpers import AUTH, SLUG, send


B1, B2, B3, B4 = "74957850000", "74957850001", "74957850002", "74957850003"
OP, SUB = "79031234567", "79261234567"  # default party: answers after 4 s, hangs up 45 s later


def attrs(body: bytes) -> tuple[str, dict]:
    root = etree.fromstring(body)
    return root.tag, dict(root.attrib)


async def online(simulator, xml: str, headers=AUTH):
    r = await send(simulator, SLUG, "POST", "/", data=xml.encode(), headers={**headers, "Content-Type": "text/xml"})
    return r.status, r.body


def statuses(sink):
    out = []
    for req in sink.received("/"):
        tag, a = attrs(req.body)
        if tag == "callStatus":
            out.append(a)
    return out


def agent_requests(sink):
    return [attrs(r.body)[1] for r in sink.received("/") if attrs(r.body)[0] == "AgentRequest"]


def states(sink):
    return [(s["b0_state"], s["b1_state"], s["Reason"]) for s in statuses(sink)]


@pytest.fixture
async def client(simulator, callback_sink):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"client_url": callback_sink.url("/")}}}}})
    return callback_sink


def answer_agent(sink, xml_for):
    def handler(req):
        tag, a = attrs(req.body)
        if tag == "AgentRequest":
            return 200, xml_for(a)
        return 200, ""
    sink.respond("/", handler=handler)


async def finish(simulator, seconds=200):
    await simulator.advance(seconds)
    await simulator.settle()


# ------------------------------------------------------------------ InitCall


async def test_init_call_success_sequence(simulator, client):
    status, body = await online(simulator, f'<InitCall request_id="req-1" A0="{B1}" B0="{OP}" A1="{B1}" '
                                           f'B1="{SUB}" F0="hello.wav" F1="" REC="0" AddPar="order-42" Extra="x"/>')
    assert status == 200
    tag, info = attrs(body)
    assert tag == "Info"
    assert info["request_id"] == "req-1" and info["AddPar"] == "order-42"
    assert info["ScriptID"] and info["HostID"] == "spn-msk-01" and info["SysID"] == "119"
    await finish(simulator)
    seq = statuses(client)
    assert [(s["b0_state"], s["b1_state"]) for s in seq] == [
        ("CALLING", ""), ("CONNECTED", ""), ("CONNECTED", "CALLING"), ("CONNECTED", "CONNECTED"), ("SUCCESS", "SUCCESS")]
    assert all(s["ScriptID"] == info["ScriptID"] and s["HostID"] == "spn-msk-01" and s["request_id"] == "req-1"
               and s["AddPar"] == "order-42" and s["SysID"] == "119" for s in seq)
    assert [s["CallDuration"] for s in seq] == ["0", "0", "0", "0", "38"]
    assert seq[-1]["Reason"] == "0"  # the operator (side 0) hung up: 4 s + 45 s after dialling
    assert seq[0]["TimeStamp"] == "20261123090000"  # Moscow time of the world's start
    assert all(len(s["TimeStamp"]) == 14 for s in seq)
    for req in client.received("/"):
        assert req.content_type.startswith("text/xml")
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    prompts = [e for e in call.timeline if e["event"] == "prompt.started"]
    assert prompts[0]["name"] == "hello.wav" and prompts[0]["duration"] == 3


async def test_init_call_operator_busy(simulator, client):
    await online(simulator, f'<InitCall request_id="r2" B0="79031112233" B1="{SUB}"/>')
    await finish(simulator)
    assert states(client) == [("CALLING", "", "-1"), ("FAILED", "", "17")]
    assert statuses(client)[-1]["CallDuration"] == "0"


async def test_init_call_subscriber_no_answer(simulator, client):
    await online(simulator, f'<InitCall request_id="r3" B0="{OP}" B1="79261112233"/>')
    await finish(simulator)
    assert states(client)[-1] == ("CONNECTED", "FAILED", "19")


async def test_init_call_subscriber_hangs_up_reason_1(simulator, client):
    simulator.patch_world({"parties": {"numbers": {"+79265550001": {"answer_after": 2, "hangup_after": 10}}}})
    await online(simulator, f'<InitCall request_id="r4" B0="{OP}" B1="79265550001"/>')
    await finish(simulator)
    last = statuses(client)[-1]
    assert (last["b0_state"], last["b1_state"], last["Reason"], last["CallDuration"]) == ("SUCCESS", "SUCCESS", "1", "10")


@pytest.mark.parametrize("xml", [
    f'<InitCall request_id="r" B0="{OP}" B1="{SUB}" F0="missing.wav"/>',
    f'<InitCall request_id="r" B0="" B1="{SUB}"/>',
    f'<InitCall request_id="r" B0="{OP}" B1="abc"/>',
    f'<InitCall request_id="r" B0="{OP}" B1="{SUB}" REC="yes"/>',
    f'<AnnCall request_id="r" B0="{OP}" B1="{SUB}" btn="x"/>',
    f'<AnnCall request_id="r" B0="{OP}" B1="{SUB}"/>',
])
async def test_application_cannot_start(simulator, client, xml):
    status, body = await online(simulator, xml)
    tag, info = attrs(body)
    assert status == 200 and tag == "Info"
    assert info["ScriptID"] == "" and info["HostID"] == "" and info["request_id"] == "r"
    await finish(simulator)
    assert statuses(client) == []


@pytest.mark.parametrize("xml,code", [
    ("<InitCall", 400), ("", 400), ("<Hello/>", 400), (f'<InitCall B0="{OP}" B1="{SUB}"/>', 400),
    (f'<AgentInfo request_id="x" B0="{OP}"/>', 400),
    (f'<AgentInfo request_id="x" B0="{OP}" ScriptID="999" HostID="spn-msk-01"/>', 404),
])
async def test_online_bad_requests(simulator, xml, code):
    status, body = await online(simulator, xml)
    tag, info = attrs(body)
    assert status == code and tag == "Info" and info["ScriptID"] == "" and info["Error"]


async def test_online_auth(simulator):
    status, body = await online(simulator, f'<InitCall request_id="r" B0="{OP}" B1="{SUB}"/>', headers={})
    assert status == 401 and attrs(body)[0] == "Info"
    r = await send(simulator, SLUG, "GET", "/", headers=AUTH)
    assert r.status == 405


async def test_recorded_init_call_appears_in_cdr_with_record(simulator, client):
    _, body = await online(simulator, f'<InitCall request_id="rec" A0="{B2}" B0="{OP}" B1="{SUB}" REC="1"/>')
    script_id = attrs(body)[1]["ScriptID"]
    await finish(simulator)
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "REQCDR", "ConfData": [
        {"BNumber": [B2], "DateFrom": "20261123 09:00", "DateTo": "20261123 10:00"}]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    cdrid = r.json()["CDRID"]
    await simulator.advance(60)
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "STATCDR", "CDRID": cdrid}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    url = r.json()["ConfData"]["URL"]
    r = await send(simulator, SLUG, "GET", url, headers=AUTH, full_url=True)
    lines = r.text.strip().split("\r\n")
    assert len(lines) == 2
    row = dict(zip(lines[0].split(";"), lines[1].split(";")))
    assert row["CALL_ID"] == script_id and row["DIRECTION"] == "OUT" and row["BNUMBER"] == B2
    assert row["TALK_DURATION"] == "41" and row["DT_END"] == "20261123 09:00:49"
    assert row["RECORD_URL"].endswith(f"/api/download/r/119_{script_id}.wav")
    r = await send(simulator, SLUG, "GET", row["RECORD_URL"], headers=AUTH, full_url=True)
    data = r.body
    assert r.status == 200 and data[:4] == b"RIFF"


async def test_voice_file_in_use_during_call(simulator, client):
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "VFILE"}), content_type="application/json")
    form.add_field("vfile", wav.make(20), filename="long.wav")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 200
    await simulator.advance(10)
    await online(simulator, f'<InitCall request_id="f" B0="{OP}" B1="{SUB}" F0="long.wav"/>')
    await simulator.advance(6)
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "DELFILE", "ConfData": ["long.wav"]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 409 and r.json()["ERR_CODE"] == "409.1"
    await finish(simulator)
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "DELFILE", "ConfData": ["long.wav"]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 200


# ------------------------------------------------------------------ AnnCall


async def test_ann_call_button_connects(simulator, client):
    simulator.patch_world({"parties": {"numbers": {"+79265550002": {"answer_after": 2, "dtmf": [{"at": 1, "digits": "#"}],
                                                                    "hangup_after": 30}}}})
    status, body = await online(simulator, f'<AnnCall request_id="a1" A0="{B1}" B0="79265550002" A1="{B1}" '
                                           f'B1="{OP}" btn="#" AddPar="Нажмите решётку"/>')
    assert status == 200 and attrs(body)[1]["ScriptID"]
    await finish(simulator)
    assert [(s["b0_state"], s["b1_state"]) for s in statuses(client)] == [
        ("CALLING", ""), ("CONNECTED", ""), ("CONNECTED", "CALLING"), ("CONNECTED", "CONNECTED"), ("SUCCESS", "SUCCESS")]
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    prompt = [e for e in call.timeline if e["event"] == "prompt.started"][0]
    assert prompt["text"] == "Нажмите решётку"


@pytest.mark.parametrize("party", [
    {"answer_after": 2, "dtmf": [{"at": 1, "digits": "5"}], "hangup_after": 60},
    {"answer_after": 2, "hangup_after": 60},
])
async def test_ann_call_other_key_or_silence_ends(simulator, client, party):
    simulator.patch_world({"parties": {"numbers": {"+79265550003": party}}})
    await online(simulator, f'<AnnCall request_id="a2" B0="79265550003" B1="{OP}" btn="1" AddPar="Жмите 1"/>')
    await finish(simulator)
    assert states(client) == [("CALLING", "", "-1"), ("CONNECTED", "", "-1"), ("FAILED", "", "16")]
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    assert len(call.legs) == 1


# ------------------------------------------------------------------ inbound: AgentRequest / AgentInfo


async def test_inbound_agent_routes_call(simulator, client):
    answer_agent(client, lambda a: (f'<AgentInfo request_id="in-1" A0="{B1}" B0="{OP}" ScriptID="{a["ScriptID"]}" '
                                    f'HostID="{a["HostID"]}" F0="goodbye.wav" F1="" REC="1" AddPar="crm-7"/>'))
    call = await simulator.start_call(SLUG, "79267770000", B2)
    await finish(simulator)
    [req] = agent_requests(client)
    assert req["A1"] == "79267770000" and req["B1"] == B2 and req["HostID"] == "spn-msk-01" and req["SysID"] == "119"
    seq = statuses(client)
    assert [(s["b0_state"], s["b1_state"]) for s in seq] == [
        ("", "CONNECTED"), ("CALLING", "CONNECTED"), ("CONNECTED", "CONNECTED"), ("SUCCESS", "SUCCESS")]
    assert all(s["request_id"] == "in-1" and s["ScriptID"] == req["ScriptID"] and s["AddPar"] == "crm-7" for s in seq)
    assert seq[-1]["Reason"] == "1"  # the caller (side 1) hangs up 45 s after the SPN answered it
    assert call.record and call.recording_id
    dialled = [l for l in call.legs.values() if l.role == "dialled"][0]
    assert dialled.number == OP and dialled.caller_id == B1
    prompts = [e["name"] for e in call.timeline if e["event"] == "prompt.started"]
    assert prompts == ["goodbye.wav"]


async def test_inbound_agent_rejects_with_empty_b0(simulator, client):
    answer_agent(client, lambda a: f'<AgentInfo request_id="x" A0="" B0="" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "79267770000", B2)
    await finish(simulator)
    assert call.ended_at is not None and call.cause == 21
    assert [l.role for l in call.legs.values()] == ["origin"]
    assert statuses(client) == []


@pytest.mark.parametrize("status,body", [(500, ""), (200, "not xml"), (200, "<Other/>")])
async def test_inbound_unusable_answer_rejects(simulator, client, status, body):
    client.respond("/", status=status, body=body)
    call = await simulator.start_call(SLUG, "79267770000", B2)
    await finish(simulator)
    assert call.cause == 21 and len(call.legs) == 1


async def test_inbound_wait_for_agent_info(simulator, client):
    answer_agent(client, lambda a: f'<AgentInfo request_id="" A0="" B0="" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "79267770000", B1)
    await simulator.advance(5)
    [req] = agent_requests(client)
    assert call.ended_at is None and len(call.legs) == 1
    status, body = await online(simulator, f'<AgentInfo request_id="late-1" A0="{B1}" B0="{OP}" ScriptID="{req["ScriptID"]}" '
                                           f'HostID="{req["HostID"]}" AddPar=""/>')
    assert status == 200 and body == b""
    await finish(simulator)
    seq = statuses(client)
    assert seq and all(s["request_id"] == "late-1" for s in seq)
    assert (seq[-1]["b0_state"], seq[-1]["b1_state"]) == ("SUCCESS", "SUCCESS")
    # 2.4.5: no F0 / REC -> PREMEDIA (none on this number) and ARECORD (74957850000 is recorded)
    assert call.record is True


async def test_inbound_wait_times_out(simulator, client):
    answer_agent(client, lambda a: f'<AgentInfo request_id="" A0="" B0="" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "79267770000", B2)
    await simulator.advance(29)
    assert call.ended_at is None
    await simulator.advance(2)
    assert call.ended_at is not None and call.cause == 102


async def test_inbound_premedia_fallback(simulator, client):
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "PREMEDIA", "ConfData": [
        {"BNumber": B2, "FileA": "hello.wav", "FileB": "silence.wav"}]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 200
    answer_agent(client, lambda a: f'<AgentInfo request_id="pm" A0="" B0="{OP}" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "79267770000", B2)
    await finish(simulator)
    prompts = [(e["name"], e["leg"]) for e in call.timeline if e["event"] == "prompt.started"]
    origin = [l.id for l in call.legs.values() if l.role == "origin"][0]
    dialled = [l.id for l in call.legs.values() if l.role == "dialled"][0]
    assert prompts == [("silence.wav", origin), ("hello.wav", dialled)]
    assert call.record is False  # B2 is not recorded


async def test_inbound_caller_hangs_up_while_operator_rings(simulator, client):
    simulator.patch_world({"parties": {"numbers": {"+79265550004": {"answer_after": 30}}}})
    answer_agent(client, lambda a: f'<AgentInfo request_id="h" A0="" B0="79265550004" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "79267770000", B2, caller={"give_up_after": 10})
    await finish(simulator)
    last = statuses(client)[-1]
    assert (last["b0_state"], last["b1_state"], last["Reason"]) == ("CALLING", "FAILED", "16")
    assert call.ended_at is not None and all(l.ended_at is not None for l in call.legs.values())


# ------------------------------------------------------------------ redirects, black lists


async def test_inbound_redirect_without_agent_request(simulator, client):
    call = await simulator.start_call(SLUG, "79267770000", B4)
    await finish(simulator)
    assert agent_requests(client) == [] and statuses(client) == []
    dialled = [l for l in call.legs.values() if l.role == "dialled"][0]
    assert dialled.number == "79161234567" and dialled.caller_id == "79267770000"
    prompts = [e["name"] for e in call.timeline if e["event"] == "prompt.started"]
    assert prompts == ["hello.wav"]  # the number's PREMEDIA FileA to the caller
    assert call.answered_at is not None


async def test_redirect_a_number_and_rcancel_block(simulator, client):
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "REDIRECT", "ConfData": [
        {"BNumber": B3, "RNumber": "79161234567", "ANumber": B3}]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 200
    call = await simulator.start_call(SLUG, "79267770000", B3)
    await finish(simulator)
    assert [l.caller_id for l in call.legs.values() if l.role == "dialled"] == [B3]
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "RCANCEL", "ConfData": [B3]}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.status == 200
    call = await simulator.start_call(SLUG, "79267770000", B3)
    await finish(simulator)
    assert call.cause == 21 and len(call.legs) == 1 and agent_requests(client) == []


async def test_black_list_rejects_then_other_active_list(simulator, client):
    answer_agent(client, lambda a: f'<AgentInfo request_id="b" A0="" B0="{OP}" ScriptID="{a["ScriptID"]}" HostID="{a["HostID"]}"/>')
    call = await simulator.start_call(SLUG, "+79851112233", B1)
    await finish(simulator)
    assert call.cause == 21 and agent_requests(client) == []
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "ABLIST", "ConfData": 2}), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)
    assert r.json() == {"ConfData": 2}
    call = await simulator.start_call(SLUG, "79851112233", B1)
    await finish(simulator)
    assert len(agent_requests(client)) == 1


async def test_unknown_number_is_unassigned(simulator, client):
    call = await simulator.start_call(SLUG, "79267770000", "74990000000", allow_unknown=True)
    await finish(simulator)
    assert call.cause == 1
