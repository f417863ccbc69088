"""Bad input always gets a documented JSON-RPC answer: random values for every declared
parameter of every /index.php method never cause an internal error or a traceback."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.providers.mtt_telecom.catalogue import ENDPOINTS
from simulator.providers.mtt_telecom.params import as_int, phone

from .conftest import API, SLUG, basic

INDEX = next(e for e in ENDPOINTS if e.path == "/index.php").methods
PART1 = ["getCallHistory", "getServiceHistoryByCustomer", "setFollowme", "getFollowme", "getCustomerBalance",
         "getPersonalAccountList", "makeCallBackCallFollowme", "getCallBackFollowmeCallInfo", "setCallBackPrompt",
         "getCallBackPromptInfo", "setCallBackFollowme", "getCallBackFollowme", "deleteCallBackFollowme"]
values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["110000000", "883140500000000", "74951345897", "79684881033",
                                             "30.10.2019 10:23:35", "2017-09-14 16:01:05", "ringall", "text", "A"]),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(
        st.sampled_from(["order", "type", "redirect_number", "timeout", "side", "value", "period", "active"]), c,
        max_size=4), max_leaves=12)


@st.composite
def calls(draw):
    method = INDEX.get(draw(st.sampled_from(PART1)))
    names = [p.name for p in method.params]
    if draw(st.booleans()):
        params = draw(st.lists(values, max_size=len(names)))
    else:
        params = {n: draw(values) for n in names if draw(st.booleans())}
    return {"jsonrpc": "2.0", "method": method.name, "params": params, "id": draw(st.integers(0, 99) | st.text(max_size=3))}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=calls())
async def test_random_params_get_documented_answers(simulator, body):
    async with simulator.request("POST", simulator.url(SLUG, "/index.php"), data=json.dumps(body),
                                 headers=basic(*API)) as r:
        assert r.status in (200, 404), await r.text()
        answer = await r.json()
    assert answer["id"] == body["id"]
    assert "result" in answer or answer["error"]["code"] in (-32001, -32002, -32602), answer
    await simulator.advance(1)
    simulator.sim.journal.clear()


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.lists(st.integers())))
def test_param_checks_only_raise_documented_errors(value):
    from simulator.jsonrpc import JsonRpcError
    try:
        out = as_int(value, "limit", default=1)
        assert isinstance(out, int) and out >= 0
    except JsonRpcError as exc:
        assert exc.code == -32602 and exc.data == "Unknown param 'limit' value"
    number = phone(value)
    assert number is None or (number.isdigit() and 10 <= len(number) <= 15)
