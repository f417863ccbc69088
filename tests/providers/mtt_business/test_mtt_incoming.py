"""Incoming calls (§10.1.1, §10.1.4–§10.1.7), parking (§10.2) and the commands on them (§10.3.2–3)."""
import pytest

from .conftest import ROMASHKA, SEVER, SLUG, call_infos, states

SEVER_TOKEN_CLIENT = "5b1f0c7e-2d4a-4c8e-9f61-0a6782142601"


@pytest.fixture
async def sever(simulator):
    """An access token of 67821426, whose number 74996497803 is parked (§10.1.1)."""
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token",
                                 json={"client_id": SEVER_TOKEN_CLIENT}) as r:
        return (await r.json())["access_token"]


def legs_by_state(infos):
    return {i["state"]: i for i in infos}


async def test_parked_call_gives_the_document_sequence(simulator, hooks):
    """§10.1.1 then, the parking over with no command, the scheme's workplace (§10.1.7's example:
    the 4 s call answered on 883140777828305, finished by the MTT Business user)."""
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    infos = call_infos(hooks, SEVER)
    assert [i["state"] for i in infos] == ["trying"]
    trying = infos[0]
    assert trying["call"]["id"].endswith("~1o") and trying["call"]["tag"].endswith("____.o")
    assert trying["callee"] == {"accountId": "74996497803", "centrexId": "67821426", "displayId": "74996497803",
                                "displayName": "", "forwarderList": [], "id": "74996497803"}
    assert trying["caller"] == {"accountId": "78124241500@pstn", "displayId": "78124241500",
                                "forwarderList": [], "id": "78124241500"}
    assert trying["transportId"] == "10.133.33.136:5073" and trying["type"] == "incoming"
    assert trying["startTime"] == "2026-11-23 09:00:00"   # Moscow time
    await simulator.advance(4.9)
    assert states(hooks, SEVER) == ["trying"], "parked for 5 s"
    await simulator.advance(30)
    # the mobile app as the workplace duplicates every notification of its leg (§6.5)
    assert states(hooks, SEVER) == ["trying", "showing", "showing", "connected", "connected",
                                    "finished", "finished", "recorded", "recorded"]
    s = legs_by_state(call_infos(hooks, SEVER))
    assert s["showing"]["call"]["id"] == trying["call"]["id"][:-3] + "~2o"
    assert s["showing"]["startTime"] == "2026-11-23 09:00:05" and s["connected"]["startTime"] == "2026-11-23 09:00:07"
    fin = s["finished"]
    assert "startTime" not in fin and fin["duration"] == 4 and fin["reason"] == "Answer leg disconnected"
    assert fin["reasonCode"] is None and fin["call"] == s["showing"]["call"]
    assert fin["callee"] == {"accountId": "883140777828305", "centrexId": "67821426", "displayId": "883140777828305",
                             "display_name": "74996497803", "extensionId": "",
                             "forwarderList": [{"id": "an_prd100275045-3881851"},
                                               {"id": "scheme_prd100275045-3885981"}],
                             "id": "883140777828305"}
    rec = s["recorded"]
    assert set(rec) == {"accountId", "call", "state", "urlRecord"} and rec["accountId"] == "883140777828305"
    assert rec["urlRecord"].startswith("https://openapi-stage.mtt.ru/records/67821426/2026/11/23/")


async def test_unparked_call_goes_to_the_scheme_at_once(simulator, hooks):
    await simulator.start_call(SLUG, "+79161234567", "78005560251",
                               script={"88314077716581": {"answer_after": 2, "hangup_after": 10}})
    await simulator.advance(0)
    assert states(hooks, ROMASHKA) == ["trying", "showing"]
    await simulator.advance(30)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "finished", "recorded"]
    assert infos[1]["callee"]["id"] == "88314077716581" and infos[1]["caller"]["id"] == "+79161234567"
    assert infos[3]["duration"] == 10


async def test_caller_hanging_up_is_originate_leg_disconnected(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "78005560251", caller={"hangup_after": 3},
                               script={"88314077716581": {"answer_after": 1, "hangup_after": 50}})
    await simulator.advance(60)
    fin = legs_by_state(call_infos(hooks, ROMASHKA))["finished"]
    assert fin["reason"] == "Originate leg disconnected" and fin["duration"] == 3


async def test_no_answer_hides_and_moves_to_the_next_workplace(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "78005560251", script={"88314077716581": {"no_answer": 0}})
    await simulator.advance(19.9)
    assert states(hooks, ROMASHKA) == ["trying", "showing"]
    await simulator.advance(0.2)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "hiding", "showing"]
    assert infos[2]["callee"]["id"] == "88314077716581" and infos[3]["callee"]["id"] == "883140582526566"
    assert infos[2]["call"]["id"].endswith("~2o") and infos[3]["call"]["id"].endswith("~3o")


async def test_nobody_answers(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "880034344", script={"883140777380595": {"no_answer": 0}})
    await simulator.advance(30)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "hiding", "finished"]
    fin = infos[-1]
    assert fin["call"] == infos[0]["call"] and fin["duration"] == 0
    assert (fin["reasonCode"], fin["reason"]) == (480, "Temporarily Unavailable")


