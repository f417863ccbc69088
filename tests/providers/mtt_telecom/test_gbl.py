"""The Global Black List on gapi.mtt.ru /v1/api, and what it does to calls."""
from .conftest import API
from .rest_client import GAPI, rpc


async def gapi(simulator, method, params=None):
    return await rpc(simulator, "/v1/api", method, params, auth=GAPI)


async def test_rules_as_the_examples(simulator):
    status, answer = await gapi(simulator, "getGBLRules", {})
    assert status == 200 and answer["result"] == [79663089363, 79266966166]
    status, answer = await gapi(simulator, "deleteGBLRule", {"gbl_rule": "79266966166"})
    assert answer["result"] == {"success": 1}
    status, answer = await gapi(simulator, "deleteGBLRule", {"gbl_rule": "79266966166"})
    assert status == 404 and answer["error"]["code"] == -32001
    assert answer["error"]["data"][0]["message"] == "gbl_rule «79266966166» not found."
    status, answer = await gapi(simulator, "addGBLRule", {"gbl_rule": "79266966166"})
    assert answer["result"] == {"success": 1}
    status, answer = await gapi(simulator, "getGBLRules")
    assert answer["result"] == [79663089363, 79266966166]


async def test_add_refusals(simulator):
    for rule in ("79663089363", "not a number", True):
        status, answer = await gapi(simulator, "addGBLRule", {"gbl_rule": rule})
        assert answer["error"]["code"] == -32603 and answer["error"]["message"] == "Internal error"
        assert answer["error"]["data"][0]["code"] == "A_CAPI_CREATE_RATE"
    status, answer = await gapi(simulator, "addGBLRule", {"gbl_rule": "79266966166"})
    assert answer["error"]["data"][0]["message"] == "Failed to create new rate for Destination «79266966166»"


async def test_listed_caller_is_rejected(simulator, callback_sink):
    # a control URL is set on 79586488002: a listed caller never reaches it
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"customers": {"110000777": {
        "accounts": {"79586488002": {"control_url": callback_sink.url("/control")}}}}}}}}})
    call = await simulator.start_call("mtt-telecom", "79663089363", "79586488002")
    await simulator.advance(5)
    done = simulator.engine.get(call.id)
    assert done.ended_at is not None and done.cause == 21
    assert callback_sink.received("/control") == []
    await gapi(simulator, "deleteGBLRule", {"gbl_rule": "79663089363"})
    call = await simulator.start_call("mtt-telecom", "79663089363", "79586488002")
    await simulator.advance(1)
    assert len(callback_sink.received("/control")) == 1


async def test_listed_destination_is_not_dialled(simulator):
    await gapi(simulator, "addGBLRule", {"gbl_rule": "79163777604"})
    simulator.patch_world({"parties": {"numbers": {"+79636793312": {"answer_after": 1, "hangup_after": 5}}}})
    call = await simulator.start_call("mtt-telecom", "79161230000", "74951348579")
    await simulator.advance(60)
    done = simulator.engine.get(call.id)
    assert [l.number for l in done.legs.values() if l.role == "dialled"] == ["79636793312"]


async def test_followme_skips_a_listed_destination(simulator):
    # part 1's follow-me rings through ringing.dial: a listed row is refused (21), the next one rings
    await gapi(simulator, "addGBLRule", {"gbl_rule": "79684881035"})
    await rpc(simulator, "/index.php", "setFollowme", ["74951345897", [
        {"redirect_number": "79684881035", "timeout": 10, "follow_order": 1},
        {"redirect_number": "79636793312", "timeout": 15, "follow_order": 2}]], auth=API)
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345897")
    await simulator.advance(1)
    legs = [leg for leg in simulator.engine.get(call.id).legs.values() if leg.role == "dialled"]
    assert [leg.number for leg in legs] == ["79684881035", "79636793312"]   # no 10 s ring on the first
    await simulator.advance(14)
    legs = [leg for leg in simulator.engine.get(call.id).legs.values() if leg.role == "dialled"]
    assert [leg.number for leg in legs] == ["79684881035", "79636793312"]
    assert legs[0].cause == 21 and legs[0].answered_at is None
    assert legs[1].answered_at is not None


async def test_callback_does_not_ring_a_listed_b_number(simulator):
    await gapi(simulator, "addGBLRule", {"gbl_rule": "79636793312"})
    from simulator.providers.mtt_telecom import ringing

    p = simulator.sim.providers["mtt-telecom"]
    call = p.sim.engine.create_call(p.slug, "romashka", "outbound", "74951345897", "79636793312")
    leg = ringing.dial(p, call, ringing.Target("79636793312", 30, "74951345897"))
    assert leg.ended and leg.cause == 21
    other = ringing.dial(p, call, ringing.Target("79684881033", 30, "74951345897"))
    assert not other.ended
    p.sim.engine.hangup(other, 16)
