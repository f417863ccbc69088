"""Notifications: API CRM / Webhook events, retries on the virtual clock, error counter,
CHECK_ALIVE, subscription expiry."""
import pytest


def provider(simulator):
    return simulator.sim.providers["mts-vpbx"]


def events(sink, path="/hook", kind=None):
    out = [r.json() for r in sink.received(path)]
    return [e for e in out if kind is None or e["eventType"] == kind]


def via(entry, url_path, kind=None):
    """A journal entry of a callback sent to the sink's ``url_path`` (of the event ``kind``)."""
    return entry["url"].endswith(url_path) and (kind is None or entry["kind"] == kind)


def call_events(sink, path="/hook"):
    return [e for e in events(sink, path) if e["eventType"] not in ("CHECK_ALIVE",)]


async def activate(api, sink, kind="apicrm", key="123", path="/hook"):
    body = {"callbackUrl": sink.url(path)}
    if key is not None:
        body["clientApiKey"] = key
    status, _ = await api("POST", f"/api/service/{kind}", json=body)
    assert status == 200


async def test_apicrm_events_of_a_subscribed_abonent(simulator, api, callback_sink):
    await activate(api, callback_sink)
    await simulator.settle()
    check = events(callback_sink, kind="CHECK_ALIVE")
    assert check == [{"eventType": "CHECK_ALIVE", "abonentId": 0}]
    # 1735 is subscribed (1s9s000w); its phone answers after 4 s and hangs up after 45 s
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(60)
    evs = call_events(callback_sink)
    assert [e["eventType"] for e in evs] == ["CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED"]
    assert [e["payload"]["state"] for e in evs] == ["Alerting", "Active", "Released"]
    p = evs[-1]["payload"]
    assert evs[0]["abonentId"] == 1735 and p["callDirection"] == "Terminator"
    assert p["remotePartyAddress"] == "tel:+79161234567" and p["extTrackingId"].endswith(":1")
    assert p["callId"].startswith("callhalf-")
    assert p["answerTime"] - p["startTime"] == 4000 and p["endTime"] - p["answerTime"] == 45000
    assert evs[0]["payload"]["answerTime"] is None
    for r in callback_sink.received("/hook"):
        assert r.headers["X-AUTH-TOKEN"] == "123" and r.content_type == "application/json"


async def test_apicrm_ignores_unsubscribed_abonents(simulator, api, callback_sink):
    await activate(api, callback_sink)
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")  # 1234: no subscription
    await simulator.advance(90)
    assert call_events(callback_sink) == []
    await api("POST", "/api/subscription", json={"abonentId": 1234})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(90)
    assert [e["eventType"] for e in call_events(callback_sink)] == ["CALL_RECEIVED", "CALL_ANSWERED",
                                                                   "CALL_RELEASED"]


async def test_webhook_covers_every_abonent_and_both_mechanisms_send(simulator, api, callback_sink):
    await activate(api, callback_sink, "webhook", key=None, path="/wh")
    await activate(api, callback_sink, "apicrm", path="/crm")
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001234")
    await simulator.advance(90)
    assert len(call_events(callback_sink, "/wh")) == 3 and call_events(callback_sink, "/crm") == []
    assert all("X-AUTH-TOKEN" not in r.headers for r in callback_sink.received("/wh"))
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(90)
    assert len(call_events(callback_sink, "/wh")) == 6 and len(call_events(callback_sink, "/crm")) == 3


async def test_subscription_expiry_sends_termination_and_stops_events(simulator, api, callback_sink):
    await activate(api, callback_sink)
    await simulator.advance(3599)
    assert events(callback_sink, kind="SUBSCRIPTION_TERMINATION") == []
    await simulator.advance(2)
    assert events(callback_sink, kind="SUBSCRIPTION_TERMINATION") == [
        {"eventType": "SUBSCRIPTION_TERMINATION", "abonentId": 1735}]
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(90)
    assert call_events(callback_sink) == [{"eventType": "SUBSCRIPTION_TERMINATION", "abonentId": 1735}]


async def test_renewal_postpones_expiry(simulator, api, callback_sink):
    await activate(api, callback_sink)
    await simulator.advance(3000)
    await api("PUT", "/api/subscription", json={"abonentId": 1735, "subscriptionId": "1s9s000w"})
    await simulator.advance(3000)
    assert events(callback_sink, kind="SUBSCRIPTION_TERMINATION") == []
    await simulator.advance(700)
    assert len(events(callback_sink, kind="SUBSCRIPTION_TERMINATION")) == 1