async def test_parking_set_through_the_api_applies_to_the_next_call(simulator, hooks, api):
    await api("POST", "/setParkingNumbers", json={"params": {"numbers": ["78005560251"], "isParking": True}})
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    await simulator.advance(4)
    assert states(hooks, ROMASHKA) == ["trying"]
    await simulator.advance(1)
    assert states(hooks, ROMASHKA) == ["trying", "showing"]


async def test_parking_mode_always_parks_every_number(simulator, hooks):
    simulator.patch_world({"providers": {SLUG: {"settings": {"parking_mode": "always"}}}})
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    await simulator.advance(4)
    assert states(hooks, ROMASHKA) == ["trying"]


async def test_terminate_call_on_the_parking_leg_releases_it_to_the_scheme_at_once(simulator, hooks, api, sever):
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    trying = call_infos(hooks, SEVER)[0]
    status, body, _ = await api("POST", "/terminateCall", token=sever, json={"params": {
        "call": trying["call"], "transportId": trying["transportId"]}})
    assert (status, body) == (200, {"result": {"success": 1}})
    await simulator.advance(0)
    assert states(hooks, SEVER)[1] == "showing"
    assert call_infos(hooks, SEVER)[1]["startTime"] == "2026-11-23 09:00:00"


async def test_transfer_of_the_parked_call_to_the_personal_manager(simulator, hooks, api, sever):
    simulator.patch_world({"providers": {SLUG: {"tenants": {SEVER: {"workplaces": {"883140777828399": {
        "name": "Персональный менеджер", "terminals": {"883140777828399": {"kind": "sip_phone"}},
        "party": {"answer_after": 2, "hangup_after": 20}}}}}}}})
    hooks.requests.clear()   # the workplacesChanged of the patch
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    trying = call_infos(hooks, SEVER)[0]
    status, _, _ = await api("POST", "/transferCall", token=sever, json={"params": {
        "call": trying["call"], " calleid ": "883140777828399", "transportId": trying["transportId"]}})
    assert status == 200
    await simulator.advance(60)
    infos = call_infos(hooks, SEVER)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "finished"]
    assert infos[1]["callee"]["id"] == "883140777828399" and infos[3]["duration"] == 20


async def test_manager_who_does_not_answer_returns_the_call_to_the_scheme(simulator, hooks, api, sever):
    """§5.4: a personal manager unavailable -> the call goes back to the configured scheme."""
    simulator.patch_world({"providers": {SLUG: {"tenants": {SEVER: {"workplaces": {"883140777828399": {
        "name": "Персональный менеджер", "terminals": {"883140777828399": {}},
        "party": {"busy": True}}}}}}}})
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    trying = call_infos(hooks, SEVER)[0]
    await api("POST", "/transferCall", token=sever, json={"params": {
        "call": trying["call"], "calleid": "883140777828399", "transportId": trying["transportId"]}})
    await simulator.advance(1)
    infos = call_infos(hooks, SEVER)
    assert [i["state"] for i in infos][:4] == ["trying", "showing", "hiding", "showing"]
    assert infos[3]["callee"]["id"] == "883140777828305"


async def test_transfer_of_a_connected_call_hides_and_shows(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251",
                               script={"88314077716581": {"answer_after": 1, "hangup_after": 100}})
    await simulator.advance(2)
    connected = legs_by_state(call_infos(hooks, ROMASHKA))["connected"]
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": connected["call"], "calleid": "883140777380595", "transportId": connected["transportId"]}})
    assert status == 200
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "hiding", "showing", "connected",
                                           "finished", "recorded"]   # 78005560251 is recorded
    assert infos[3]["call"] == connected["call"] and infos[4]["callee"]["id"] == "883140777380595"
    assert infos[6]["call"] == infos[4]["call"] and infos[6]["reason"] == "Answer leg disconnected"
    # the old leg is gone
    status, _, _ = await api("POST", "/terminateCall", json={"params": {
        "call": connected["call"], "transportId": connected["transportId"]}})
    assert status == 404


async def test_transfer_while_ringing_deflects(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251", script={"88314077716581": {"no_answer": 0}})
    showing = call_infos(hooks, ROMASHKA)[1]
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": showing["call"], "calleid": "883140777380595", "transportId": showing["transportId"]}})
    assert status == 200
    await simulator.advance(1)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "hiding", "showing"]
    assert infos[3]["callee"]["id"] == "883140777380595"


async def test_terminate_while_ringing_moves_on(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251", script={"88314077716581": {"no_answer": 0}})
    showing = call_infos(hooks, ROMASHKA)[1]
    await api("POST", "/terminateCall", json={"params": {"call": showing["call"],
                                                         "transportId": showing["transportId"]}})
    await simulator.advance(0)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "hiding", "showing"]
    assert infos[3]["callee"]["id"] == "883140582526566"


