"""hypothesis for the parsers that earlier property tests did not reach: each returns a value or
raises its documented error, never anything else. Also the MTT Telecom JSON-RPC methods driven
from their OpenRPC documents (the provider's schemathesis): no server error, every answer as
the document says (checked by the OpenRPC contract)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.jsonrpc import JsonRpcError, MethodSet, Param, Server
from simulator.providers.beeline_cloudcc.xmlmsg import XmlError, parse as parse_xml
from simulator.providers.mts_autosecretary.soap import mex
from simulator.providers.mts_autosecretary.soap.endpoint import service
from simulator.testing.contracts import check_contracts

from .conftest import AUTH, basic
from .corpus import BILLION_LAUGHS, SOAP_XXE, XXE_FILE, XXE_REMOTE_DTD

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
BOUND = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10)
names = st.sampled_from(["InitCall", "AnnCall", "AgentInfo", "Info", "GetUN", "Envelope", "Body", "x"])
xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@st.composite
def xml_documents(draw) -> bytes:
    """Well-formed and broken XML: prologs, DOCTYPEs with entities, namespaces, attributes."""
    root = draw(names)
    attrs = draw(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), xml_text, max_size=4))
    rendered = "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in attrs.items())
    inner = draw(st.sampled_from(["", "&xxe;", "<![CDATA[x]]>", "<a/>", "text", "&lol9;", "&#0;", "&#x110000;"]))
    doc = f"<{root}{rendered}>{inner}</{root}>"
    head = draw(st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="windows-1251"?>',
                                 '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                                 '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">']))
    tail = draw(st.sampled_from(["", "<extra/>", "<", "\x00"]))
    return (head + doc + tail).encode("utf-8", "surrogatepass")


@BOUND
@given(st.one_of(xml_documents(), st.sampled_from([BILLION_LAUGHS, XXE_FILE, XXE_REMOTE_DTD, SOAP_XXE])))
def test_beeline_xml_parser_returns_a_message_or_xml_error(body):
    try:
        parse_xml(body)
    except XmlError as exc:
        assert 400 <= exc.status < 500
        assert "root:" not in str(exc)  # no entity was ever expanded into the message


@st.composite
def soap_envelopes(draw) -> bytes:
    ns = draw(st.sampled_from(["http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope",
                               "urn:other"]))
    op = draw(st.sampled_from(["GetUN", "UpdateUN", "GetUNList", "GetCdrByTime", "GetCdrById", "Nope"]))
    field = draw(st.sampled_from(["phone", "un", "start_id", "begin", "end", "count", "x"]))
    value = escape(draw(xml_text))
    header = draw(st.sampled_from(["", "<s:Header/>", "<s:Header><a:Action xmlns:a=\"urn:a\">x</a:Action></s:Header>"]))
    body = f'<s:Body><{op} xmlns="http://tempuri.org/"><{field}>{value}</{field}></{op}></s:Body>'
    body = draw(st.sampled_from([body, "<s:Body/>", "", body + body]))
    return f'<s:Envelope xmlns:s="{ns}">{header}{body}</s:Envelope>'.encode()


@BOUND
@given(st.one_of(soap_envelopes(), xml_documents(), st.binary(max_size=80), st.just(SOAP_XXE),
                 st.just(BILLION_LAUGHS)))
def test_soap_envelope_parser_returns_a_call_or_a_client_fault(body):
    """spyne's reading of an @втосекретарь SOAP request (the bridge's parse step, which runs on its
    worker thread): a parsed call or an ``in_error`` fault, never an exception."""
    bridge = service("un").bridge
    _contexts, ctx = bridge._parse(body, None)
    if ctx.in_error is not None:
        assert ctx.in_error.faultcode.split(".")[0].endswith("Client"), ctx.in_error


@BOUND
@given(st.one_of(soap_envelopes(), xml_documents(), st.binary(max_size=80)),
       st.none() | st.sampled_from(["", '"http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"', "x"]))
def test_mex_request_detection_is_total(body, action):
    assert isinstance(mex.is_mex_request(body, action), bool)
    parsed = mex.parse_request(body)
    assert parsed is None or isinstance(parsed, tuple)


RPC = MethodSet()


@RPC.method("echo", [Param("value"), Param("count", optional=True, default=1)], returns="object")
async def _echo(ctx, value, count):
    if not isinstance(count, int):
        raise JsonRpcError(-32602, "Invalid params", "count is an integer")
    return {"value": value, "count": count}


SERVER = Server(RPC)
ids = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5) | st.lists(st.integers(), max_size=2)


@st.composite
def envelopes(draw) -> dict:
    env: dict[str, Any] = {}
    for key, values in (("jsonrpc", st.sampled_from(["2.0", "1.0", 2.0, None, ""])),
                        ("method", st.sampled_from(["echo", "rpc.echo", "", "ECHO"]) | json_values),
                        ("params", st.lists(json_values, max_size=3) | st.dictionaries(
                            st.sampled_from(["value", "count", "x"]), json_values, max_size=3) | json_values),
                        ("id", ids)):
        if draw(st.integers(0, 5)):
            env[key] = draw(values)
    return env


@BOUND
@given(st.one_of(envelopes(), st.lists(envelopes(), max_size=4)))
async def test_json_rpc_envelopes_get_a_json_rpc_answer(envelope):
    reply = await SERVER.handle(json.dumps(envelope).encode(), None)
    assert reply.status in (200, 204)
    if reply.body is None:
        return
    for answer in reply.body if isinstance(reply.body, list) else [reply.body]:
        assert answer["jsonrpc"] == "2.0" and "id" in answer and (("result" in answer) != ("error" in answer))
        if "error" in answer:
            assert isinstance(answer["error"]["code"], int) and isinstance(answer["error"]["message"], str)
    json.dumps(reply.body)


# ------------------------------------------------- MTT Telecom methods from OpenRPC
def _document(name: str) -> dict:
    return yaml.safe_load((CONTRACTS / "mtt-telecom" / name).read_text(encoding="utf-8"))


def from_schema(schema: Any, components: dict, depth: int = 0) -> st.SearchStrategy:
    """Values for a JSON schema of the documents (type, enum, const, $ref, items, properties),
    now and then any JSON value instead, so that both valid and invalid parameters are sent."""
    if not isinstance(schema, dict) or depth > 4:
        return json_values
    if "$ref" in schema:
        return from_schema(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    if "const" in schema:
        return st.just(schema["const"]) | json_values
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | json_values
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([from_schema(s, components, depth + 1) for s in schema[key]])
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    out = []
    for t in types:
        if t == "string":
            out.append(st.from_regex(schema["pattern"]) if "pattern" in schema else st.text(max_size=16))
            out.append(st.from_regex(r"7495[0-9]{7}", fullmatch=True))
        elif t == "integer":
            out.append(st.integers(-10, 10**6))
        elif t == "number":
            out.append(st.floats(allow_nan=False, allow_infinity=False))
        elif t == "boolean":
            out.append(st.booleans())
        elif t == "array":
            out.append(st.lists(from_schema(schema.get("items", {}), components, depth + 1), max_size=3))
        elif t == "object":
            props = schema.get("properties", {})
            out.append(st.fixed_dictionaries({}, optional={k: from_schema(v, components, depth + 1)
                                                           for k, v in props.items()}))
    return st.one_of(out) | json_values if out else json_values


def method_cases(document: str, path: str) -> list:
    doc = _document(document)
    return [pytest.param(path, m, doc["components"].get("schemas", {}), id=m["name"])
            for m in doc["methods"] if m.get("x-direction") != "out"]


@pytest.mark.parametrize("path,method,components",
                         method_cases("openrpc.yaml", "/index.php") + method_cases("openrpc-gapi.yaml", "/v1/api"))
def test_mtt_telecom_methods_from_their_openrpc_schemas(server, path, method, components):
    auth = AUTH["mtt-telecom"] if path == "/index.php" else {"Authorization": basic("romashka-gapi", "Gnezdo-Gapi-2026")}
    named = st.fixed_dictionaries(
        {p["name"]: from_schema(p.get("schema"), components) for p in method["params"] if p.get("required")},
        optional={p["name"]: from_schema(p.get("schema"), components)
                  for p in method["params"] if not p.get("required")})
    url = server.url("mtt-telecom", path)
    session = requests.Session()

    # positional parameters only where the document allows them: the gapi server accepts them
    # for its by-name methods too (reported, not decided here)
    by_position = named.map(lambda d: list(d.values()))
    shapes = named if method.get("paramStructure") == "by-name" else named | by_position

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(params=shapes)
    def run(params):
        body = {"jsonrpc": "2.0", "method": method["name"], "params": params, "id": 1}
        answer = session.post(url, json=body, headers=auth, timeout=30)
        assert answer.status_code < 500, (body, answer.text[:300])

    try:
        run()
    finally:
        session.close()
    server.run(server.harness.advance(0))  # let calls the methods started settle
    check_contracts(server.harness)        # every answer as the OpenRPC document says