def _fail_events(times):
    state = {"left": times}

    def handler(req):
        if req.json()["eventType"] == "CHECK_ALIVE":
            return 200, ""
        if state["left"] > 0:
            state["left"] -= 1
            return 500, "boom"
        return 200, ""
    return handler


async def test_retry_schedule_on_the_virtual_clock(simulator, api, callback_sink):
    callback_sink.respond("/hook", handler=_fail_events(4))
    await activate(api, callback_sink)
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", caller={"give_up_after": 2})
    await simulator.advance(200)
    attempts = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook", "CALL_RECEIVED")]
    times = [e["sim_time"] for e in attempts]
    assert [round(b - a, 3) for a, b in zip(times, times[1:])] == [5, 10, 15, 20]
    assert [e["status"] for e in attempts] == [500, 500, 500, 500, 200]
    # ordering per target: the RELEASED event waited behind the retried one
    released = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook", "CALL_RELEASED")]
    assert released[0]["sim_time"] >= times[-1]
    svc = provider(simulator).describe()["enterprises"][0]["services"]["apicrm"]
    assert svc["errorCount"] == 4 and svc["active"]


async def test_attempt_limit(simulator, api, callback_sink):
    callback_sink.respond("/hook", handler=_fail_events(10 ** 6))
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"maxDeliveryAttempts": 12}}}}})
    await activate(api, callback_sink)
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", caller={"give_up_after": 2})
    await simulator.advance(3 * 3600)
    received = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook", "CALL_RECEIVED")]
    assert len(received) == 12
    gaps = [round(b["sim_time"] - a["sim_time"]) for a, b in zip(received, received[1:])]
    assert gaps == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 100]


async def sim_state(simulator):
    """The provider's live view through the control API (GET /_sim/providers/mts-vpbx)."""
    async with simulator.request("GET", "/_sim/providers/mts-vpbx") as r:
        assert r.status == 200
        body = await r.json()
    assert body["slug"] == "mts-vpbx"
    return {e["enterpriseBwksId"]: e for e in body["state"]["enterprises"]}


async def test_error_counter_is_visible_through_the_control_api(simulator, api, callback_sink):
    callback_sink.respond("/hook", handler=_fail_events(3))
    await activate(api, callback_sink)
    before = await sim_state(simulator)
    assert before["X214"]["services"]["apicrm"] == {
        "active": True, "callbackUrl": callback_sink.url("/hook"), "clientApiKey": "123", "errorCount": 0,
        "checkAliveFailures": 0, "disabledReason": None}
    assert before["X214"]["subscriptions"] == [{"abonentId": 1735, "subscriptionId": "1s9s000w", "expires": 3600}]
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", caller={"give_up_after": 2})
    await simulator.advance(60)
    after = await sim_state(simulator)
    assert after["X214"]["services"]["apicrm"]["errorCount"] == 3
    assert after["X214"]["services"]["webhook"]["errorCount"] == 0   # kept per mechanism
    assert after["E30770"]["services"]["apicrm"]["errorCount"] == 0
    await activate(api, callback_sink)   # re-activation resets the counter
    assert (await sim_state(simulator))["X214"]["services"]["apicrm"]["errorCount"] == 0


async def test_error_counter_switches_the_mechanism_off_at_2000(simulator, api, callback_sink):
    callback_sink.respond("/hook", handler=_fail_events(10 ** 6))
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "apicrm": {"active": True, "callbackUrl": callback_sink.url("/hook"), "clientApiKey": "k",
                   "errorCount": 1997}}}}}})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735", caller={"give_up_after": 2})
    await simulator.advance(600)
    view = (await sim_state(simulator))["X214"]["services"]["apicrm"]
    assert view["active"] is False and view["errorCount"] == 2000 and view["disabledReason"] == "2000 delivery errors"
    out = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook") and e["kind"].startswith("CALL")]
    sent = [e for e in out if e.get("error") != "dropped"]
    dropped = [e for e in out if e.get("error") == "dropped"]
    # three failed attempts of CALL_RECEIVED (1998, 1999, 2000) ...
    assert [(e["kind"], e["attempt"], e["status"]) for e in sent] == [("CALL_RECEIVED", n, 500) for n in (1, 2, 3)]
    # ... then no retry follows, and the CALL_RELEASED queued behind it is dropped unsent at once
    assert [(e["kind"], e["attempt"]) for e in dropped] == [("CALL_RELEASED", 1)]
    assert dropped[0]["sim_time"] == sent[-1]["sim_time"]
    assert len(callback_sink.received("/hook")) == len(sent) + 1  # + the CHECK_ALIVE of the activation
    n_out = len(simulator.callbacks(provider="mts-vpbx"))
    await simulator.advance(3600)   # no retries, no CHECK_ALIVE: the mechanism is off
    assert len(simulator.callbacks(provider="mts-vpbx")) == n_out
    assert simulator.journal(provider="mts-vpbx", direction="notice", kind="service-disabled")
    # no more events for the subscribed abonent while switched off
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(120)
    assert len(simulator.callbacks(provider="mts-vpbx")) == n_out
    # activation switches it on again and resets the counter
    callback_sink.respond("/hook", status=200)
    await activate(api, callback_sink)
    view = (await sim_state(simulator))["X214"]["services"]["apicrm"]
    assert view["active"] is True and view["errorCount"] == 0


