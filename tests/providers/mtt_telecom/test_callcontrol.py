"""Call control: the methods that set the client URL and reserve number, and inbound calls
routed by the client's answer to getControlCallFollowMe, with their events."""
import asyncio
import base64

import pytest

from .rest_client import API, OTHER_API, rpc

SIP = "79586488002"          # customer 110000777: prompts greeting_a/b, reserve 79684881033
CALLER = "79154368886"
FILE_A = "47f51cac1b50fd136334697b11aa406a"   # greeting_a.mp3, 3 s
FILE_B = "3806efe36d0f1bfccb45ffae8e152c7c"   # greeting_b.mp3, 2 s


async def web(simulator, method, params, auth=API):
    return await rpc(simulator, "/index.php", method, params, auth=auth)


# ------------------------------------------------------------------ methods
async def test_methods_as_the_examples(simulator):
    status, answer = await web(simulator, "getAccountCustomFields", {"sip_id": "79584630000"})
    assert answer["result"] == {"account_custom_fields": {"GN_IP_IPCR": "http://127.0.0.1:9000/mtt/",
                                                          "GN_IPCR_RESERVE": "79307084160", "i_account": 113408082}}
    status, answer = await web(simulator, "updateCallControlURL", {"sip_id": "73432143178", "url": ""})
    assert status == 200 and answer["result"] == {"success": 1}
    status, answer = await web(simulator, "setReserveCallControlNumber", {"sip_id": "73432143178",
                                                                           "number": "79991112233"})
    assert answer["result"] == {"success": 1}
    status, answer = await web(simulator, "getAccountCustomFields", {"sip_id": "73432143178"})
    fields = answer["result"]["account_custom_fields"]
    assert fields["GN_IP_IPCR"] == "" and fields["GN_IPCR_RESERVE"] == "79991112233"
    assert isinstance(fields["i_account"], int)


async def test_permission_denied(simulator):
    for method, params in [("updateCallControlURL", {"sip_id": "73432143178", "url": ""}),
                           ("setReserveCallControlNumber", {"sip_id": "73432143178", "number": ""}),
                           ("getAccountCustomFields", {"sip_id": "79584630000"})]:
        status, answer = await web(simulator, method, params, auth=OTHER_API)
        assert answer["error"] == {"code": -32002, "message": "Permission denied",
                                   "data": "agent does not have access to this account"}


async def test_url_ports(simulator):
    bad = await web(simulator, "updateCallControlURL", {"sip_id": "73432143178", "url": "https://crm.example.ru:8443/mtt"})
    assert bad[1]["error"]["code"] == -32602
    for url in ("https://user:pw@crm.example.ru/mtt", "http://crm.example.ru:80/x", "http://127.0.0.1:8123/hook"):
        status, answer = await web(simulator, "updateCallControlURL", {"sip_id": "73432143178", "url": url})
        assert answer["result"] == {"success": 1}, url
    simulator.patch_world({"providers": {"mtt-telecom": {"settings": {"loopback_receivers": False}}}})
    status, answer = await web(simulator, "updateCallControlURL", {"sip_id": "73432143178",
                                                                    "url": "http://127.0.0.1:8123/hook"})
    assert answer["error"]["code"] == -32602
    status, answer = await web(simulator, "setReserveCallControlNumber", {"sip_id": "73432143178", "number": "abc"})
    assert answer["error"]["code"] == -32602


# ------------------------------------------------------------------ routing
@pytest.fixture
def client(simulator, callback_sink):
    """The client's API: ``client.answer(result)`` scripts the getControlCallFollowMe result."""
    url = callback_sink.url("/control").replace("http://", "http://mtt_user:mtt_password@")
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"customers": {"110000777": {
        "accounts": {SIP: {"control_url": url}}}}}}}}})

    class Client:
        sink = callback_sink
        events_url = callback_sink.url("/events")

        def answer(self, result, status=200):
            def handler(req):
                return status, {"jsonrpc": "2.0", "id": req.json()["id"], "result": result}
            callback_sink.respond("/control", handler=handler)

        def events(self):
            return [r.json() for r in callback_sink.received("/events")]

        def kinds(self):
            return [(e["event"]["type"], e["event"].get("side")) for e in self.events()]
    return Client()


def struct(*entries):
    return [len(entries), list(entries)]


def entry(number, timeout=15, order=1, **kw):
    return {"I_FOLLOW_ORDER": str(order), "ACTIVE": "Y", "NAME": number, "REDIRECT_NUMBER": number,
            "PERIOD": "always", "PERIOD_DESCRIPTION": "always", "TIMEOUT": str(timeout), **kw}


def legs(simulator, call):
    done = simulator.engine.get(call.id)
    return done, [l for l in done.legs.values() if l.role == "dialled"]


