"""The document's known limitations (§6) as world options per terminal type."""
from .conftest import ROMASHKA, SEVER, SLUG, call_infos, states


def terminal(kind, **kw):
    return {"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"88314077716581": {
        "terminals": {"88314077716581": {"kind": kind, **kw}}}}}}}}}


async def test_ip_sip_terminal_gives_only_trying_and_finished(simulator, hooks):
    """§6.1, and §6.3: no record either."""
    simulator.patch_world(terminal("sip"))
    hooks.requests.clear()
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    await simulator.advance(60)
    assert states(hooks, ROMASHKA) == ["trying", "finished"]
    assert call_infos(hooks, ROMASHKA)[1]["duration"] == 40


async def test_outgoing_from_an_ip_sip_terminal_has_no_record(simulator, hooks):
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"883140582526566": {
        "terminals": {"883140582526566": {"kind": "sip"}}}}}}}}})
    hooks.requests.clear()
    await simulator.start_call(SLUG, "883140582526566", "+79219462761", direction="outbound")
    await simulator.advance(120)
    assert states(hooks, ROMASHKA) == ["trying", "finished"]


async def test_forwarding_to_an_outside_number_gives_only_trying_and_finished(simulator, hooks, api):
    await api("POST", "/setParkingNumbers", json={"params": {"numbers": ["78005560251"], "isParking": True}})
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    trying = call_infos(hooks, ROMASHKA)[0]
    await api("POST", "/transferCall", json={"params": {"call": trying["call"], "calleid": "+79161234567",
                                                        "transportId": trying["transportId"]}})
    await simulator.advance(120)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "finished"], "no workplace: no record either (§6.3)"
    assert infos[1]["callee"]["id"] == "+79161234567"


async def test_transfer_from_an_fmc_terminal_ends_the_call(simulator, hooks, api):
    """§6.2. 883140582526566 rings its SIP phone, then its fmc terminal (sequential)."""
    await simulator.start_call(SLUG, "78124241500", "880023213", script={
        "883140582526566": {"no_answer": 0}, "79161000101": {"answer_after": 2, "hangup_after": 100}})
    await simulator.advance(23)
    connected = call_infos(hooks, ROMASHKA)[-1]
    assert connected["state"] == "connected" and connected["callee"]["accountId"] == "883140582526570"
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": connected["call"], "calleid": "883140777380595", "transportId": connected["transportId"]}})
    assert status == 200
    await simulator.advance(4)   # the record is ready 3 s after the end
    assert states(hooks, ROMASHKA)[-2:] == ["finished", "recorded"]
    assert "hiding" not in states(hooks, ROMASHKA)


async def test_mobile_app_duplicates_notifications(simulator, hooks):
    """§6.5: 883140777828305 works in the MTT Business app."""
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    await simulator.advance(30)
    assert states(hooks, SEVER).count("showing") == 2 and states(hooks, SEVER).count("trying") == 1


async def test_ivr_to_fmc_needs_a_group(simulator, hooks):
    """§6.6: through an IVR an fmc terminal outside a group gives no showing/connected."""
    patch = {"providers": {SLUG: {"tenants": {ROMASHKA: {
        "numbers": {"880023213": {"ivr": True}},
        "workplaces": {"883140582526566": {"terminals": {"883140582526566": None}}}}}}}}
    simulator.patch_world(patch)
    hooks.requests.clear()
    await simulator.start_call(SLUG, "78124241500", "880023213")
    await simulator.advance(120)
    assert states(hooks, ROMASHKA) == ["trying", "finished"]
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"883140582526566": {
        "terminals": {"883140582526570": {"group": "sales"}}}}}}}}})
    hooks.requests.clear()
    await simulator.start_call(SLUG, "78124241500", "880023213")
    await simulator.advance(120)
    assert states(hooks, ROMASHKA) == ["trying", "showing", "connected", "finished", "recorded"]


async def test_numbers_are_passed_on_as_they_arrived(simulator, hooks):
    """§6.4: a caller with two leading zeros stays so."""
    await simulator.start_call(SLUG, "0079581234567", "78005560251")
    assert call_infos(hooks, ROMASHKA)[0]["caller"] == {"accountId": "0079581234567@pstn",
                                                        "displayId": "0079581234567", "forwarderList": [],
                                                        "id": "0079581234567"}


async def test_a_forwarded_call_can_be_transferred_again(simulator, hooks, api):
    await api("POST", "/setParkingNumbers", json={"params": {"numbers": ["78005560251"], "isParking": True}})
    await simulator.start_call(SLUG, "78124241500", "78005560251",
                               script={"+79161234567": {"answer_after": 1, "hangup_after": 100}})
    trying = call_infos(hooks, ROMASHKA)[0]
    await api("POST", "/transferCall", json={"params": {"call": trying["call"], "calleid": "+79161234567",
                                                        "transportId": trying["transportId"]}})
    await simulator.advance(2)
    forward = simulator.sim.providers[SLUG].registry.legs
    leg_id = next(k for k in forward if k.endswith("~2o"))
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": {"id": leg_id}, "calleid": "883140777380595", "transportId": trying["transportId"]}})
    assert status == 200
    await simulator.advance(10)
    assert states(hooks, ROMASHKA) == ["trying", "showing", "connected"], "the forward itself sent nothing (§6.1)"


async def test_workplace_without_terminals_is_skipped_and_make_call_fails(simulator, hooks, api):
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"88314077716581": {
        "terminals": {"88314077716581": None}}}}}}}})
    hooks.requests.clear()
    status, _, _ = await api("POST", "/makeCall", json={"params": {"calleid": "89219462761",
                                                                  "callerId": "88314077716581"}})
    assert status == 409
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos][:4] == ["trying", "showing", "hiding", "showing"]
    assert infos[3]["callee"]["id"] == "883140582526566"
