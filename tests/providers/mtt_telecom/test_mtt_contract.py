"""Contract tests of part 1 (JSON-RPC history, follow-me, balance, accounts, CallBack API; record
URLs; CallBack events): every documented example validates against contracts/mtt-telecom/, and
every example request, sent unchanged to the default world, gets an answer of the documented
shape (the conftest checks each answer against the contract)."""
from __future__ import annotations


import pytest

from simulator.conformance.examples import load_examples
from simulator.providers.mtt_telecom.catalogue import CATALOGUE
from simulator.providers.mtt_telecom.contract import openapi, openrpc

EXAMPLES = load_examples("mtt-telecom").root
INDEX = list(load_examples("mtt-telecom"))
RPC_METHODS = set(openrpc().methods)
MINE = [f for f in INDEX if f["name"] in RPC_METHODS and f["path"].endswith("index.php")
        or f["format"] in ("rest-response",) or f["name"] == "CallBack progress"]


def load(fx):
    return fx.json()


def of(kind):
    return [f for f in MINE if f["format"] == kind]


def test_index_lists_every_file():
    assert load_examples("mtt-telecom").problems() == []
    assert {f["file"] for f in INDEX} == {p.name for p in EXAMPLES.iterdir() if p.name != "index.yaml"}


def test_every_example_names_a_catalogue_operation():
    for fx in INDEX:
        assert (CATALOGUE.has_operation(fx.operation) or CATALOGUE.has_callback(fx.operation)), fx
        assert fx.section in CATALOGUE.sections and fx.kind in ("request", "response", "event", "error")


def test_every_documented_method_has_examples_and_is_in_contract_and_catalogue():
    documented = {"getCallHistory", "getServiceHistoryByCustomer", "setFollowme", "getFollowme", "getCustomerBalance",
                  "getPersonalAccountList", "makeCallBackCallFollowme", "getCallBackFollowmeCallInfo",
                  "setCallBackPrompt", "getCallBackPromptInfo", "setCallBackFollowme", "getCallBackFollowme",
                  "deleteCallBackFollowme"}
    assert documented <= RPC_METHODS
    assert documented <= {f["name"] for f in of("request")}
    for name in documented:
        op = CATALOGUE.operation(name)
        assert op.transport == "jsonrpc" and op.path == "/index.php" and op.selector == name
    assert {"GET /v1/records/{h323_conf_id}/urls", "GET /v2/records/{h323_conf_id}/urls", "POST /upload/{upload_id}",
            "GET /status/{upload_id}", "POST /status/{upload_id}"} <= {op.name for op in CATALOGUE.operations}
    assert CATALOGUE.has_callback("CallBack progress")


@pytest.mark.parametrize("fx", of("request"), ids=lambda f: f["file"])
def test_request_examples_match_the_contract(fx):
    body = load(fx)
    assert body["jsonrpc"] == "2.0" and body["method"] == fx["name"]
    openrpc().check_params(fx["name"], body.get("params"))


@pytest.mark.parametrize("fx", of("response") + of("error"), ids=lambda f: f["file"])
def test_answer_examples_match_the_contract(fx):
    openrpc().check_answer(fx["name"], load(fx), fx["status"])


@pytest.mark.parametrize("fx", of("rest-response"), ids=lambda f: f["file"])
def test_rest_examples_match_the_contract(fx):
    template, op = openapi().operation("GET", fx["path"])
    assert op is not None
    openapi().validate(op["responses"][str(fx["status"])]["content"]["application/json"]["schema"], load(fx))


def test_callback_event_examples_match_the_contract():
    fx = next(f for f in MINE if f["name"] == "CallBack progress")
    for query in load(fx):
        openapi().check_webhook("CallBack progress", query, method="get")


@pytest.mark.parametrize("fx", of("request"), ids=lambda f: f["file"])
async def test_example_requests_work_on_the_default_world(fx, rpc):
    status, body = await rpc(raw=load(fx), path=fx["path"], host="webapicommon.mtt.ru")
    assert body["id"] == load(fx)["id"]
    if fx["expect"] == "result":
        assert status == 200 and "result" in body and "error" not in body["result"], body
    elif fx["expect"] == "result-error":
        assert status == 200 and body["result"]["error"] == 1
    documented = next((f for f in MINE if f["name"] == fx["name"] and f["format"] == "response"), None)
    if fx["expect"] == "result" and documented is not None:
        doc = load(documented)["result"]
        got = body["result"]
        assert type(got) is type(doc)
        if isinstance(doc, dict):
            assert set(doc) <= set(got), (set(doc) - set(got))
