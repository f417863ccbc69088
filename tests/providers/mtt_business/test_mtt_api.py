"""§9 and §10.2–§10.3 methods: good and bad input, one error format, the 5 RPS limit."""
import pytest
from hypothesis import given, settings, strategies as st

from simulator.providers.mtt_business.models import TransferCallParams, trim_keys

from .conftest import SLUG, TOKEN

MAKE = {"params": {"calleid": "89219462761", "callerId": "883140582526566"}}   # §10.3.1


def is_error(body, code):
    return body["success"] == 0 and body["error"]["code"] == code and body["error"]["message"]


async def test_structure_methods_follow_the_examples(api):
    status, body, _ = await api("GET", "/externalNumbersInfo")
    assert status == 200
    assert body["result"]["total"] == 3 and {"number": "78005560251", "type": None} in body["result"]["numbersList"]
    status, body, _ = await api("GET", "/workplacesInfo")
    assert {"workplace": "88314077716581", "name": "Администратор"} in body["result"]["workplacesList"]
    assert body["result"]["total"] == len(body["result"]["workplacesList"]) == 3
    status, body, _ = await api("GET", "/terminalsinfo")
    assert {"terminal": "883140777380595", "workplace": "883140777380595"} in body["result"]["terminals_list"]
    assert body["result"]["total"] == 4


async def test_structure_methods_are_per_customer(simulator, api):
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token",
                                 json={"client_id": "5b1f0c7e-2d4a-4c8e-9f61-0a6782142601"}) as r:
        tok = (await r.json())["access_token"]
    _, body, _ = await api("GET", "/externalNumbersInfo", token=tok)
    assert body["result"] == {"total": 1, "numbersList": [{"number": "74996497803", "type": None}]}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"},
                                     {"Authorization": "Bearer"}])
async def test_every_method_needs_a_live_token(api, headers):
    for method, path in [("GET", "/externalNumbersInfo"), ("GET", "/workplacesInfo"), ("GET", "/terminalsinfo"),
                         ("POST", "/setParkingNumbers"), ("POST", "/makeCall"), ("POST", "/terminateCall"),
                         ("POST", "/transferCall")]:
        status, body, resp_headers = await api(method, path, token=None, headers=headers, json=MAKE)
        assert status == 401 and is_error(body, "invalid_token"), (path, body)
        assert resp_headers["WWW-Authenticate"].startswith("Bearer")


async def test_api_hosts_serve_the_methods(simulator):
    for host in ("openapi.mtt.ru", "openapi-stage.mtt.ru"):
        async with simulator.request("GET", "/externalNumbersInfo",
                                     headers={"Host": host, "Authorization": f"Bearer {TOKEN}"}) as r:
            assert r.status == 200


async def test_set_parking_numbers(simulator, api):
    status, body, _ = await api("POST", "/setParkingNumbers",
                                json={"params": {"numbers": ["880023213", "880034344"], "isParking": True}})
    assert (status, body) == (200, {"success": 1})
    assert simulator.sim.providers[SLUG].directory.pbx["48212857"].parking["880034344"] is True
    status, body, _ = await api("POST", "/setParkingNumbers",
                                json={"params": {"numbers": ["+78005560251"], "isParking": False}})
    assert status == 200


@pytest.mark.parametrize("body,status,code", [
    ({"params": {"numbers": ["880023213", "74996497803"], "isParking": True}}, 403, "forbidden"),
    ({"params": {"numbers": [], "isParking": True}}, 400, "invalid_request"),
    ({"params": {"numbers": ["880023213"]}}, 400, "invalid_request"),
    ({"params": {"numbers": "880023213", "isParking": True}}, 400, "invalid_request"),
    ({"numbers": ["880023213"], "isParking": True}, 400, "invalid_request"),
    ([1, 2], 400, "invalid_request"),
])
async def test_set_parking_numbers_refuses_bad_input(simulator, api, body, status, code):
    got, answer, _ = await api("POST", "/setParkingNumbers", json=body)
    assert got == status and is_error(answer, code)
    assert simulator.sim.providers[SLUG].directory.pbx["48212857"].parking["880023213"] is False


async def test_not_json_and_unknown_paths_and_methods(api):
    status, body, _ = await api("POST", "/makeCall", data=b"{not json", headers={"Content-Type": "application/json"})
    assert status == 400 and is_error(body, "invalid_request")
    status, body, _ = await api("GET", "/callsInfo")
    assert status == 404 and is_error(body, "not_found")
    status, body, _ = await api("GET", "/makeCall")
    assert status == 405 and is_error(body, "method_not_allowed")


async def test_make_call_answers_the_documented_shape(api):
    status, body, _ = await api("POST", "/makeCall", json=MAKE)
    assert status == 200 and body["result"]["success"] == 1
    assert body["result"]["call"]["id"].endswith("@10.133.51.137")


@pytest.mark.parametrize("params,status", [
    ({"calleid": "89219462761", "callerId": "883140582526570"}, 400),    # a terminal, not a workplace
    ({"calleid": "89219462761", "callerId": "883140777828305"}, 403),    # another customer's workplace
    ({"calleid": "89219462761", "callerId": "999"}, 403),
    ({"callerId": "883140582526566"}, 400),
    ({"calleid": "", "callerId": "883140582526566"}, 400),
    ({"calleid": "89219462761", "callerId": "883140582526566", "extra": 1}, 400),
])
async def test_make_call_refuses(api, params, status):
    got, body, _ = await api("POST", "/makeCall", json={"params": params})
    assert got == status and body["success"] == 0


