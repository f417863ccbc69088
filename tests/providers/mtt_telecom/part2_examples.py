"""The examples of part 2's sections (contracts/mtt-telecom/examples/index.yaml entries with a
``section``), loaded for the contract tests."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import yaml

from .contract import CONTRACT, openapi, openrpc

EXAMPLES = CONTRACT / "examples"
INDEX = yaml.safe_load((EXAMPLES / "index.yaml").read_text(encoding="utf-8"))["fixtures"]
PART2 = [f for f in INDEX if "section" in f]


def load(fx: dict) -> Any:
    return json.loads((EXAMPLES / fx["file"]).read_text(encoding="utf-8"))


def select(*, contract: str | None = None, kind: str | None = None, sections: tuple[str, ...] = ()) -> list[dict]:
    return [f for f in PART2 if (contract is None or f.get("contract", "openrpc.yaml") == contract)
            and (kind is None or f["kind"] == kind) and (not sections or f["section"] in sections)]


def check_rpc(fx: dict) -> None:
    doc = openrpc(fx.get("contract", "openrpc.yaml"))
    body = load(fx)
    if fx["kind"] == "request":
        assert body["jsonrpc"] == "2.0" and body["method"] == fx["method"]
        doc.check_params(fx["method"], body.get("params"))
    elif fx["method"] == "getControlCallFollowMe":   # the client's answer to the platform
        doc.check_result(fx["method"], body["result"])
    else:
        doc.check_answer(fx["method"], body, fx["status"])


def check_http(fx: dict) -> None:
    doc = openapi(fx["contract"])
    method, _, path = fx["method"].partition(" ")
    template, op = doc.operation(method, path)
    assert op is not None, fx["method"]
    body = load(fx)
    if fx["kind"] == "http-request":
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
        doc.check_webhook(fx["method"], payload)
    return len(load(fx))
