"""contracts/mtt-business/openapi.yaml as the check of every journal entry of a test."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from simulator.conformance.openapi import OpenApiContract

CONTRACT_DIR = Path(__file__).resolve().parents[3] / "contracts" / "mtt-business"
SLUG = "mtt-business"


@lru_cache(maxsize=1)
def contract() -> OpenApiContract:
    return OpenApiContract(CONTRACT_DIR / "openapi.yaml")


def _content_type(entry: dict) -> str:
    headers = entry.get("response_headers") or {}
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def check_entry(entry: dict) -> bool:
    """Raises ContractViolation when an entry is not what the contract says; True if checked."""
    c = contract()
    if entry["direction"] == "in" and entry.get("status") is not None:
        template, op = c.operation(entry["method"], entry["path"])
        if op is None:
            # no such method: the API's error body with 404 / 405
            assert entry["status"] in (404, 405), entry
            c.validate(c.schema("ApiError"), json.loads(entry["response_body"]))
            return True
        c.check_response(entry["method"], entry["path"], entry["status"], entry.get("response_body"),
                         _content_type(entry))
        return True
    if entry["direction"] == "out" and entry.get("request_body"):
        assert entry["method"] == "POST", entry
        assert entry["request_headers"].get("Content-Type") == "application/json", entry
        c.check_webhook(entry["kind"], json.loads(entry["request_body"]))
        return True
    return False


def check_journal(entries: list[dict]) -> int:
    return sum(check_entry(e) for e in entries if e.get("provider") == SLUG)
