"""callStatus sequences (2.3 and its state diagram) for every outcome of every online flow:
side 0 or side 1 failing with each cause, either side hanging up, AnnCall keys, inbound calls."""

import json

import aiohttp

import pytest
from lxml import etree

from .helpers import AUTH, SLUG, basic, send

AUTH = {**AUTH, "Content-Type": "text/xml"}
B0 = "+79265551000"  # side 0 (operator)
B1 = "+79265551001"  # side 1 (subscriber)
OK = {"answer_after": 2, "hangup_after": 100}
FAILURES = {  # party behaviour -> Q.850 cause in Reason
    "busy": ({"busy": True}, "17"),
    "no_answer": ({"no_answer": 20}, "19"),
    "unavailable": ({"unavailable": True}, "20"),
    "reject": ({"reject": 3}, "21"),
    "unassigned": ({"unassigned": True}, "1"),
}


@pytest.fixture
async def client(simulator, callback_sink):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"client_url": callback_sink.url("/")}}}}})
    return callback_sink


def parties(simulator, **numbers):
    simulator.patch_world({"parties": {"numbers": numbers}})


async def online(simulator, xml):
    r = await send(simulator, SLUG, "POST", "/", data=xml.encode(), headers=AUTH)
    assert r.status == 200
    return dict(etree.fromstring(r.body).attrib)


def statuses(sink):
    out = []
    for req in sink.received("/"):
        root = etree.fromstring(req.body)
        if root.tag == "callStatus":
            out.append(dict(root.attrib))
    return out


def seq(sink):
    return [(s["b0_state"], s["b1_state"], s["Reason"], s["CallDuration"]) for s in statuses(sink)]


async def run(simulator, seconds=300):
    await simulator.advance(seconds)
    await simulator.settle()


def init_call(b0=B0, b1=B1, extra=""):
    return f'<InitCall request_id="oc" A0="74957850001" B0="{b0}" A1="74957850001" B1="{b1}" {extra}/>'


# ------------------------------------------------------------------ InitCall


@pytest.mark.parametrize("outcome", FAILURES)
async def test_side0_fails(simulator, client, outcome):
    behaviour, cause = FAILURES[outcome]
    parties(simulator, **{B0: behaviour, B1: OK})
    await online(simulator, init_call())
    await run(simulator)
    assert seq(client) == [("CALLING", "", "-1", "0"), ("FAILED", "", cause, "0")]
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    assert len(call.legs) == 1  # side 1 is never called (2.1.1)


@pytest.mark.parametrize("outcome", FAILURES)
async def test_side1_fails(simulator, client, outcome):
    behaviour, cause = FAILURES[outcome]
    parties(simulator, **{B0: OK, B1: behaviour})
    await online(simulator, init_call())
    await run(simulator)
    assert seq(client) == [("CALLING", "", "-1", "0"), ("CONNECTED", "", "-1", "0"),
                           ("CONNECTED", "CALLING", "-1", "0"), ("CONNECTED", "FAILED", cause, "0")]
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    assert all(leg.ended_at is not None for leg in call.legs.values())


@pytest.mark.parametrize("who,b0,b1,talk", [
    ("0", {"answer_after": 2, "hangup_after": 30}, {"answer_after": 5, "hangup_after": 100}, 25),
    ("1", {"answer_after": 2, "hangup_after": 100}, {"answer_after": 5, "hangup_after": 12}, 12),
])
async def test_conversation_ends_success_with_side(simulator, client, who, b0, b1, talk):
    parties(simulator, **{B0: b0, B1: b1})
    info = await online(simulator, init_call())
    await run(simulator)
    assert seq(client) == [
        ("CALLING", "", "-1", "0"), ("CONNECTED", "", "-1", "0"), ("CONNECTED", "CALLING", "-1", "0"),
        ("CONNECTED", "CONNECTED", "-1", "0"), ("SUCCESS", "SUCCESS", who, str(talk))]
    all_status = statuses(client)
    assert {s["ScriptID"] for s in all_status} == {info["ScriptID"]}
    # TimeStamp is Moscow time; the world starts 2026-11-23 06:00 UTC
    assert [s["TimeStamp"] for s in all_status][:2] == ["20261123090000", "20261123090002"]


async def test_side0_hangs_up_while_side1_rings(simulator, client):
    parties(simulator, **{B0: {"answer_after": 2, "hangup_after": 5}, B1: {"answer_after": 30}})
    await online(simulator, init_call())
    await run(simulator)
    assert seq(client)[-1] == ("FAILED", "CALLING", "16", "0")
    assert len(seq(client)) == 4


