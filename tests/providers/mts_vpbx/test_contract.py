"""Contract tests: every documented example against the OpenAPI contract and the simulator."""
import json
import re

import pytest

from simulator.conformance.examples import load_examples

from simulator.conformance import ContractViolation, check_journal
from simulator.journal import Journal
from simulator.providers.mts_vpbx.contract import portal_contract

from .helpers import CONTRACT, OPENAPI, TOKEN

EXAMPLES = CONTRACT / "examples"
operation, schema, validate = OPENAPI.operation, OPENAPI.schema, OPENAPI.validate


def openapi():
    return OPENAPI.document
INDEX = list(load_examples("mts-vpbx"))


def fixtures(kind):
    return [f for f in INDEX if f["kind"] == kind]


def test_index_lists_every_file():
    listed = {f["file"] for f in INDEX}
    on_disk = {p.name for p in EXAMPLES.iterdir() if p.name != "index.yaml"}
    assert listed == on_disk


def test_every_documented_route_is_in_the_contract():
    documented = {
        ("post", "/api/service/apicrm"), ("post", "/api/service/webhook"), ("get", "/api/abonents"),
        ("get", "/api/v1/callHistory/user/{userId}"), ("get", "/api/v1/callHistory/group/{groupId}"),
        ("get", "/api/v1/callHistory/enterprise"), ("post", "/api/subscription"), ("get", "/api/subscription"),
        ("put", "/api/subscription"), ("delete", "/api/subscription"), ("get", "/api/user/{id}/calls"),
        ("post", "/api/user/{id}/calls"), ("get", "/api/user/{id}/calls/{callId}"),
        ("delete", "/api/user/{id}/calls/{callId}"), ("put", "/api/user/{id}/calls/{callId}/BlindTransfer"),
        ("put", "/api/user/{id}/calls/{callId}/ConsultTransfer/{callId2}"),
        ("post", "/api/user/{id}/calls/CallReturn"), ("post", "/api/user/{id}/calls/LastNumberRedial"),
        ("get", "/api/callRecording/{extTrackingId}"), ("get", "/api/callRecording/mp3/{extTrackingId}"),
        ("get", "/api/groups"), ("get", "/api/findMe/{userId}"),
        ("delete", "/api/schedules/group/{groupId}"), ("delete", "/api/schedules/abonent/{abonentId}"),
    } | {(mth, f"/api/findMe/{{userId}}/{k}") for k in ("parallel", "sequential", "redirect") for mth in ("post",)} \
      | {(mth, f"/api/findMe/{{userId}}/{k}/{{id}}") for k in ("parallel", "sequential", "redirect")
         for mth in ("put", "delete")} \
      | {(mth, f"/api/schedules/{k}") for k in ("group/{groupId}", "abonent/{abonentId}") for mth in ("post", "put")}
    paths = openapi()["paths"]
    for method, path in documented:
        assert method in paths.get(path, {}), (method, path)
    assert set(openapi()["webhooks"]) == {"CHECK_ALIVE", "CALL_ORIGINATED", "CALL_RECEIVED", "CALL_ANSWERED",
                                          "CALL_RELEASED", "SUBSCRIPTION_TERMINATION"}


@pytest.mark.parametrize("fx", [f for f in fixtures("response") if f["file"].endswith(".json")], ids=lambda f: f["file"])
def test_response_examples_validate(fx):
    body = json.loads((EXAMPLES / fx["file"]).read_text(encoding="utf-8"))
    if fx["file"].endswith(".record.json"):
        validate(schema("CallHistoryRecord"), body)
        return
    if fx["file"].startswith("4.12.1"):
        body = [body]  # the document shows one element of the list
    template, op = operation(fx["method"], fx["path"])
    assert op is not None, fx
    validate(op["responses"][str(fx["status"])]["content"]["application/json"]["schema"], body)


@pytest.mark.parametrize("fx", fixtures("event"), ids=lambda f: f["file"])
def test_event_examples_validate(fx):
    body = json.loads((EXAMPLES / fx["file"]).read_text(encoding="utf-8"))
    hook = openapi()["webhooks"][body["eventType"]]["post"]
    validate(hook["requestBody"]["content"]["application/json"]["schema"], body)