async def test_the_request_and_a_single_redirect(simulator, client):
    client.answer({"redirect_type": 1, "event_URL": client.events_url, "client_id": "1235",
                   "followme_struct": struct(entry("79684881033"))})
    # the caller stays on the line: the employee (talks 60 s) hangs up first
    call = await simulator.start_call("mtt-telecom", CALLER, SIP, caller={"hangup_after": 600})
    await simulator.advance(120)
    (req,) = client.sink.received("/control")
    body = req.json()
    assert body["method"] == "getControlCallFollowMe" and body["jsonrpc"] == "2.0"
    assert body["params"]["sip_id"] == SIP and body["params"]["numberA"] == CALLER
    assert len(body["params"]["h323_conf_id"].split()) == 4
    assert req.headers["Authorization"] == "Basic " + base64.b64encode(b"mtt_user:mtt_password").decode()
    done, dialled = legs(simulator, call)
    assert [l.number for l in dialled] == ["79684881033"] and done.answered_at is not None
    assert dialled[0].caller_id == CALLER   # masking N: the original A-number
    assert client.kinds() == [("o", None), ("s", None), ("h", "B")]
    o, s, h = client.events()
    assert o["data"].startswith("event=o_79684881033_") and o["redirect_number"] == "79684881033"
    assert s["data"].endswith("&cause=16")
    assert h["event"] == {"type": "h", "cause": "16", "side": "B"} and h["extension"] == ""
    assert all(e["client_id"] == "1235" and e["sip_id"] == SIP and e["numberA"] == CALLER for e in client.events())
    assert all(e["h323_conf_id"] == body["params"]["h323_conf_id"] for e in client.events())


async def test_extended_events_with_prompts(simulator, client):
    client.answer({"redirect_type": 1, "event_URL": client.events_url, "event_extended": "Y",
                   "file_to_A": FILE_A, "file_to_B": FILE_B, "followme_struct": struct(entry("79684881033"))})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP, caller={"hangup_after": 20})
    await simulator.advance(200)
    assert client.kinds() == [("sp", "A"), ("ep", "A"), ("o", None), ("s", None), ("sp", "B"), ("ep", "B"),
                              ("t", None), ("h", client.kinds()[-1][1])]
    sp_a, ep_a, o, s, sp_b, ep_b, t, h = client.events()
    assert sp_a["data"].startswith(f"event=sp_{CALLER}_") and "redirect_number" not in sp_a
    assert sp_b["redirect_number"] == "79684881033" and sp_b["data"].startswith("event=sp_79684881033_")
    assert ep_a["date_time"] - sp_a["date_time"] == 3 and ep_b["date_time"] - sp_b["date_time"] == 2
    # prompt time does not count toward TIMEOUT: the number is dialled after the caller's prompt
    assert o["date_time"] == ep_a["date_time"]


async def test_sequential_then_parallel(simulator, client):
    simulator.patch_world({"parties": {"numbers": {"+79160000001": {"no_answer": 0},
                                                   "+79160000002": {"answer_after": 2, "hangup_after": 10}}}})
    client.answer({"redirect_type": 2, "event_URL": client.events_url,
                   "followme_struct": struct(entry("79160000001", timeout=10), entry("79160000002", order=2))})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(60)
    done, dialled = legs(simulator, call)
    assert [l.number for l in dialled] == ["79160000001", "79160000002"]
    assert dialled[1].created_at - dialled[0].created_at == pytest.approx(10)
    assert [k for k, _ in client.kinds()] == ["o", "o", "s", "h"]
    client.sink.clear()
    client.answer({"redirect_type": 3, "followme_struct": struct(entry("79160000001", timeout=30),
                                                                 entry("79160000002", order=2))})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(60)
    done, dialled = legs(simulator, call)
    assert {l.number for l in dialled} == {"79160000001", "79160000002"}
    assert dialled[0].created_at == dialled[1].created_at
    assert next(l for l in dialled if l.number == "79160000002").answered_at is not None


@pytest.mark.parametrize("answer,prompt", [
    ({"redirect_type": 1, "followme_struct": [1, [{"ACTIVE": "N"}]]}, False),
    ({"redirect_type": 1, "file_to_A": "3d221eb1aadf4d035bd87891abc82de7", "followme_struct": [1, [{"ACTIVE": "N"}]]},
     True),
    ({"redirect_type": 1, "followme_struct": [1, [{"I_FOLLOW_ORDER": 1, "ACTIVE": "N", "NAME": "имя",
                                                   "REDIRECT_NUMBER": "79684881033", "PERIOD": "always",
                                                   "PERIOD_DESCRIPTION": "Always", "TIMEOUT": "30"}]]}, False),
])
async def test_reject(simulator, client, answer, prompt):
    client.answer({**answer, "event_URL": client.events_url})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(30)
    done, dialled = legs(simulator, call)
    assert dialled == [] and done.cause == 21
    played = [e for e in done.timeline if e["event"] == "prompt.finished"]
    assert bool(played) == prompt
    assert client.kinds() == [("h", "A")]