async def test_side0_hangs_up_during_f0(simulator, client):
    parties(simulator, **{B0: {"answer_after": 2, "hangup_after": 1}, B1: OK})
    await online(simulator, init_call(extra='F0="hello.wav"'))
    await run(simulator)
    assert seq(client) == [("CALLING", "", "-1", "0"), ("CONNECTED", "", "-1", "0"), ("FAILED", "", "16", "0")]


# ------------------------------------------------------------------ AnnCall


def ann_call(btn="5"):
    return f'<AnnCall request_id="an" A0="74957850001" B0="{B0}" A1="74957850001" B1="{B1}" btn="{btn}" AddPar="Нажмите 5"/>'


@pytest.mark.parametrize("btn", ["5", "*", "#", "0"])
async def test_ann_call_right_key_connects(simulator, client, btn):
    parties(simulator, **{B0: {"answer_after": 2, "dtmf": [{"at": 3, "digits": btn}], "hangup_after": 40}, B1: OK})
    await online(simulator, ann_call(btn))
    await run(simulator)
    assert [s[:2] for s in seq(client)] == [("CALLING", ""), ("CONNECTED", ""), ("CONNECTED", "CALLING"),
                                           ("CONNECTED", "CONNECTED"), ("SUCCESS", "SUCCESS")]
    assert seq(client)[-1][2] == "0"


@pytest.mark.parametrize("party", [
    {"answer_after": 2, "dtmf": [{"at": 3, "digits": "7"}], "hangup_after": 60},  # wrong key
    {"answer_after": 2, "hangup_after": 60},  # silence
])
async def test_ann_call_wrong_key_or_silence(simulator, client, party):
    parties(simulator, **{B0: party, B1: OK})
    await online(simulator, ann_call("5"))
    await run(simulator)
    assert seq(client) == [("CALLING", "", "-1", "0"), ("CONNECTED", "", "-1", "0"), ("FAILED", "", "16", "0")]


async def test_ann_call_party_hangs_up_before_key(simulator, client):
    parties(simulator, **{B0: {"answer_after": 2, "hangup_after": 2}, B1: OK})
    await online(simulator, ann_call("5"))
    await run(simulator)
    assert seq(client)[-1] == ("FAILED", "", "16", "0")


@pytest.mark.parametrize("outcome", ["busy", "no_answer"])
async def test_ann_call_side1_fails(simulator, client, outcome):
    behaviour, cause = FAILURES[outcome]
    parties(simulator, **{B0: {"answer_after": 2, "dtmf": [{"at": 1, "digits": "5"}], "hangup_after": 100},
                          B1: behaviour})
    await online(simulator, ann_call("5"))
    await run(simulator)
    assert seq(client)[-1] == ("CONNECTED", "FAILED", cause, "0")


# ------------------------------------------------------------------ inbound


def route_to(sink, b0):
    def handler(req):
        root = etree.fromstring(req.body)
        if root.tag == "AgentRequest":
            return 200, (f'<AgentInfo request_id="in" A0="" B0="{b0}" ScriptID="{root.get("ScriptID")}" '
                         f'HostID="{root.get("HostID")}"/>')
        return 200, ""
    sink.respond("/", handler=handler)


@pytest.mark.parametrize("outcome", FAILURES)
async def test_inbound_operator_fails(simulator, client, outcome):
    behaviour, cause = FAILURES[outcome]
    parties(simulator, **{B0: behaviour})
    route_to(client, B0)
    call = await simulator.start_call(SLUG, "79267770001", "74957850001")
    await run(simulator)
    assert seq(client) == [("", "CONNECTED", "-1", "0"), ("CALLING", "CONNECTED", "-1", "0"),
                           ("FAILED", "CONNECTED", cause, "0")]
    assert call.ended_at is not None


@pytest.mark.parametrize("caller,operator,who,talk", [
    ({"hangup_after": 20}, {"answer_after": 3, "hangup_after": 100}, "1", 17),
    ({"hangup_after": 100}, {"answer_after": 3, "hangup_after": 10}, "0", 10),
])
async def test_inbound_conversation_end(simulator, client, caller, operator, who, talk):
    parties(simulator, **{B0: operator})
    route_to(client, B0)
    await simulator.start_call(SLUG, "79267770001", "74957850001", caller=caller)
    await run(simulator)
    assert seq(client) == [("", "CONNECTED", "-1", "0"), ("CALLING", "CONNECTED", "-1", "0"),
                           ("CONNECTED", "CONNECTED", "-1", "0"), ("SUCCESS", "SUCCESS", who, str(talk))]


# ------------------------------------------------------------------ 2.4.2 / 2.5: waiting for the client's AgentInfo


def wait_for_info(sink):
    def handler(req):
        root = etree.fromstring(req.body)
        if root.tag == "AgentRequest":
            return 200, f'<AgentInfo request_id="" A0="" B0="" ScriptID="{root.get("ScriptID")}" HostID="{root.get("HostID")}"/>'
        return 200, ""
    sink.respond("/", handler=handler)


