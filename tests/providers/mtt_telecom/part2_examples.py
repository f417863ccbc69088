"""The examples of part 2's sections (contracts/mtt-telecom/examples/index.yaml entries with
``part: 2``, through the core's ``load_examples``), for the contract tests."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from simulator.conformance.examples import load_examples
from simulator.providers.mtt_telecom.contract import openapi, openrpc

EXAMPLES = load_examples("mtt-telecom").root
INDEX = list(load_examples("mtt-telecom"))
PART2 = [f for f in INDEX if f["part"] == 2]


def load(fx: Any) -> Any:
    return fx.json()


def select(*, contract: str | None = None, kind: str | None = None, sections: tuple[str, ...] = ()) -> list[dict]:
    return [f for f in PART2 if (contract is None or f.get("contract", "openrpc.yaml") == contract)
            and (kind is None or f["format"] == kind) and (not sections or f["section"] in sections)]


def check_rpc(fx: dict) -> None:
    doc = openrpc(fx.get("contract", "openrpc.yaml"))
    body = load(fx)
    if fx["format"] == "request":
        assert body["jsonrpc"] == "2.0" and body["method"] == fx["name"]
        doc.check_params(fx["name"], body.get("params"))
    elif fx["name"] == "getControlCallFollowMe":   # the client's answer to the platform
        doc.check_result(fx["name"], body["result"])
    else:
        doc.check_answer(fx["name"], body, fx["status"])


def check_http(fx: dict) -> None:
    doc = openapi(fx["contract"])
    method, _, path = fx["name"].partition(" ")
    template, op = doc.operation(method, path)
    assert op is not None, fx["name"]
    body = load(fx)
    if fx["format"] == "http-request":
        doc.validate(op["requestBody"]["content"]["application/json"]["schema"], body)
    else:
        response = op["responses"][str(fx["status"])]
        if "$ref" in response:
            response = doc.document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        doc.validate(response["content"]["application/json"]["schema"], body)


def check_webhooks(fx: dict) -> int:
    doc = openapi(fx["contract"])
    for item in load(fx):
        payload = dict(parse_qsl(item, keep_blank_values=True)) if isinstance(item, str) else item
        doc.check_webhook(fx["name"], payload)
    return len(load(fx))
