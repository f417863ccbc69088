"""Every example of the document (contracts/mtt-business/examples/) against the contract and
against the simulator: requests are sent, answers and notifications compared shape by shape."""
import json
from urllib.parse import parse_qsl

import pytest

from simulator.conformance import contract_for
from simulator.conformance.examples import load_examples
from simulator.providers.mtt_business.catalogue import CATALOGUE

from .conftest import ROMASHKA, SEVER, SLUG, SOKOLOV, call_infos, notifications, query_of

EXAMPLES = load_examples(SLUG)
INDEX = list(EXAMPLES)


def contract():
    """The OpenAPI document of the contract MttBusinessProvider.contract() declares."""
    return contract_for(SLUG).validators["rest"].contract


def load(name: str):
    return EXAMPLES.file(name).body()


def shape(value):
    """Keys (recursively, lists by their first item) and value kinds: what a client parses."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else "null"


def http_request(name: str) -> tuple[str, str, dict[str, str]]:
    head = load(name).split("\n\n")[0].splitlines()
    method, target, _ = head[0].split(" ")
    headers = dict(line.split(": ", 1) for line in head[1:])
    return method, target, headers


def test_index_lists_every_fixture_and_only_them():
    assert EXAMPLES.provider == SLUG and EXAMPLES.problems() == []
    sections = {e.section for e in INDEX}
    assert {"8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "9.4", "9.5", "10.1.1", "10.1.2", "10.1.3", "10.1.4",
            "10.1.5", "10.1.6", "10.1.7", "10.2", "10.3.1", "10.3.2", "10.3.3"} == sections


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e.file)
def test_every_example_names_its_catalogue_operation(entry):
    """Events name a callback of the catalogue, the rest an operation whose route is the example's."""
    if entry.kind == "event":
        assert CATALOGUE.has_callback(entry.operation), entry.operation
        assert entry.schema == f"webhooks/{entry.operation}"
        return
    assert CATALOGUE.has_operation(entry.operation), entry.operation
    op = CATALOGUE.operation(entry.operation)
    assert (op.method, op.path) == (entry.method, entry.path)
    assert entry.section == op.section or entry.section.startswith(op.section)


@pytest.mark.parametrize("entry", [e for e in INDEX if e.file.endswith(".json")], ids=lambda e: e.file)
def test_json_examples_match_the_contract(entry):
    c = contract()
    body = load(entry["file"])
    if entry["kind"] == "event":
        c.check_webhook(entry["schema"].split("/", 1)[1], body)
    elif entry["kind"] == "response":
        c.check_response(entry["method"], entry["path"], entry["status"], json.dumps(body), "application/json")
        c.validate(c.schema(entry["schema"]), body)
    else:
        c.validate(c.schema(entry["schema"]), body)
        _, op = c.operation(entry["method"], entry["path"])
        assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(entry["schema"])


async def test_every_catalogue_operation_and_callback_is_in_the_contract(simulator):
    provider = simulator.sim.providers[SLUG]
    c = contract()
    for op in provider.catalogue.operations:
        path = op.path.replace("{file}", "x.mp3")
        assert c.operation(op.method, path)[1] is not None, op.name
    assert set(c.document["webhooks"]) == {cb.name for cb in provider.catalogue.callbacks}


async def test_document_oauth_requests_work(simulator):
    method, target, _ = http_request("8.1-authorize.request.http")
    async with simulator.request(method, simulator.url(SLUG, target)) as r:
        assert r.status == 200 and r.content_type == "text/html"
    for name in ("8.2-token.request.form", "8.3-token-refresh.request.form"):
        form = dict(parse_qsl(load(name).strip()))
        async with simulator.request("POST", simulator.url(SLUG, "/oauth/token"), data=form) as r:
            assert r.status == 200, await r.text()
            assert shape(await r.json()) == shape(load(name.replace("request.form", "response.json")))


async def test_document_login_redirect(simulator):
    from .browser import log_in
    _, target, _ = http_request("8.1-authorize.request.http")
    status, location = await log_in(simulator, simulator.url(SLUG, target), "romashka", "Romashka-LK-2026")
    expected = load("8.1-authorize.response.http").splitlines()[1].split(": ", 1)[1]
    assert status == 302 and location.split("?")[0] == expected.split("?")[0]
    assert set(query_of(location)) == set(query_of(expected)) and query_of(location)["state"] == "xyz"


@pytest.mark.parametrize("section", ["9.1-externalNumbersInfo", "9.2-workplacesInfo", "9.3-terminalsinfo"])
async def test_document_structure_requests_work(simulator, section):
    method, target, headers = http_request(f"{section}.request.http")
    headers.pop("Host")   # the request goes to the /mtt-business prefix
    async with simulator.request(method, simulator.url(SLUG, target), headers=headers) as r:
        assert r.status == 200
        body = await r.json()
    example = load(f"{section}.response.json")
    assert shape(body) == shape(example)
    listed = next(iter(v for k, v in example["result"].items() if k != "total"))
    assert listed[0] in next(iter(v for k, v in body["result"].items() if k != "total"))


async def test_document_parking_and_make_call_requests_work(api):
    status, body, _ = await api("POST", "/setParkingNumbers", json=load("10.2-setParkingNumbers.request.json"))
    assert (status, body) == (200, load("10.2-setParkingNumbers.response.json"))
    status, body, _ = await api("POST", "/makeCall", json=load("10.3.1-makeCall.request.json"))
    assert status == 200 and shape(body) == shape(load("10.3.1-makeCall.response.json"))