def agent_request(sink):
    return [dict(etree.fromstring(r.body).attrib) for r in sink.received("/")
            if etree.fromstring(r.body).tag == "AgentRequest"][0]


async def post_info(simulator, xml, auth=AUTH):
    r = await send(simulator, SLUG, "POST", "/", data=xml.encode(), headers=auth)
    return r.status


async def test_agent_info_after_the_wait_timed_out(simulator, client):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"limits": {"agent_wait_timeout": 12}}}}}})
    wait_for_info(client)
    call = await simulator.start_call(SLUG, "79267770001", "74957850001")
    await simulator.advance(11)
    assert call.ended_at is None
    await simulator.advance(2)
    assert call.ended_at is not None and call.cause == 102
    req = agent_request(client)
    late = f'<AgentInfo request_id="late" A0="" B0="{B0}" ScriptID="{req["ScriptID"]}" HostID="{req["HostID"]}"/>'
    assert await post_info(simulator, late) == 404
    assert statuses(client) == []  # no request_id was ever given, so there is nothing to report


async def test_agent_info_with_empty_b0_rejects_waiting_call(simulator, client):
    wait_for_info(client)
    call = await simulator.start_call(SLUG, "79267770001", "74957850001")
    await simulator.advance(3)
    req = agent_request(client)
    xml = f'<AgentInfo request_id="r" A0="" B0="" ScriptID="{req["ScriptID"]}" HostID="{req["HostID"]}"/>'
    assert await post_info(simulator, xml) == 200
    await run(simulator, 5)
    assert call.cause == 21 and len(call.legs) == 1


async def test_agent_info_of_another_tenant_is_not_accepted(simulator, client):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"other": {
        "login": "other", "password": "other-pass", "numbers": ["74957859999"]}}}}})
    wait_for_info(client)
    call = await simulator.start_call(SLUG, "79267770001", "74957850001")
    await simulator.advance(3)
    req = agent_request(client)
    xml = f'<AgentInfo request_id="r" A0="" B0="{B0}" ScriptID="{req["ScriptID"]}" HostID="{req["HostID"]}"/>'
    other = {**AUTH, **basic("other", "other-pass")}
    assert await post_info(simulator, xml, other) == 404
    assert call.ended_at is None
    assert await post_info(simulator, xml) == 200
    assert await post_info(simulator, xml) == 404  # answered once only
    await run(simulator)
    assert statuses(client)[-1]["b0_state"] == "SUCCESS"


# ------------------------------------------------------------------ every call becomes one statistics line


async def offline(simulator, form):
    data = aiohttp.FormData()
    data.add_field("api_form", json.dumps(form), content_type="application/json")
    r = await send(simulator, SLUG, "POST", "/api/request", data=data, headers={"Authorization": AUTH["Authorization"]})
    return r.status, r.json()


async def test_statistics_file_lines_and_lifetime(simulator, client):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"limits": {
        "cdr_ready_delay": 50, "cdr_lifetime": 600}}}}}})
    parties(simulator, **{B0: {"answer_after": 2, "hangup_after": 30}, B1: {"answer_after": 3, "hangup_after": 100},
                          "+79265551002": {"busy": True}})
    route_to(client, B0)
    ok = await online(simulator, init_call(extra='REC="1"'))
    busy = await online(simulator, init_call(b0="+79265551002"))
    await simulator.start_call(SLUG, "79267770001", "74957850002")
    await run(simulator, 200)
    status, answer = await offline(simulator, {"Command": "REQCDR", "ConfData": [
        {"BNumber": ["74957850001", "74957850002"], "DateFrom": "20261123 09:00", "DateTo": "20261123 10:00"}]})
    cdrid = answer["CDRID"]
    await simulator.advance(49)
    assert (await offline(simulator, {"Command": "STATCDR", "CDRID": cdrid}))[1]["ConfData"]["STATUS"] == "NOT READY"
    await simulator.advance(1)
    url = (await offline(simulator, {"Command": "STATCDR", "CDRID": cdrid}))[1]["ConfData"]["URL"]
    r = await send(simulator, SLUG, "GET", url, headers={"Authorization": AUTH["Authorization"]}, full_url=True)
    assert r.status == 200
    lines = r.text.split("\r\n")
    header, rows = lines[0].split(";"), [dict(zip(lines[0].split(";"), l.split(";"))) for l in lines[1:] if l]
    assert "DT_END" in header and "RECORD_URL" in header
    assert len(rows) == 3  # one line per call, ordered by DT_END
    by_id = {r["CALL_ID"]: r for r in rows}
    assert [r["DT_END"] for r in rows] == sorted(r["DT_END"] for r in rows)
    assert by_id[busy["ScriptID"]]["A_RELEASE_CODE"] == "17" and by_id[busy["ScriptID"]]["RECORD_URL"] == ""
    assert by_id[ok["ScriptID"]]["RECORD_URL"].endswith(f"/api/download/r/119_{ok['ScriptID']}.wav")
    assert by_id[ok["ScriptID"]]["DT_END"] == "20261123 09:00:32"
    inbound = [r for r in rows if r["DIRECTION"] == "IN"][0]
    assert (inbound["BNUMBER"], inbound["ANUMBER"], inbound["TARGET"]) == ("74957850002", "79267770001", B0)
    await simulator.advance(550)
    assert (await offline(simulator, {"Command": "STATCDR", "CDRID": cdrid}))[1]["ConfData"] == {
        "CDRID": cdrid, "STATUS": "EXPIRED"}
    r = await send(simulator, SLUG, "GET", url, headers={"Authorization": AUTH["Authorization"]}, full_url=True)
    assert r.status == 404 and r.json()["ERR_CODE"] == "404.113"


