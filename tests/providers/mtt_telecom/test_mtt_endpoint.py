"""POST /index.php as a JSON-RPC 2.0 endpoint: Basic auth, ids, batches, parse errors, -32001
with HTTP 404, the service description real clients fetch first, the archive endpoint."""
from __future__ import annotations

import json

from simulator.faults import FaultRule

from .conftest import API, OTHER, SLUG, basic


async def test_no_or_wrong_credentials_get_401(rpc):
    for auth in (None, ("romashka-api", "wrong"), ("romashka-rc", "Gnezdo-Rc-2026")):
        status, body = await rpc("getCustomerBalance", ["110000000"], auth=auth)
        assert status == 401 and body["error"]["code"] == -32002 and body["id"] is None


async def test_ids_are_echoed_as_given(rpc):
    for id_ in (1, "1", "iar_ringall", 0, None):
        status, body = await rpc("getCustomerBalance", ["110000000"], id=id_)
        assert status == 200 and body["id"] == id_ and type(body["id"]) is type(id_)


async def test_data_not_found_travels_with_404(rpc):
    status, body = await rpc("getCustomerBalance", ["199999999"], id=1)
    assert status == 404
    assert body == {"jsonrpc": "2.0", "id": 1, "error": {"code": -32001, "message": "Data not found"}}


async def test_parse_errors_invalid_requests_and_unknown_methods(rpc, simulator):
    status, body = await rpc(raw=b'{"jsonrpc": "2.0", "method": ')
    assert status == 200 and body["error"]["code"] == -32700 and body["id"] is None
    status, body = await rpc(raw={"jsonrpc": "1.0", "method": "getCustomerBalance", "id": 4})
    assert body["error"]["code"] == -32600 and body["id"] == 4
    status, body = await rpc("getCustomerBlance", ["110000000"], id=5)
    assert status == 200 and body["error"] == {"code": -32601, "message": "Method not found"}
    assert [e["operation"] for e in simulator.journal(provider=SLUG)] == ["rpc.invalid"] * 3


