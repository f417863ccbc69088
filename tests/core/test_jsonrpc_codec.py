"""The JSON-RPC server's decoder and encoder are built once (simulator/jsonrpc/server.py):
they read and write exactly what json.loads with the strict hooks and json.dumps did."""
from __future__ import annotations

import json
import math

from hypothesis import given, settings, strategies as st

from simulator.jsonrpc import loads
from simulator.jsonrpc.methods import Method, Param
from simulator.jsonrpc.server import Reply


def _reject(name):
    raise ValueError(f"{name} is not JSON")


def _finite(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def plain_loads(body):
    """The JSON-RPC decoder as json.loads with the strict hooks reads a body."""
    if isinstance(body, (bytes, bytearray)):
        body = bytes(body).decode("utf-8")
    return json.loads(body, parse_constant=_reject, parse_float=_finite)


def outcome(fn, body):
    try:
        return "ok", fn(body)
    except ValueError:
        return "error", None


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25)
TEXTS = VALUES.map(lambda v: json.dumps(v, ensure_ascii=False)) | st.sampled_from(
    ["NaN", "[Infinity]", "-Infinity", "1e400", "\ufeff{}", "{", "", " 1 ", "[1,]", '{"a": 1} x', "\"\\ud800\"",
     # what the scanner is given and what must follow the value
     " ", "\t[1]\n", "\r\n\"a\" ", "1 2", "[] ,", "{} {}", "\u00a0{}", "{}\u00a0", "\f1", "[1]\x00"])


@settings(max_examples=500, deadline=None)
@given(TEXTS, st.booleans())
def test_loads_reads_what_json_loads_with_the_hooks_read(text, as_bytes):
    body = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert outcome(loads, body) == outcome(plain_loads, body)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_answers_are_the_bytes_json_dumps_made(value):
    body = {"jsonrpc": "2.0", "id": "1", "result": value}
    assert outcome(lambda b: Reply(200, b, "m").to_bytes(), body) == \
        outcome(lambda b: json.dumps(b, ensure_ascii=False).encode("utf-8"), body)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "z", "extra"]), st.integers(), max_size=5))
def test_by_name_binding_drops_or_refuses_unknown_names_as_before(params):
    async def handler(ctx, a, b, c): ...
    declared = (Param("a", optional=True), Param("b", optional=True, default=7), Param("c", optional=True))
    for extra in ("ignore", "forbid"):
        method = Method("m", handler, declared, extra=extra)
        unknown = [k for k in params if k not in ("a", "b", "c")]
        if unknown and extra == "forbid":
            try:
                method.bind(params)
            except Exception as exc:   # JsonRpcError -32602 naming the first unknown one
                assert exc.data == f"Unknown parameter '{unknown[0]}'"
            else:
                raise AssertionError("an unknown name was accepted")
            continue
        before = dict(params)
        assert method.bind(params) == {"a": params.get("a"), "b": params.get("b", 7), "c": params.get("c")}
        assert params == before, "the request's params are left as they came"
