"""The OpenAPI contract of contracts/mts-vpbx/ as a validator for requests, responses and events."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml
from jsonschema import Draft202012Validator

from simulator.providers.mts_vpbx import models as m

CONTRACT = Path(__file__).resolve().parents[3] / "contracts" / "mts-vpbx"
PREFIX = "/mts-vpbx"


@lru_cache(maxsize=1)
def openapi() -> dict:
    return yaml.safe_load((CONTRACT / "openapi.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _routes() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in openapi()["paths"]:
        rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        out.append((rx, template))
    # literal segments first: /calls/CallReturn before /calls/{callId}
    out.sort(key=lambda item: item[1].count("{"))
    return out


def operation(method: str, path: str) -> tuple[Optional[str], Optional[dict]]:
    if path.startswith(PREFIX + "/"):
        path = path[len(PREFIX):]
    for rx, template in _routes():
        if rx.match(path):
            op = openapi()["paths"][template].get(method.lower())
            if op is not None:
                return template, op
    return None, None


def validate(schema: dict, instance: Any) -> None:
    Draft202012Validator({**schema, "components": openapi()["components"]}).validate(instance)


def schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def check_response(method: str, path: str, status: int, body: Optional[str], content_type: str = "") -> None:
    """Raises AssertionError / ValidationError when the response is not what the contract says."""
    template, op = operation(method, path)
    if op is None:
        # unknown path or method: the portal's error body
        assert status in (404, 405), f"{method} {path}: no such operation but status {status}"
        validate(schema("ErrorBody"), json.loads(body or "null"))
        return
    responses = op["responses"]
    assert str(status) in responses, f"{method} {template}: status {status} is not in the contract"
    content = responses[str(status)].get("content")
    if not content:
        assert not body, f"{method} {template} {status}: the contract has no body, got {body[:80]!r}"
        return
    if "application/json" in content:
        if body is None or body.endswith("…"):  # cut by the journal
            return
        validate(content["application/json"]["schema"], json.loads(body))


def check_event(body: str) -> None:
    data = json.loads(body)
    hook = openapi()["webhooks"][data["eventType"]]["post"]
    validate(hook["requestBody"]["content"]["application/json"]["schema"], data)
    m.Event.model_validate(data)  # the documented value lists (state, callDirection) too


def check_journal(entries: list[dict]) -> int:
    n = 0
    for e in entries:
        if e.get("provider") != "mts-vpbx":
            continue
        if e["direction"] == "in" and e.get("status") is not None:
            check_response(e["method"], e["path"], e["status"], e.get("response_body"))
            n += 1
        elif e["direction"] == "out" and e.get("request_body"):
            check_event(e["request_body"])
            assert e["method"] == "POST" and e["request_headers"].get("Content-Type") == "application/json", e
            n += 1
    return n