async def test_batch_and_notifications(rpc, simulator):
    status, body = await rpc(raw=[
        {"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["110000000"], "id": 1},
        {"jsonrpc": "2.0", "method": "getCustomerBalance", "params": {"customer_name": "110099999"}, "id": 2},
        {"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["110000000"]},
        {"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["199999999"], "id": 3},
    ])
    assert status == 200 and [a["id"] for a in body] == [1, 2, 3]
    assert body[0]["result"]["balance"] == 121.54
    assert body[1]["error"] == {"code": -32002, "message": "Permission denied",
                                "data": "agent does not have access to this customer"}
    assert body[2]["error"]["code"] == -32001
    status, body = await rpc(raw={"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["110000000"]})
    assert status == 204 and body is None
    ops = [e["operation"] for e in simulator.journal(provider=SLUG)]
    assert ops == ["rpc.batch", "getCustomerBalance"]


async def test_service_description_lists_every_method(simulator, rest):
    status, smd, _ = await rest("GET", "/index.php", auth=API)
    assert status == 200 and smd["envelope"] == "JSON-RPC-2.0" and smd["transport"] == "POST"
    rpc_ops = {op.selector for op in simulator.sim.providers[SLUG].catalogue.operations
               if op.transport == "jsonrpc" and op.path == "/index.php"} - {"rpc.batch", "rpc.invalid"}
    assert set(smd["services"]) == rpc_ops
    params = smd["services"]["getServiceHistoryByCustomer"]["parameters"]
    assert {"type": "string", "name": "order", "optional": True, "default": "desc",
            "description": "desc or asc"} in params
    status, _, _ = await rest("GET", "/index.php")
    assert status == 401
    status, smd, _ = await rest("GET", "/archive/index.php", auth=API)
    assert set(smd["services"]) == {"getCallHistory", "getServiceHistoryByCustomer"}


async def test_the_real_host_serves_the_same_endpoint(simulator):
    body = json.dumps({"jsonrpc": "2.0", "method": "getCustomerBalance", "params": ["110000000"], "id": 1})
    async with simulator.request("POST", simulator.base_url + "/index.php", data=body,
                                 headers={"Host": "webapicommon.mtt.ru", **basic(*API)}) as r:
        assert r.status == 200 and (await r.json())["result"]["real_balance"] == 711.54


async def test_other_agent_cannot_see_romashka(rpc):
    status, body = await rpc("getCustomerBalance", ["110000000"], auth=OTHER)
    assert body["error"]["data"] == "agent does not have access to this customer"
    status, body = await rpc("getCustomerBalance", ["110099999"], auth=OTHER)
    assert body["result"] == {"balance": 300.0, "real_balance": 300.0, "pending_payment": 0.0}


async def test_injected_internal_error(rpc, simulator):
    simulator.sim.faults.add(FaultRule(provider=SLUG, path="/index.php", action="native", native="500", times=1))
    status, body = await rpc("getCustomerBalance", ["110000000"], id="77")
    assert status == 500 and body == {"jsonrpc": "2.0", "id": "77",
                                      "error": {"code": -32603, "message": "Internal error"}}
    status, body = await rpc("getCustomerBalance", ["110000000"], id="78")
    assert status == 200 and "result" in body


async def test_control_api_describes_the_provider(simulator, rpc):
    await rpc("makeCallBackCallFollowme", {"customer_name": "883140500000000", "b_number": "79157775533"})
    async with simulator.request("GET", "/_sim/providers/mtt-telecom") as r:
        assert r.status == 200
        view = await r.json()
    text = str(view)
    assert "110000000" in text and "121.54" in text and "in progress" in text


async def test_other_http_methods_and_unknown_paths(simulator):
    async with simulator.request("PUT", simulator.url(SLUG, "/index.php"), data="{}", headers=basic(*API)) as r:
        assert r.status == 405
        body = await r.json()
    assert body["jsonrpc"] == "2.0" and body["id"] is None and body["error"]["code"] == -32601
    async with simulator.request("GET", simulator.url(SLUG, "/nothing/here")) as r:
        assert r.status == 404 and (await r.json())["status"] == 404


CUSTOMER_METHODS = {
    "getServiceHistoryByCustomer": {"type": "dialed", "record_count": 5},
    "getCustomerBalance": {}, "getPersonalAccountList": {},
    "makeCallBackCallFollowme": {"b_number": "79157775533"},
    "getCallBackFollowmeCallInfo": {"callBackCall_id": "1256ffb10774226b390ad1a2bc892c9c"},
    "setCallBackPrompt": {"file_name": "a.wav"}, "getCallBackPromptInfo": {},
    "setCallBackFollowme": {"callBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033",
                                                        "type": "ringall"}]},
    "getCallBackFollowme": {}, "deleteCallBackFollowme": {},
}


async def test_every_customer_method_refuses_another_agents_customer(rpc):
    for method, params in CUSTOMER_METHODS.items():
        status, body = await rpc(method, {"customer_name": "883140500000000", **params}, auth=OTHER)
        assert status == 200 and body["error"] == {"code": -32002, "message": "Permission denied",
                                                   "data": "agent does not have access to this customer"}, method
        status, body = await rpc(method, {"customer_name": "199999999", **params})
        assert status == 404 and body["error"]["code"] == -32001, method


async def test_every_account_method_refuses_another_agents_sip_id(rpc):
    for method, params in (("setFollowme", ["74951345897", [{"redirect_number": "79684881033"}]]),
                           ("getFollowme", ["74951345897"])):
        status, body = await rpc(method, params, auth=OTHER)
        assert body["error"] == {"code": -32002, "message": "Permission denied",
                                 "data": "You can not access to this sip_id"}
    status, body = await rpc("getCallHistory", {"sip_id": "74951345897"}, auth=OTHER)
    assert status == 404 and body["error"]["data"] == "No data found"