async def test_make_call_accepts_callee_id_alias(api):
    status, _, _ = await api("POST", "/makeCall", json={"params": {"calleeId": "89219462761",
                                                                  "callerId": "883140582526566"}})
    assert status == 200


@pytest.mark.parametrize("path,params", [
    ("/terminateCall", {"call": {"id": "b9111e52e5d011e9aec7ac162d8cda20_00015D95DB072BFC_7022A1~2o", "tag": "133609"},
                        "transportId": "10.133.51.137:5070"}),
    ("/transferCall", {"call": {"id": "b9111e52e5d011e9aec7ac162d8cda20_00015D95DB072BFC_7022A1~2o", "tag": "133609"},
                       " calleid ": "883140582526566", "transportId": "10.133.51.137:5070"}),
])
async def test_commands_on_unknown_calls_are_404(api, path, params):
    status, body, _ = await api("POST", path, json={"params": params})
    assert status == 404 and is_error(body, "not_found")


@pytest.mark.parametrize("params", [{"call": {"id": "x"}}, {"transportId": "t"}, {"call": "x", "transportId": "t"},
                                    {"call": {"tag": "x"}, "transportId": "t"}])
async def test_commands_refuse_malformed_params(api, params):
    for path in ("/terminateCall", "/transferCall"):
        status, body, _ = await api("POST", path, json={"params": {**params, "calleid": "1"}})
        assert status == 400 and is_error(body, "invalid_request")


async def test_commands_check_tag_transport_and_customer(simulator, api, hooks):
    await simulator.start_call(SLUG, "78124241500", "74996497803")    # parked (§10.1.1)
    leg = simulator.sim.providers[SLUG].describe()["calls"][0]["legs"][0]
    good = {"call": {"id": leg["id"], "tag": leg["tag"]}, "transportId": "10.133.33.136:5073"}
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token",
                                 json={"client_id": "5b1f0c7e-2d4a-4c8e-9f61-0a6782142601"}) as r:
        sever = (await r.json())["access_token"]
    for wrong in ({**good, "call": {"id": leg["id"], "tag": "other"}}, {**good, "transportId": "10.0.0.1:5060"}):
        status, _, _ = await api("POST", "/terminateCall", json={"params": wrong}, token=sever)
        assert status == 404
    status, _, _ = await api("POST", "/terminateCall", json={"params": good})   # TOKEN is 48212857's
    assert status == 404, "another customer's call is not found"
    assert simulator.sim.providers[SLUG].describe()["calls"][0]["legs"][0]["parked"]
    status, _, _ = await api("POST", "/terminateCall", json={"params": good}, token=sever)
    assert status == 200 and not simulator.sim.providers[SLUG].describe()["calls"][0]["legs"][0]["parked"]


def test_trimmed_keys_and_aliases():
    params = trim_keys({"call": {" id": "a"}, " calleid ": "883140582526566", "transportId": "t"})
    assert TransferCallParams.model_validate(params).calleid == "883140582526566"
    with pytest.raises(ValueError):
        trim_keys({"calleid": "1", " calleid ": "2"})


@settings(max_examples=150)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                    max_leaves=8))
def test_params_parser_never_raises_anything_but_value_errors(value):
    from pydantic import ValidationError
    for model in (TransferCallParams,):
        try:
            model.model_validate(trim_keys(value))
        except (ValidationError, ValueError):
            pass


async def test_rate_limit_five_per_second_on_the_wall_clock(simulator, api):
    simulator.patch_world({"providers": {SLUG: {"settings": {"rps_limit": 5}}}})
    provider = simulator.sim.providers[SLUG]
    wall = [1000.0]
    provider.limiter.now = lambda: wall[0]
    for _ in range(5):
        assert (await api("GET", "/workplacesInfo"))[0] == 200
    status, body, headers = await api("GET", "/workplacesInfo")
    assert status == 429 and is_error(body, "too_many_requests") and headers["Retry-After"] == "1"
    await simulator.advance(10)   # simulated time does not refill the budget
    assert (await api("GET", "/terminalsinfo"))[0] == 429
    async with simulator.request("POST", f"/_sim/providers/{SLUG}/actions/token",
                                 json={"client_id": "5b1f0c7e-2d4a-4c8e-9f61-0a6782142601"}) as r:
        other = (await r.json())["access_token"]
    assert (await api("GET", "/workplacesInfo", token=other))[0] == 200, "the limit is per integration"
    wall[0] += 1.0
    assert (await api("GET", "/workplacesInfo"))[0] == 200


async def test_rate_limit_is_a_world_setting(simulator, api):
    simulator.patch_world({"providers": {SLUG: {"settings": {"rps_limit": 2}}}})
    simulator.sim.providers[SLUG].limiter.now = lambda: 5.0
    statuses = [(await api("GET", "/workplacesInfo"))[0] for _ in range(3)]
    assert statuses == [200, 200, 429]


async def test_tenant_is_journaled(simulator, api):
    await api("GET", "/workplacesInfo")
    entry = simulator.journal(provider=SLUG, direction="in")[-1]
    assert entry["tenant"] == "48212857" and entry["operation"] == "GET workplacesInfo"


async def test_unknown_tenant_call_is_refused(simulator):
    from simulator.sim import CallRequest
    with pytest.raises(LookupError):
        await simulator.sim.start_call(CallRequest.model_validate(
            {"provider": SLUG, "from": "1", "to": "74996497803", "tenant": "nobody"}))