async def test_messages_queued_before_a_switch_off_are_dropped(simulator, api, callback_sink):
    """A switch-off through the world (the portal's UI) drops what is still queued or retried."""
    callback_sink.respond("/hook", handler=_fail_events(10 ** 6))
    on = {"active": True, "callbackUrl": callback_sink.url("/hook"), "clientApiKey": "k"}
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"apicrm": on}}}}})
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(7)   # CALL_RECEIVED failed twice; CALL_ANSWERED waits behind it
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"apicrm": {"active": False}}}}}})
    await simulator.advance(300)
    out = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook") and e["kind"].startswith("CALL")]
    sent = [e for e in out if e.get("error") != "dropped"]
    assert [e["attempt"] for e in sent] == [1, 2] and {e["kind"] for e in sent} == {"CALL_RECEIVED"}
    # the pending retry and the queued CALL_ANSWERED are dropped; CALL_RELEASED (after the
    # switch-off) is never queued for the switched-off mechanism
    assert [(e["kind"], e["attempt"]) for e in out if e.get("error") == "dropped"] == [
        ("CALL_RECEIVED", 3), ("CALL_ANSWERED", 1)]
    # the counter stays where the switched-off mechanism left it
    assert (await sim_state(simulator))["X214"]["services"]["apicrm"]["errorCount"] == 2


async def test_check_alive_404_three_times_disables_and_notifies(simulator, api, callback_sink):
    callback_sink.respond("/hook", status=404)
    await activate(api, callback_sink)
    await simulator.settle()
    assert provider(simulator).backend.by_id[214].services["apicrm"].active
    await simulator.advance(300)
    assert provider(simulator).backend.by_id[214].services["apicrm"].active
    await simulator.advance(300)
    svc = provider(simulator).backend.by_id[214].services["apicrm"]
    assert not svc.active
    probes = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook", "CHECK_ALIVE")]
    assert [round(e["sim_time"] - probes[0]["sim_time"]) for e in probes] == [0, 300, 600]
    email = simulator.journal(provider="mts-vpbx", direction="notice", kind="admin-email")
    sms = simulator.journal(provider="mts-vpbx", direction="notice", kind="admin-sms")
    assert "предпринято 3 попыток" in email[0]["text"] and email[0]["to"] == "admin@romashka.example"
    assert sms[0]["text"].startswith("ВАТС: после 3 неудачных попыток")
    await simulator.advance(900)
    assert len([e for e in simulator.callbacks(provider="mts-vpbx") if via(e, "/hook", "CHECK_ALIVE")]) == 3


def probe_times(simulator, path="/hook"):
    probes = [e for e in simulator.callbacks(provider="mts-vpbx") if via(e, path, "CHECK_ALIVE")]
    return [round(e["sim_time"] - probes[0]["sim_time"]) for e in probes]


async def test_check_alive_500_is_not_a_failure_in_the_transition_period(simulator, api, callback_sink):
    """In the transition period a 500 is a non-error answer: the check ends with it."""
    callback_sink.respond("/hook", status=500)
    await activate(api, callback_sink)
    await simulator.advance(1500)
    assert provider(simulator).backend.by_id[214].services["apicrm"].active
    assert probe_times(simulator) == [0]
    await simulator.advance(3600 - 1500)
    assert probe_times(simulator) == [0, 3600]