async def test_terminate_a_connected_call(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251",
                               script={"88314077716581": {"answer_after": 1, "hangup_after": 100}})
    await simulator.advance(11)
    connected = legs_by_state(call_infos(hooks, ROMASHKA))["connected"]
    await api("POST", "/terminateCall", json={"params": {"call": connected["call"],
                                                         "transportId": connected["transportId"]}})
    await simulator.advance(1)
    fin = legs_by_state(call_infos(hooks, ROMASHKA))["finished"]
    assert fin["reason"] == "Answer leg disconnected" and fin["duration"] == 10


async def test_transfer_needs_a_live_leg(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251")
    trying = call_infos(hooks, ROMASHKA)[0]
    status, body, _ = await api("POST", "/transferCall", json={"params": {
        "call": trying["call"], "calleid": "883140777380595", "transportId": trying["transportId"]}})
    assert status == 409 and body["error"]["code"] == "conflict"


async def test_transfer_by_short_number_fills_extension_id(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251",
                               script={"88314077716581": {"answer_after": 1, "hangup_after": 100},
                                       "883140777380595": {"answer_after": 1, "hangup_after": 5}})
    await simulator.advance(2)
    connected = legs_by_state(call_infos(hooks, ROMASHKA))["connected"]
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": connected["call"], "calleid": "102", "transportId": connected["transportId"]}})   # Ресепшн
    assert status == 200
    await simulator.advance(30)
    fin = legs_by_state(call_infos(hooks, ROMASHKA))["finished"]
    assert fin["callee"]["id"] == "883140777380595" and fin["callee"]["extensionId"] == "102"


async def test_a_hidden_leg_takes_no_commands_and_the_first_leg_ends_the_call(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "78005560251", script={"88314077716581": {"no_answer": 0}})
    await simulator.advance(21)
    infos = call_infos(hooks, ROMASHKA)
    hidden, first = infos[2], infos[0]
    assert hidden["state"] == "hiding"
    status, _, _ = await api("POST", "/terminateCall", json={"params": {"call": hidden["call"],
                                                                        "transportId": hidden["transportId"]}})
    assert status == 404
    status, _, _ = await api("POST", "/terminateCall", json={"params": {"call": first["call"],
                                                                        "transportId": first["transportId"]}})
    assert status == 200
    await simulator.advance(1)
    assert states(hooks, ROMASHKA)[-1] == "finished" and not simulator.sim.engine.live(SLUG)


async def test_transfer_target_must_be_a_number(api, simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    status, body, _ = await api("POST", "/transferCall", json={"params": {
        "call": {"id": "x~1o"}, "calleid": "manager", "transportId": "10.133.33.136:5073"}})
    assert status == 400 and "calleid" in body["error"]["message"]


async def test_a_missed_call_finishes_on_the_workplace_that_showed_it(simulator, hooks):
    await simulator.start_call(SLUG, "78124241500", "78005560251", caller={"give_up_after": 3},
                               script={"88314077716581": {"no_answer": 0}})
    await simulator.advance(10)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "finished"]
    fin = infos[2]
    assert fin["call"] == infos[1]["call"] and fin["callee"]["display_name"] == "78005560251"
    assert (fin["duration"], fin["reason"], fin["reasonCode"]) == (0, "Originate leg disconnected", None)


async def test_many_calls_at_once_each_get_their_whole_sequence(simulator, hooks):
    simulator.patch_world({"providers": {SLUG: {"settings": {"busy_in_call": False}}}})   # call waiting
    for i in range(60):
        await simulator.start_call(SLUG, f"7912000{i:04d}", "78005560251")
    await simulator.advance(120)
    by_call: dict[str, list[str]] = {}
    for info in call_infos(hooks, ROMASHKA):
        by_call.setdefault(info["call"]["id"].split("~")[0], []).append(info["state"])
    assert len(by_call) == 60
    assert all(seq == ["trying", "showing", "connected", "finished", "recorded"] for seq in by_call.values())
    assert not simulator.sim.providers[SLUG].registry.calls and not simulator.sim.providers[SLUG].registry.legs


async def test_a_terminal_in_a_conversation_is_busy_for_the_next_call(simulator, hooks):
    """78005560251: Администратор, then Менеджер (SIP phone, then fmc): three conversations at most."""
    for i in range(4):
        await simulator.start_call(SLUG, f"7912000{i:04d}", "78005560251", caller={"hangup_after": 300},
                                   script={"88314077716581": {"answer_after": 1, "hangup_after": 300},
                                           "883140582526566": {"answer_after": 1, "hangup_after": 300},
                                           "79161000101": {"answer_after": 1, "hangup_after": 300}})
        await simulator.advance(25)
    calls = {}
    for info in call_infos(hooks, ROMASHKA):
        calls.setdefault(info["call"]["id"].split("~")[0], []).append(info)
    answered = [next(i["callee"]["accountId"] for i in seq if i["state"] == "connected")
                for seq in calls.values() if any(i["state"] == "connected" for i in seq)]
    assert answered == ["88314077716581", "883140582526566", "883140582526570"]
    last = list(calls.values())[3]
    assert [i["state"] for i in last] == ["trying", "showing", "hiding", "showing", "hiding", "finished"]
    assert (last[-1]["reasonCode"], last[-1]["reason"]) == (486, "Busy Here")
    await simulator.advance(400)
    assert not simulator.sim.providers[SLUG].registry.in_call
