"""The core JSON-RPC 2.0 machinery (simulator/jsonrpc/): the specification's examples,
binding by name and by position, batches, notifications, errors and HTTP status per error,
the SMD, and the client side through sim.delivery."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import jsonrpc as rpc
from simulator.jsonrpc import JsonRpcError, MethodSet, Param, Server

M = MethodSet()
CALLS: list[tuple] = []


@M.method("subtract", [Param("minuend", "number"), Param("subtrahend", "number")], returns="number")
async def subtract(ctx, minuend, subtrahend):
    return minuend - subtrahend


@M.method("sum", [Param("a", "number"), Param("b", "number", optional=True, default=0),
                  Param("c", "number", optional=True, default=0)], returns="number")
async def sum_(ctx, a, b, c):
    return a + b + c


@M.method("update", [Param("a", "any", optional=True), Param("b", "any", optional=True)], returns="null")
async def update(ctx, a, b):
    CALLS.append(("update", a, b))


@M.method("notify_hello", [Param("n", "integer", optional=True)], returns="null")
async def notify_hello(ctx, n):
    CALLS.append(("hello", n))


@M.method("get_data", returns="array")
async def get_data(ctx):
    return ["hello", 5]


@M.method("missing", returns="object")
async def missing(ctx):
    raise JsonRpcError(-32001, "Data not found", "No data found")


@M.method("boom", returns="object")
async def boom(ctx):
    raise RuntimeError("bug")


@M.method("strict", [Param("x")], extra="forbid", positional=False)
async def strict(ctx, x):
    return x


SERVER = Server(M, status_for=lambda e: 404 if e.code == -32001 else 200)


async def handle(body):
    reply = await SERVER.handle(body if isinstance(body, (bytes, str)) else json.dumps(body), None)
    return reply.status, reply.body, reply


async def test_positional_and_named_params():
    _, body, reply = await handle({"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1})
    assert body == {"jsonrpc": "2.0", "id": 1, "result": 19} and reply.operation == "subtract"
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "subtract",
                               "params": {"subtrahend": 23, "minuend": 42}, "id": 3})
    assert body["result"] == 19
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "sum", "params": [1], "id": "x"})
    assert body == {"jsonrpc": "2.0", "id": "x", "result": 1}


@pytest.mark.parametrize("id_", [1, "1", "abc", 0, -7, 1.5, None])
async def test_ids_are_echoed_as_given(id_):
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "get_data", "id": id_})
    assert body["id"] == id_ and type(body["id"]) is type(id_)


async def test_invalid_params():
    status, body, _ = await handle({"jsonrpc": "2.0", "method": "subtract", "params": [1], "id": 1})
    assert status == 200 and body["error"]["code"] == -32602
    assert body["error"]["data"] == "Missing required parameter 'subtrahend'"
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "subtract", "params": [1, 2, 3], "id": 1})
    assert body["error"]["code"] == -32602
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "strict", "params": {"x": 1, "y": 2}, "id": 1})
    assert body["error"] == {"code": -32602, "message": "Invalid params", "data": "Unknown parameter 'y'"}
    _, body, _ = await handle({"jsonrpc": "2.0", "method": "strict", "params": [1], "id": 1})
    assert body["error"]["code"] == -32602


async def test_method_not_found_and_reserved_names():
    for name in ("foobar", "rpc.discover"):
        _, body, reply = await handle({"jsonrpc": "2.0", "method": name, "id": "1"})
        assert body == {"jsonrpc": "2.0", "id": "1", "error": {"code": -32601, "message": "Method not found"}}
        assert reply.operation == rpc.INVALID


@pytest.mark.parametrize("raw", [b'{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', b"",
                                 b"\xff\xfe", b'{"jsonrpc":"2.0","method":"sum","params":[NaN],"id":1}',
                                 b"[" * 100_000, b"[" * 50_000 + b"]" * 50_000,
                                 b'{"jsonrpc":"2.0","method":"sum","params":[1],"id":1e400}'])
async def test_parse_error(raw):
    status, body, _ = await handle(raw)
    assert status == 200
    assert body == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}


@pytest.mark.parametrize("request_", [
    {"jsonrpc": "2.0", "method": 1, "params": "bar"}, {"jsonrpc": "1.0", "method": "sum", "id": 1},
    {"method": "sum", "params": [1], "id": 1}, {"jsonrpc": "2.0", "method": "sum", "params": "x", "id": 1},
    {"jsonrpc": "2.0", "method": "sum", "params": [1], "id": {"a": 1}}, 1, "x", None,
    {"jsonrpc": "2.0", "method": "sum", "params": [1], "id": True},
])
async def test_invalid_request(request_):
    _, body, reply = await handle(json.dumps(request_))
    assert body["error"]["code"] == -32600 and reply.operation == rpc.INVALID
    if isinstance(request_, dict) and type(request_.get("id")) is int:
        assert body["id"] == request_["id"]
    else:
        assert body["id"] is None


async def test_batches_per_the_specification():
    CALLS.clear()
    status, body, reply = await handle([
        {"jsonrpc": "2.0", "method": "sum", "params": [1, 2, 4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"},
    ])
    assert status == 200 and reply.operation == rpc.BATCH
    assert reply.methods == ["sum", "notify_hello", "subtract", "get_data"]
    for answer in body:
        answer.get("error", {}).pop("data", None)
    assert body == [
        {"jsonrpc": "2.0", "id": "1", "result": 7},
        {"jsonrpc": "2.0", "id": "2", "result": 19},
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid Request"}},
        {"jsonrpc": "2.0", "id": "5", "error": {"code": -32601, "message": "Method not found"}},
        {"jsonrpc": "2.0", "id": "9", "result": ["hello", 5]},
    ]
    assert CALLS == [("hello", 7)]


async def test_batch_edge_cases():
    status, body, _ = await handle([])
    assert body["error"]["code"] == -32600 and not isinstance(body, list)
    _, body, _ = await handle([1])
    assert body == [{"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid Request"}}]
    assert body[0]["error"].get("data") is None
    _, body, _ = await handle([1, 2, 3])
    assert len(body) == 3
    status, body, _ = await handle([{"jsonrpc": "2.0", "method": "notify_hello", "params": [1]},
                                    {"jsonrpc": "2.0", "method": "update", "params": [1, 2]}])
    assert status == 204 and body is None
    _, body, _ = await handle([{"jsonrpc": "2.0", "method": "sum", "params": [1], "id": 1}] * 1001)
    assert body["error"]["code"] == -32600


async def test_notifications_get_no_answer_even_on_errors():
    CALLS.clear()
    for req in ({"jsonrpc": "2.0", "method": "update", "params": [1, 2, 3, 4, 5]},
                {"jsonrpc": "2.0", "method": "foobar"}, {"jsonrpc": "2.0", "method": "boom"}):
        status, body, _ = await handle(req)
        assert status == 204 and body is None
    assert CALLS == []


async def test_custom_errors_choose_the_http_status():
    status, body, _ = await handle({"jsonrpc": "2.0", "method": "missing", "id": "1"})
    assert status == 404
    assert body["error"] == {"code": -32001, "message": "Data not found", "data": "No data found"}
    status, body, _ = await handle([{"jsonrpc": "2.0", "method": "missing", "id": "1"}])
    assert status == 200 and body[0]["error"]["code"] == -32001


async def test_unexpected_exceptions_are_internal_errors():
    status, body, _ = await handle({"jsonrpc": "2.0", "method": "boom", "id": 5})
    assert status == 200
    assert body == {"jsonrpc": "2.0", "id": 5, "error": {"code": -32603, "message": "Internal error"}}


def test_service_description_lists_parameters_defaults_and_returns():
    smd = rpc.describe(M, target="/api")
    assert smd["transport"] == "POST" and smd["envelope"] == "JSON-RPC-2.0" and smd["target"] == "/api"
    assert smd["services"] == smd["methods"]
    s = smd["services"]["sum"]
    assert s["returns"] == "number" and s["envelope"] == "JSON-RPC-2.0"
    assert s["parameters"] == [{"type": "number", "name": "a", "optional": False},
                               {"type": "number", "name": "b", "optional": True, "default": 0},
                               {"type": "number", "name": "c", "optional": True, "default": 0}]
    assert set(smd["services"]) == set(M.names)


def test_method_sets_refuse_duplicates_and_reserved_names():
    ms = MethodSet()

    async def f(ctx):
        return None
    ms.method("a")(f)
    with pytest.raises(ValueError):
        ms.method("a")(f)
    with pytest.raises(ValueError):
        ms.method("rpc.x")(f)
    ops = MethodSet.merged(ms).operations(path="/index.php", host="h", prefix="archive.")
    assert [(o.name, o.selector, o.transport, o.path) for o in ops] == [("archive.a", "a", "jsonrpc", "/index.php")]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                              lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                              max_leaves=20).map(lambda v: json.dumps(v).encode())))
async def test_any_body_gets_a_json_rpc_answer(body):
    reply = await SERVER.handle(body, None)
    assert reply.status in (200, 204, 404)
    if reply.body is not None:
        answers = reply.body if isinstance(reply.body, list) else [reply.body]
        for a in answers:
            assert a["jsonrpc"] == "2.0" and "id" in a and (("result" in a) != ("error" in a))
        json.dumps(reply.body)


# ------------------------------------------------------------------ client
def test_parse_response_checks_the_answer():
    ok = rpc.parse_response(b'{"jsonrpc":"2.0","id":"7","result":{"a":1}}', "7")
    assert ok.ok and ok.result == {"a": 1}
    err = rpc.parse_response(b'{"jsonrpc":"2.0","id":"7","error":{"code":-32001,"message":"x","data":"d"}}', "7")
    assert not err.ok and err.error.code == -32001 and err.error.data == "d"
    for body, why in [(b"<html>", "not JSON"), (b"[]", "not a JSON-RPC"), (b'{"id":"7","result":1}', "jsonrpc"),
                      (b'{"jsonrpc":"2.0","id":7,"result":1}', "id"),
                      (b'{"jsonrpc":"2.0","id":"7"}', "exactly one"),
                      (b'{"jsonrpc":"2.0","id":"7","error":{"code":"x"}}', "error object")]:
        bad = rpc.parse_response(body, "7")
        assert not bad.ok and bad.error is None and why in bad.failure

    def need_a(result):
        if "a" not in result:
            raise ValueError("no a")
    assert "no a" in rpc.parse_response(b'{"jsonrpc":"2.0","id":1,"result":{}}', 1, need_a).failure


def test_split_userinfo():
    assert rpc.split_userinfo("http://mtt_user:mtt_password@127.0.0.1:9000/x?y=1") == (
        "http://127.0.0.1:9000/x?y=1", ("mtt_user", "mtt_password"))
    assert rpc.split_userinfo("https://h/p") == ("https://h/p", None)
    assert rpc.build_request("m", None, None) == {"jsonrpc": "2.0", "method": "m"}


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_client_call_through_delivery(simulator, callback_sink):
    callback_sink.respond("/rpc", handler=lambda r: {"jsonrpc": "2.0", "id": r.json()["id"],
                                                     "result": {"echo": r.json()["params"]}})
    url = callback_sink.url("/rpc").replace("http://", "http://u:p@")
    res = await rpc.call(simulator.sim.delivery, provider="mtt-telecom", url=url, method="getX",
                         params={"sip_id": "1"}, id_="42", kind="getX")
    assert res.ok and res.result == {"echo": {"sip_id": "1"}}
    sent = callback_sink.received("/rpc")[0]
    assert sent.json() == {"jsonrpc": "2.0", "method": "getX", "params": {"sip_id": "1"}, "id": "42"}
    assert sent.headers["Authorization"] == "Basic dTpw"
    entry = simulator.journal(direction="out", kind="getX")[-1]
    assert "u:p@" not in entry["url"]
    callback_sink.respond("/down", status=503)
    res = await rpc.call(simulator.sim.delivery, provider="mtt-telecom", url=callback_sink.url("/down"),
                         method="getX", params={})
    assert not res.ok and res.failure == "HTTP 503"
    res = await rpc.call(simulator.sim.delivery, provider="mtt-telecom", url="http://198.51.100.7/x",
                         method="getX", params={})
    assert not res.ok and res.failure == "refused"