@pytest.mark.parametrize("fx", [f for f in fixtures("request") if f["file"].endswith(".json")],
                         ids=lambda f: f["file"])
def test_request_bodies_validate(fx):
    body = json.loads((EXAMPLES / fx["file"]).read_text(encoding="utf-8"))
    template, op = operation(fx["method"], fx["path"])
    validate(op["requestBody"]["content"]["application/json"]["schema"], body)


async def _prepare(simulator, api, fx):
    """Live state some call-control examples need; returns the path to send."""
    path = fx["path"]
    if fx["section"] in ("4.8.3", "4.8.4", "4.8.5"):
        status, _ = await api("POST", "/api/user/1234/calls", params={"address": "tel:+78002500990"})
        assert status == 201
        await simulator.advance(10)  # the abonent answers, the address is dialled and answers
        _, calls = await api("GET", "/api/user/1234/calls")
        return (path.replace("{id}", "1234").replace("{callId}", calls[0]["callId"])
                .replace("/calls/1234/", f"/calls/{calls[0]['callId']}/"))
    if fx["section"] == "4.8.6":
        # 1234 talks to A, puts A on hold, calls C; then joins them
        await api("POST", "/api/user/1234/calls", params={"address": "+79161234567"})
        await simulator.advance(6)
        _, first = await api("GET", "/api/user/1234/calls")
        await api("POST", "/api/user/1234/calls", params={"address": "+79162223344"})
        await simulator.advance(10)
        _, both = await api("GET", "/api/user/1234/calls")
        second = [c for c in both if c["callId"] != first[0]["callId"]]
        return f"/api/user/1234/calls/{first[0]['callId']}/ConsultTransfer/{second[0]['callId']}"
    # 4.8.7 / 4.8.8 need no preparation: abonent 1234's call log in the world has both numbers
    return path


@pytest.mark.parametrize("fx", fixtures("request"), ids=lambda f: f["file"])
async def test_request_examples_are_accepted(simulator, api, fx):
    path = await _prepare(simulator, api, fx)
    raw = (EXAMPLES / fx["file"]).read_text(encoding="utf-8")
    kw = {}
    if fx["file"].endswith(".json"):
        kw["data"] = raw.encode()
    headers = {k: v for k, v in (fx.get("headers") or {}).items() if k != "X-AUTH-TOKEN"}
    status, body = await api(fx["method"], path, params=fx.get("query"), headers=headers, token=TOKEN, **kw)
    if ".schema-example" in fx["file"]:
        assert status in (200, 404), body  # abonent 0 / subscription "string" do not exist, but the shape is fine
    else:
        assert 200 <= status < 300, (status, body)


async def test_journal_check_is_not_vacuous(simulator, api):
    """The provider's declared contract (checked after every test by the core) checks answers and events."""
    await api("GET", "/api/abonents")
    await api("GET", "/api/v1/callHistory/enterprise")
    await api("GET", "/api/findMe/1233")
    assert check_journal("mts-vpbx", simulator.sim.journal.query(provider="mts-vpbx")) == 3
    with pytest.raises(ContractViolation):
        OPENAPI.check_response("GET", "/api/abonents", 200, '[{"userId": "x", "serviceProviderId": 1}]')
    with pytest.raises(ContractViolation):
        OPENAPI.check_response("GET", "/api/abonents", 201, "[]")
    event = Journal(lambda: 0.0).add(
        "out", "CALL_RECEIVED", "mts-vpbx", method="POST", url="http://127.0.0.1/hook", status=200,
        request_headers={"Content-Type": "application/json"},
        request_body='{"eventType": "CALL_RECEIVED", "abonentId": 1, "payload": {"callId": "c", "extTrackingId": "e",'
                     ' "state": "Ringing", "callDirection": "Terminator"}}')
    with pytest.raises(ContractViolation):
        portal_contract().check(event)


def test_openapi_is_well_formed():
    doc = openapi()
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for v in node.values():
                yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.split("/")[-1] in schemas, ref
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["responses"] and "x-section" in op, (method, path)
            names = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{(\w+)}", path)), (method, path)
