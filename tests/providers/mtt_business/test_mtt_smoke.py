from .conftest import ROMASHKA, SEVER, call_infos, states


async def test_structure(api):
    status, body, _ = await api("GET", "/externalNumbersInfo")
    assert status == 200, body
    assert body["result"]["total"] == 3


async def test_incoming(simulator, hooks):
    await simulator.start_call("mtt-business", "78124241500", "74996497803")
    await simulator.advance(60)
    print(call_infos(hooks, SEVER))
    assert states(hooks, SEVER)[0] == "trying"


async def test_make_call(simulator, hooks, api):
    status, body, _ = await api("POST", "/makeCall", json={"params": {"calleid": "89219462761", "callerId": "883140582526566"}})
    assert status == 200, body
    await simulator.advance(120)
    print(call_infos(hooks, ROMASHKA))
    assert states(hooks, ROMASHKA)[0] == "trying"
