"""Outgoing calls and makeCall (§10.1.2, §10.1.4–§10.1.7, §10.3.1)."""
from .conftest import ROMASHKA, SLUG, call_infos, states

MAKE = {"params": {"calleid": "89219462761", "callerId": "883140582526566"}}


async def test_make_call_rings_the_workplace_first_then_the_callee(simulator, hooks, api):
    _, body, _ = await api("POST", "/makeCall", json=MAKE)
    call_id = body["result"]["call"]["id"]
    await simulator.advance(0)
    assert states(hooks, ROMASHKA) == ["trying"]
    live = simulator.sim.engine.live(SLUG)[0]
    assert [leg.number for leg in live.legs.values()] == ["883140582526566", "79161000101"][:1], \
        "sequential workplace: its first terminal rings first; the callee is not called yet"
    await simulator.advance(3)   # the manager answers after 3 s: now the callee is called
    assert [leg.number for leg in live.legs.values()][-1] == "89219462761"
    assert states(hooks, ROMASHKA) == ["trying", "showing"]
    await simulator.advance(4)   # the callee answers after 4 s (parties.default)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected"]
    assert {i["call"]["id"] for i in infos} == {call_id}
    trying = infos[0]
    assert trying["caller"] == {"accountId": "883140582526566", "centrexId": "48212857", "displayId": "78005560251",
                                "forwarderList": [], "id": "78005560251"}
    assert trying["callee"] == {"displayId": "89219462761", "forwarderList": [], "id": "89219462761"}
    assert trying["type"] == "outgoing" and trying["transportId"] == "10.133.51.137:5070"
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "finished", "recorded"]
    fin = infos[3]
    assert fin["reason"] == "Originate leg disconnected" and fin["duration"] == 45   # the callee hangs up at 45 s
    assert infos[4]["accountId"] == "883140582526566"


async def test_make_call_not_answered_by_the_workplace_never_calls_the_callee(simulator, hooks, api):
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"88314077716581": {
        "party": {"answer_after": None, "no_answer": 0}}}}}}}})
    hooks.requests.clear()
    await api("POST", "/makeCall", json={"params": {"calleid": "89219462761", "callerId": "88314077716581"}})
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "finished"]
    assert (infos[1]["reasonCode"], infos[1]["duration"]) == (480, 0)
    call = simulator.sim.engine.finished[next(reversed(simulator.sim.engine.finished))]
    assert all(leg.number != "89219462761" for leg in call.legs.values())


async def test_make_call_to_a_busy_number(simulator, hooks, api):
    await api("POST", "/makeCall", json={"params": {"calleid": "+79031112233", "callerId": "88314077716581"}})
    await simulator.advance(30)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "finished"]
    assert (infos[1]["reasonCode"], infos[1]["reason"]) == (486, "Busy Here")
    assert infos[1]["callee"]["id"] == "+79031112233", "numbers are passed on as given (§6.4)"


async def test_terminate_a_make_call(simulator, hooks, api):
    _, body, _ = await api("POST", "/makeCall", json=MAKE)
    await simulator.advance(10)
    trying = call_infos(hooks, ROMASHKA)[0]
    status, _, _ = await api("POST", "/terminateCall", json={"params": {
        "call": {"id": body["result"]["call"]["id"], "tag": trying["call"]["tag"]}, "transportId": "10.133.51.137:5070"}})
    assert status == 200
    await simulator.advance(1)
    fin = [i for i in call_infos(hooks, ROMASHKA) if i["state"] == "finished"][0]
    assert fin["reason"] == "Answer leg disconnected" and fin["duration"] == 3


async def test_outgoing_call_from_a_workplace_phone(simulator, hooks):
    """§10.1.2: the workplace dials; caller id/displayId the external number, accountId the workplace."""
    await simulator.start_call(SLUG, "883140582526566", "+79219462761", direction="outbound")
    await simulator.advance(5)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected"]
    assert infos[0]["call"]["id"].startswith("SD") and infos[0]["call"]["id"].endswith("@127.0.0.1")
    assert infos[0]["callee"]["id"] == "+79219462761"
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "finished", "recorded"]
    assert infos[3]["reason"] == "Originate leg disconnected"


async def test_outgoing_call_ended_by_the_mtt_user(simulator, hooks):
    await simulator.start_call(SLUG, "883140777380595", "+79219462761", direction="outbound",
                               caller={"hangup_after": 7})
    await simulator.advance(60)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "finished"]   # not recorded
    assert infos[-1]["reason"] == "Answer leg disconnected" and infos[-1]["duration"] == 7


async def test_transfer_of_an_outgoing_call_to_a_colleague(simulator, hooks, api):
    await simulator.start_call(SLUG, "883140777380595", "+79219462761", direction="outbound",
                               script={"+79219462761": {"answer_after": 1, "hangup_after": 100}})
    await simulator.advance(2)
    connected = call_infos(hooks, ROMASHKA)[-1]
    assert connected["state"] == "connected"
    status, _, _ = await api("POST", "/transferCall", json={"params": {
        "call": connected["call"], "calleid": "88314077716581", "transportId": connected["transportId"]}})
    assert status == 200
    await simulator.advance(10)
    infos = call_infos(hooks, ROMASHKA)
    assert [i["state"] for i in infos] == ["trying", "showing", "connected", "hiding", "showing", "connected"]
    assert infos[4]["callee"]["id"] == "88314077716581" and infos[4]["caller"]["id"] == "+79219462761"