async def test_check_alive_leaves_a_good_address_alone_until_the_next_check(simulator, api, callback_sink):
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"checkAlivePeriod": 1800}}}}})
    await activate(api, callback_sink)
    await simulator.advance(1799)
    assert probe_times(simulator) == [0]
    await simulator.advance(1801)
    assert probe_times(simulator) == [0, 1800, 3600]
    assert provider(simulator).backend.by_id[214].services["apicrm"].active


async def test_check_alive_attempts_5_minutes_apart_until_the_first_good_answer(simulator, api, callback_sink):
    callback_sink.respond("/hook", status=404, times=2)
    await activate(api, callback_sink)
    await simulator.advance(600 + 3600)
    assert probe_times(simulator) == [0, 300, 600, 600 + 3600]
    svc = provider(simulator).backend.by_id[214].services["apicrm"]
    assert svc.active and svc.checkAliveFailures == 0


async def test_check_alive_an_unreachable_address_fails_in_the_transition_period(simulator, api):
    """No HTTP answer at all (connection refused) is a failed attempt in either mode."""
    status, _ = await api("POST", "/api/service/apicrm", json={"callbackUrl": "http://127.0.0.1:9/hook",
                                                               "clientApiKey": "1"})
    assert status == 200
    await simulator.advance(600)
    assert not provider(simulator).backend.by_id[214].services["apicrm"].active
    probes = [e for e in simulator.callbacks(provider="mts-vpbx") if e["kind"] == "CHECK_ALIVE"]
    assert len(probes) == 3 and all(e["status"] is None for e in probes)
    assert simulator.journal(provider="mts-vpbx", direction="notice", kind="admin-sms")


async def test_check_alive_period_is_a_world_setting():
    from pydantic import ValidationError

    from simulator.providers.mts_vpbx.world import EnterpriseConfig
    assert EnterpriseConfig(id=1, token="t").checkAlivePeriod == 3600
    with pytest.raises(ValidationError, match="checkAlivePeriod"):
        EnterpriseConfig(id=1, token="t", checkAlivePeriod=0)


async def test_check_alive_strict_mode(simulator, api, callback_sink):
    callback_sink.respond("/hook", status=500)
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"checkAliveFailure": "strict"}}}}})
    await activate(api, callback_sink, "webhook", key=None)
    await simulator.advance(700)
    assert not provider(simulator).backend.by_id[214].services["webhook"].active


async def test_check_alive_success_resets_the_run(simulator, api, callback_sink):
    callback_sink.respond("/hook", status=404, times=2)
    await activate(api, callback_sink)
    await simulator.advance(1200)
    svc = provider(simulator).backend.by_id[214].services["apicrm"]
    assert svc.active and svc.checkAliveFailures == 0


async def test_patching_settings_keeps_client_state(simulator, api, callback_sink):
    _, sub = await api("POST", "/api/subscription", json={"abonentId": 1234})
    await api("POST", "/api/findMe/1234/parallel", json={"ruleName": "p"})
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "webhook": {"active": True, "callbackUrl": callback_sink.url("/wh")}}}}}})
    await simulator.settle()
    assert events(callback_sink, "/wh", "CHECK_ALIVE")
    ref = {"abonentId": 1234, "subscriptionId": sub["subscriptionId"]}
    assert (await api("GET", "/api/subscription", json=ref))[0] == 200
    assert len((await api("GET", "/api/findMe/1234"))[1]["parallelRules"]) == 1
    # a change of the directory rebuilds the enterprise from the world, keeping what the patch left alone
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"abonents": {"1236": None}}}}}})
    assert {a["userId"] for a in (await api("GET", "/api/abonents"))[1]} == {1735, 1233, 1234}
    assert (await api("GET", "/api/subscription", json=ref))[0] == 200
    assert len((await api("GET", "/api/findMe/1234"))[1]["parallelRules"]) == 1
    # a patch of the subscriptions themselves is the world's word
    simulator.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {"subscriptions": {"1s9s000w": None}}}}}})
    assert (await api("GET", "/api/subscription", json=ref))[0] == 404
    assert (await api("GET", "/api/subscription", json={"abonentId": 1735, "subscriptionId": "1s9s000w"}))[0] == 404


async def test_deleted_subscription_stops_events(simulator, api, callback_sink):
    await activate(api, callback_sink)
    status, _ = await api("DELETE", "/api/subscription", json={"abonentId": 1735, "subscriptionId": "1s9s000w"})
    assert status == 200
    await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735")
    await simulator.advance(3700)
    assert call_events(callback_sink) == []  # no call events and no SUBSCRIPTION_TERMINATION either