async def test_document_terminate_and_transfer_requests_work_on_a_live_call(simulator, api, hooks):
    """The examples name a call of the document's; sent with the ids of a live call they work."""
    await api("POST", "/makeCall", json={"params": {"calleid": "89219462761", "callerId": "88314077716581"}})
    await simulator.advance(10)
    live = call_infos(hooks, ROMASHKA)[-1]
    assert live["state"] == "connected"
    request = load("10.3.3-transferCall.request.json")
    request["params"]["call"] = live["call"]
    status, body, _ = await api("POST", "/transferCall", json=request)
    assert (status, body) == (200, load("10.3.3-transferCall.response.json"))
    await simulator.advance(5)
    moved = call_infos(hooks, ROMASHKA)[-1]
    assert moved["state"] == "connected" and moved["callee"]["id"] == "883140582526566"
    request = load("10.3.2-terminateCall.request.json")
    request["params"]["call"] = moved["call"]
    status, body, _ = await api("POST", "/terminateCall", json=request)
    assert (status, body) == (200, load("10.3.2-terminateCall.response.json"))


async def test_notifications_have_the_shapes_of_the_examples(simulator, hooks, api):
    await simulator.start_call(SLUG, "78124241500", "74996497803")                       # §10.1.1, §10.1.7
    await simulator.start_call(SLUG, "883140582526566", "+79219462761", direction="outbound",
                               script={"+79219462761": {"answer_after": 2, "hangup_after": 3}})   # §10.1.2, 4, 5, 7
    await simulator.start_call(SLUG, "78124241500", "74993807700")                       # §10.1.3
    await simulator.advance(200)
    incoming = {(i["state"], i["type"] if "type" in i else ""): i for i in call_infos(hooks, SEVER)}
    outgoing = {(i["state"], i.get("type", "")): i for i in call_infos(hooks, ROMASHKA)}
    recorded = [i for i in call_infos(hooks, SOKOLOV) if i["state"] == "recorded"][0]
    wrap = lambda info: {"event": "callNotifications", "result": {"callInfo": info}}  # noqa: E731
    pairs = [("10.1.1-trying-incoming", incoming[("trying", "incoming")]),
             ("10.1.7-finished-incoming", incoming[("finished", "incoming")]),
             ("10.1.2-trying-outgoing", outgoing[("trying", "outgoing")]),
             ("10.1.4-showing", outgoing[("showing", "outgoing")]),
             ("10.1.5-connected", outgoing[("connected", "outgoing")]),
             ("10.1.7-finished-outgoing", outgoing[("finished", "outgoing")]),
             ("10.1.3-recorded", recorded)]
    for name, got in pairs:
        assert shape(wrap(got)) == shape(load(f"{name}.callback.json")), name
    example = load("10.1.7-finished-outgoing.callback.json")["result"]["callInfo"]
    got = outgoing[("finished", "outgoing")]
    assert (got["caller"], got["reason"], got["duration"]) == (example["caller"], example["reason"], example["duration"])
    # hiding (§10.1.6) after a transfer of the outgoing call
    hooks.requests.clear()
    await simulator.start_call(SLUG, "883140582526566", "+79219462761", direction="outbound",
                               script={"+79219462761": {"answer_after": 1, "hangup_after": 50}})
    await simulator.advance(2)
    live = call_infos(hooks, ROMASHKA)[-1]
    await api("POST", "/transferCall", json={"params": {"call": live["call"], "calleid": "88314077716581",
                                                        "transportId": live["transportId"]}})
    await simulator.advance(0)
    hiding = [i for i in call_infos(hooks, ROMASHKA) if i["state"] == "hiding"][0]
    assert shape(wrap(hiding)) == shape(load("10.1.6-hiding.callback.json"))
    assert hiding["call"] == live["call"] and hiding["caller"] == load("10.1.6-hiding.callback.json")["result"][
        "callInfo"]["caller"]


async def test_structure_notifications_are_the_examples(simulator, hooks):
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"numbers": {"74950001122": {}}}}}}})
    simulator.patch_world({"providers": {SLUG: {"tenants": {ROMASHKA: {"workplaces": {"88314077716581": {
        "name": "Старший администратор"}}}}}}})
    await simulator.advance(0)
    assert notifications(hooks, ROMASHKA) == [load("9.4-numbersChanged.callback.json"),
                                              load("9.5-workplacesChanged.callback.json")]


async def test_examples_use_the_default_world(simulator):
    """The document's ids are the default world's (docs/world-mtt.md)."""
    world = simulator.sim.world_section(SLUG)
    assert "883140582526566" in world.tenants[ROMASHKA].workplaces
    assert "74996497803" in world.tenants[SEVER].numbers
    assert EXAMPLES.file("10.1.3-recorded.callback.json").location.exists()


async def test_the_core_check_covers_every_entry(simulator, api):
    """OAuth page, token form, method, download and unknown path: each is named and checked
    against openapi.yaml by MttBusinessProvider.contract() (not skipped for its transport)."""
    from simulator.testing.contracts import check_contracts

    method, target, _ = http_request("8.1-authorize.request.http")
    async with simulator.request(method, simulator.url(SLUG, target)) as r:
        assert r.status == 200
    async with simulator.request("POST", simulator.url(SLUG, "/oauth/token"), data={"grant_type": "x"}) as r:
        assert r.status in (400, 401)
    assert (await api("GET", "/externalNumbersInfo"))[0] == 200
    assert (await api("GET", f"/records/{ROMASHKA}/2026/01/01/none.mp3"))[0] == 404
    assert (await api("GET", "/noSuchMethod"))[0] == 404
    entries = simulator.journal(provider=SLUG)
    assert [e["operation"] for e in entries] == ["GET /oauth/authorize", "POST /oauth/token", "GET externalNumbersInfo",
                                                 "GET records", "request"]
    assert check_contracts(simulator)[SLUG] == len(entries)