async def test_dtmf_after_answer(simulator, client):
    client.answer({"redirect_type": 1, "event_URL": client.events_url,
                   "followme_struct": struct(entry("79684881033", DTMF="WW1w3151#"))})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(120)
    done, dialled = legs(simulator, call)
    digits = [e["digit"] for e in done.timeline if e["event"] == "leg.dtmf"]
    assert digits == list("13151#")
    assert client.events()[-1]["extension"] == "13151#"


async def test_masking_and_answer(simulator, client):
    client.answer({"redirect_type": 1, "masking": "Y", "answer": "Y", "file_to_A": FILE_A,
                   "followme_struct": struct(entry("79684881033"))})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(120)
    done, dialled = legs(simulator, call)
    origin = next(l for l in done.legs.values() if l.role == "origin")
    assert dialled[0].caller_id == SIP                  # the A-number hidden behind the MTT number
    assert origin.answered_at == done.started_at        # the prompt is played in the answered state


@pytest.mark.parametrize("how", ["http500", "bad-body", "rpc-error", "timeout"])
async def test_fallback_to_the_reserve_number(simulator, client, how):
    if how == "http500":
        client.sink.respond("/control", status=500)
    elif how == "bad-body":
        client.sink.respond("/control", handler=lambda req: (200, {"jsonrpc": "2.0", "id": req.json()["id"],
                                                                   "result": {"redirect_type": 7}}))
    elif how == "rpc-error":
        client.sink.respond("/control", handler=lambda req: (200, {"jsonrpc": "2.0", "id": req.json()["id"],
                                                                   "error": {"code": -32000, "message": "busy"}}))
    else:
        never = asyncio.get_running_loop().create_future()
        simulator.patch_world({"providers": {"mtt-telecom": {"settings": {"control_timeout": 0.3}}}})

        async def stall(req):
            await never
        client.sink.respond("/control", handler=stall)
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(120)
    done, dialled = legs(simulator, call)
    assert [l.number for l in dialled] == ["79684881033"]   # GN_IPCR_RESERVE of 79586488002
    assert done.answered_at is not None


async def test_no_reserve_number_fails_the_call(simulator, client):
    client.sink.respond("/control", status=404)
    await web(simulator, "setReserveCallControlNumber", {"sip_id": SIP, "number": ""})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(10)
    done, dialled = legs(simulator, call)
    assert dialled == [] and done.cause == 41


async def test_real_host_on_another_port_is_not_asked(simulator, client):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"customers": {"110000777": {
        "accounts": {SIP: {"control_url": "http://crm.example.ru:8080/mtt"}}}}}}}}})
    call = await simulator.start_call("mtt-telecom", CALLER, SIP)
    await simulator.advance(60)
    done, dialled = legs(simulator, call)
    assert [l.number for l in dialled] == ["79684881033"]
    assert simulator.journal(provider="mtt-telecom", direction="out") == []


async def test_caller_hangs_up_while_ringing(simulator, client):
    client.answer({"redirect_type": 1, "event_URL": client.events_url,
                   "followme_struct": struct(entry("79684881035", timeout=60))})
    simulator.patch_world({"parties": {"numbers": {"+79684881035": {"no_answer": 0}}}})
    await simulator.start_call("mtt-telecom", CALLER, SIP, caller={"give_up_after": 8})
    await simulator.advance(60)
    assert client.kinds() == [("o", None), ("h", "A")]


@pytest.mark.parametrize("name,dialled,cause", [
    ("getControlCallFollowMe.response.json", ["79684881033"], None),
    ("getControlCallFollowMe.response-reject.json", [], 21),
    ("getControlCallFollowMe.response-reject-number.json", [], 21),
    ("getControlCallFollowMe.response-reject-prompt.json", [], 21),
])
async def test_the_documented_answers_drive_calls(simulator, client, name, dialled, cause):
    """The document's answers verbatim (their event_URLs are foreign hosts: those events are refused)."""
    import json as _json
    from .part2_examples import EXAMPLES
    result = _json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["result"]
    client.answer(result)
    call = await simulator.start_call("mtt-telecom", CALLER, SIP, caller={"hangup_after": 30})
    await simulator.advance(120)
    done, legs_ = legs(simulator, call)
    assert [l.number for l in legs_] == dialled
    if cause is not None:
        assert done.cause == cause
    else:
        prompts = [e["duration"] for e in done.timeline if e["event"] == "prompt.started"]
        assert prompts == [3, 2]   # greeting_a.mp3 to the caller, greeting_b.mp3 to 79684881033
    if "event_URL" in result:
        events = simulator.journal(provider="mtt-telecom", direction="out", kind="call control event")
        assert events and all(e["error"] == "refused" for e in events)
