"""The control API on this provider's state: POST /_sim/reset and PATCH /_sim/world over HTTP."""


async def control(simulator, method, path, **kw):
    async with simulator.request(method, path, **kw) as r:
        return r.status, (await r.json() if r.content_type == "application/json" else await r.read())


async def test_reset_restores_the_initial_portal(simulator, api, callback_sink):
    _, page = await api("GET", "/api/v1/callHistory/enterprise")
    initial_total = page["totalElements"]
    # what a client changes: a subscription, a rule, a schedule, a mechanism, a call in history
    _, sub = await api("POST", "/api/subscription", json={"abonentId": 1234})
    await api("POST", "/api/findMe/1234/parallel", json={"ruleName": "p", "ruleNumbers": [{"number": "500"}]})
    await api("DELETE", "/api/findMe/1233/redirect/1256")
    _, sched = await api("POST", "/api/schedules/abonent/1234", json={"name": "new"})
    await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/wh")})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(1000)
    assert (await api("GET", "/api/v1/callHistory/enterprise"))[1]["totalElements"] > initial_total

    status, _ = await control(simulator, "POST", "/_sim/reset")
    assert status == 200
    received = len(callback_sink.received("/wh"))
    assert (await api("GET", "/api/v1/callHistory/enterprise"))[1]["totalElements"] == initial_total
    ref = {"abonentId": 1234, "subscriptionId": sub["subscriptionId"]}
    assert (await api("GET", "/api/subscription", json=ref))[0] == 404
    doc = {"abonentId": 1735, "subscriptionId": "1s9s000w"}
    assert (await api("GET", "/api/subscription", json=doc))[1] == {"expires": 3600, "subscriptionId": "1s9s000w"}
    assert (await api("GET", "/api/findMe/1234"))[1] == {"parallelRules": [], "sequentialRules": [],
                                                         "redirectRules": []}
    assert [r["id"] for r in (await api("GET", "/api/findMe/1233"))[1]["redirectRules"]] == [1256]
    ids = {s["recordId"] for s in (await api("GET", "/api/schedules/abonent/1234"))[1]}
    assert sched["recordId"] not in ids
    _, state = await control(simulator, "GET", "/_sim/providers/mts-vpbx")
    x214 = next(e for e in state["state"]["enterprises"] if e["enterpriseBwksId"] == "X214")
    assert x214["services"]["webhook"]["active"] is False
    # nothing armed before the reset fires afterwards: no CHECK_ALIVE, no events, no expiry
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(3700)
    assert len(callback_sink.received("/wh")) == received


async def test_patch_world_over_http_switches_a_mechanism_on(simulator, api, callback_sink):
    patch = {"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "webhook": {"active": True, "callbackUrl": callback_sink.url("/wh"), "clientApiKey": "ui"}}}}}}
    status, _ = await control(simulator, "PATCH", "/_sim/world", json=patch)
    assert status == 200
    await simulator.settle()
    assert [r.json() for r in callback_sink.received("/wh")] == [{"eventType": "CHECK_ALIVE", "abonentId": 0}]
    assert callback_sink.received("/wh")[0].headers["X-AUTH-TOKEN"] == "ui"
    # a bad section is refused with the path of the field, and the portal keeps running as it was
    bad = {"providers": {"mts-vpbx": {"enterprises": {"X214": {"maxDeliveryAttempts": 9}}}}}
    status, body = await control(simulator, "PATCH", "/_sim/world", json=bad)
    assert status == 422 and "maxDeliveryAttempts" in str(body)
    assert (await api("GET", "/api/abonents"))[0] == 200
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(90)
    kinds = [r.json()["eventType"] for r in callback_sink.received("/wh")]
    assert kinds == ["CHECK_ALIVE", "CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]


async def test_patching_only_the_key_keeps_an_api_activation(simulator, api, callback_sink):
    """A patch applies the fields it changes; an activation made through the API stays on."""
    await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/wh")})
    await simulator.settle()
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"webhook": {"clientApiKey": "k2"}}}}}})
    await simulator.advance(3600)
    probes = callback_sink.received("/wh")
    assert len(probes) == 2   # at activation and at the next check an hour later: the activation stays
    assert probes[0].headers.get("X-AUTH-TOKEN") is None and probes[-1].headers["X-AUTH-TOKEN"] == "k2"


async def test_directory_patch_keeps_live_calls_activation_and_history(simulator, api, callback_sink):
    """Patching an abonent's phone (a directory change) while the portal is in use loses nothing."""
    await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/wh")})
    _, rule = await api("POST", "/api/findMe/1234/redirect", json={"ruleName": "r", "ifBusyRedirect": "650"})
    _, sched = await api("POST", "/api/schedules/abonent/1234", json={"name": "мой"})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(30)   # 1234 answers after 2 s and talks 60 s: still live during the patch
    call = await simulator.start_call("mts-vpbx", "+79161234568", "+79160001735")
    await simulator.advance(6)    # answered by 1735 after 4 s
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"abonents": {
        "1236": {"party": {"answer_after": 1, "hangup_after": 5}}}}}}}})
    (live,) = (await api("GET", "/api/user/1735/calls"))[1]
    assert (await api("GET", f"/api/user/1735/calls/{live['callId']}"))[1]["state"] == "Active"
    await simulator.advance(120)
    assert call.ended
    kinds = [r.json()["eventType"] for r in callback_sink.received("/wh") if r.json()["abonentId"] == 1735]
    assert kinds == ["CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]
    for user in (1234, 1735):
        _, page = await api("GET", f"/api/v1/callHistory/user/{user}", params={"dateFrom": "1795413600000"})
        assert page["totalElements"] == 1
    assert [r["id"] for r in (await api("GET", "/api/findMe/1234"))[1]["redirectRules"]] == [rule["id"]]
    assert sched["recordId"] in {s["recordId"] for s in (await api("GET", "/api/schedules/abonent/1234"))[1]}
    # the patched phone is in force: 1234 busy -> the kept ifBusy rule -> 1236 answers after 1 s
    await simulator.start_call("mts-vpbx", "+79161234569", "+79160001234", script={"+79160001234": {"busy": True}})
    await simulator.advance(30)
    _, page = await api("GET", "/api/v1/callHistory/user/1236", params={"dateFrom": "1795413600000"})
    (rec,) = page["content"]
    assert (rec["redirectingReason"], rec["answerDuration"], rec["duration"]) == ("USER_BUSY", 1, 5)
    # CHECK_ALIVE goes on every 5 minutes, not twice
    probes = [r for r in callback_sink.received("/wh") if r.json()["eventType"] == "CHECK_ALIVE"]
    assert len(probes) == 1
