"""Inputs that used to crash (500): deep nesting, over-long integers, lone surrogates. The
core's JSON loader and the observing middleware turn each into the provider's 400-class
error (the control API's JSON error), whichever route gets it."""
from __future__ import annotations

import base64
import json
import re

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings, strategies as st

from simulator.http import JsonBodyError, loads_json

DEEP_ARRAY = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 900 + b"1" + b"}" * 900
LONG_INT = b"1" * 4301
VPBX_TOKEN = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0",
              "Content-Type": "application/json"}
SPRING_KEYS = {"timestamp", "status", "error", "message", "path"}
BEELINE_AUTH = {"Authorization": "Basic " + base64.b64encode(b"cloudcc-demo:cloudcc-demo-pass").decode()}


def vpbx_body_routes(simulator) -> list[tuple[str, str]]:
    """(method, path) of every VPBX route that takes a body, ids filled with abonent 1735."""
    app = web.Application()  # the provider's routes laid out again, to list them
    simulator.sim.providers["mts-vpbx"].setup_routes(app)
    out = []
    for route in app.router.routes():
        if route.method in ("POST", "PUT", "PATCH", "DELETE"):
            info = route.resource.get_info()
            path = info.get("path") or info["formatter"]
            out.append((route.method, re.sub(r"\{[^}]+\}", "1735", path)))
    return out


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT, LONG_INT], ids=["deep-array", "deep-object", "long-int"])
async def test_every_vpbx_body_route_answers_spring_4xx(simulator, body):
    routes = vpbx_body_routes(simulator)
    assert len(routes) >= 15
    for method, path in routes:
        async with simulator.request(method, simulator.url("mts-vpbx", path), data=body,
                                     headers=VPBX_TOKEN) as resp:
            assert resp.status < 500, (method, path, resp.status, await resp.text())
            if resp.status >= 400:
                answer = await resp.json()
                assert set(answer) == SPRING_KEYS and answer["status"] == resp.status, (method, path)


@pytest.mark.parametrize("method,path", [("POST", "/_sim/calls"), ("POST", "/_sim/faults"),
                                         ("POST", "/_sim/clock"), ("PATCH", "/_sim/world")])
@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT, LONG_INT], ids=["deep-array", "deep-object", "long-int"])
async def test_control_api_answers_its_json_400(simulator, method, path, body):
    async with simulator.request(method, path, data=body) as resp:
        answer = await resp.json()
        # deep bodies that the interpreter's parser takes (3.13 takes 1000 levels, 3.11 refuses
        # them as too deep: 400) are then refused by the models (422) or a caught recursion (400)
        assert resp.status in (400, 422) and set(answer) == {"error"}, (resp.status, answer)
        assert resp.status == 400 or body != LONG_INT
    assert simulator.sim.engine.calls == {} and simulator.sim.faults.list() == []


async def test_beeline_lone_surrogate_command_is_invalid_json(simulator):
    data = aiohttp.FormData()
    data.add_field("api_form", '{"Command":"\\ud800"}', content_type="application/json")
    async with simulator.request("POST", simulator.url("beeline-cloudcc", "/api/request"), data=data,
                                 headers=BEELINE_AUTH) as resp:
        answer = await resp.json(content_type=None)
    assert resp.status == 400 and answer["STATUS"] == "ERROR" and answer["ERR_CODE"] == "400.2", answer


@pytest.mark.parametrize("body", [b'{"callbackUrl": "\\udfff"}', b'{"callbackUrl": "\xed\xbf\xbf"}'],
                         ids=["escaped", "cesu-8"])
async def test_vpbx_lone_surrogate_is_a_spring_400(simulator, body):
    async with simulator.request("POST", simulator.url("mts-vpbx", "/api/service/webhook"),
                                 data=body, headers=VPBX_TOKEN) as resp:
        answer = await resp.json()
    assert resp.status == 400 and set(answer) == SPRING_KEYS


def test_loader_keeps_escaped_pairs_and_refuses_lone_halves():
    assert loads_json(b'{"a": "\\ud83d\\ude00"}') == {"a": "\U0001F600"}
    too_deep = b"[" * 100_000 + b"]" * 100_000  # past every interpreter's limit (3.13 parses 1000)
    for bad in (b'"\\ud800"', b'["\\uDC00", 1]', too_deep, LONG_INT, b"\xff", b"{",
                b'"\xed\xa0\x80"', b'{"a": "x\xed\xbf\xbf"}', '"\ud800"', b'"\xed\xa0\xbd\xed\xb8\x80"'):
        with pytest.raises(JsonBodyError):
            loads_json(bad)
    assert loads_json(b'"\xed\x9f\xbf"') == "\ud7ff"  # the last code point before the surrogates
    assert loads_json('"\u00e9"'.encode("utf-16")) == "\u00e9"  # 0xed is only a surrogate's lead in UTF-8


@settings(max_examples=200, deadline=None)
@given(st.lists(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters(), min_size=1,
                max_size=8).map("".join).filter(lambda t: any(0xD800 <= ord(c) <= 0xDFFF for c in t)),
       st.booleans())
def test_a_surrogate_in_its_own_bytes_is_a_json_body_error(text, as_bytes):
    """Raw surrogates, written as CESU-8 bytes (or in a str), never reach a handler: whatever
    loads_json returns can be sent back as UTF-8."""
    body = json.dumps({"a": text}, ensure_ascii=False)
    with pytest.raises(JsonBodyError):
        loads_json(body.encode("utf-8", "surrogatepass") if as_bytes else body)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                              lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                              max_leaves=20).map(lambda v: repr(v).encode("utf-8", "surrogatepass"))))
def test_loader_answers_data_or_json_body_error(raw):
    try:
        value = loads_json(raw)
    except JsonBodyError as exc:
        assert "\n" not in str(exc)
    else:
        import json
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # whatever it returns can be sent back