async def test_init_call_files_caller_ids_and_recording(simulator, client):
    parties(simulator, **{B0: {"answer_after": 2, "hangup_after": 60}, B1: {"answer_after": 3, "hangup_after": 60}})
    await online(simulator, '<InitCall request_id="f" A0="74957850002" B0="%s" A1="74957850003" B1="%s" '
                            'F0="hello.wav" F1="goodbye.wav" REC="1"/>' % (B0, B1))
    await run(simulator)
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    legs = {leg.meta["side"]: leg for leg in call.legs.values()}
    assert (legs[0].number, legs[0].caller_id, legs[1].number, legs[1].caller_id) == (
        B0, "74957850002", B1, "74957850003")
    prompts = [(e["name"], e["leg"]) for e in call.timeline if e["event"] == "prompt.started"]
    assert prompts == [("hello.wav", legs[0].id), ("goodbye.wav", legs[1].id)]
    # side 1 is dialled only after F0 has played to side 0 (3 s file)
    assert legs[1].created_at - legs[0].answered_at == pytest.approx(3)
    assert call.record and call.recording_id


async def test_ann_call_caller_ids(simulator, client):
    parties(simulator, **{B0: {"answer_after": 2, "dtmf": [{"at": 1, "digits": "5"}], "hangup_after": 30}, B1: OK})
    await online(simulator, ann_call("5").replace('A1="74957850001"', 'A1="74957850002"'))
    await run(simulator)
    call = [c for c in simulator.engine.finished.values() if c.provider == SLUG][0]
    legs = {leg.meta["side"]: leg for leg in call.legs.values()}
    assert (legs[0].caller_id, legs[1].caller_id, legs[1].number) == ("74957850001", "74957850002", B1)


async def test_control_api_outbound_call_is_a_statistics_line(simulator, client):
    parties(simulator, **{B0: {"answer_after": 5, "hangup_after": 20}})
    call = await simulator.start_call(SLUG, "74957850000", B0, direction="outbound")
    await run(simulator, 60)
    assert call.ended_at is not None and call.record  # 74957850000 is recorded in the default world
    assert statuses(client) == []  # no client request: nothing to report
    _, answer = await offline(simulator, {"Command": "REQCDR", "ConfData": [
        {"BNumber": ["74957850000"], "DateFrom": "20261123 09:00", "DateTo": "20261123 10:00"}]})
    await simulator.advance(30)
    url = (await offline(simulator, {"Command": "STATCDR", "CDRID": answer["CDRID"]}))[1]["ConfData"]["URL"]
    r = await send(simulator, SLUG, "GET", url, headers={"Authorization": AUTH["Authorization"]}, full_url=True)
    lines = r.text.strip().split("\r\n")
    [row] = [dict(zip(lines[0].split(";"), line.split(";"))) for line in lines[1:]]
    assert (row["DIRECTION"], row["BNUMBER"], row["ANUMBER"], row["TARGET"], row["TALK_DURATION"]) == (
        "OUT", "74957850000", "74957850000", B0, "20")
    assert row["RECORD_URL"].endswith(".wav")


async def test_reset_during_a_live_call(simulator, client):
    parties(simulator, **{B0: OK, B1: OK})
    info = await online(simulator, init_call())
    await simulator.advance(10)
    sent = len(statuses(client))
    assert sent >= 3
    await simulator.reset()
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"client_url": client.url("/")}}}}})
    parties(simulator, **{B0: OK, B1: OK})
    await run(simulator, 200)
    assert len(statuses(client)) == sent  # the old call is gone, nothing more is reported for it
    _, answer = await offline(simulator, {"Command": "LRECORD"})
    assert answer == {"ConfData": ["74957850000"]}
    again = await online(simulator, init_call())
    assert again["ScriptID"] and again["ScriptID"] == info["ScriptID"]  # the same ids after a reset
