"""The contracts of contracts/mtt-telecom/ (OpenRPC for the JSON-RPC methods, OpenAPI for the
rest) as a validator of every journal entry a test produced."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from simulator.conformance.openapi import ContractViolation, OpenApiContract
from simulator.conformance.openrpc import BATCH, INVALID, OpenRpcContract
from simulator.providers.mtt_telecom.catalogue import CATALOGUE
from simulator.providers.mtt_telecom.provider import RPC_PATHS

CONTRACT = Path(__file__).resolve().parents[3] / "contracts" / "mtt-telecom"
SLUG = "mtt-telecom"


#: part 2's documents: gapi.mtt.ru's JSON-RPC methods, the SMS and smart-call REST hosts and
#: the call-control events, chosen by path (requests) or by callback kind (webhooks)
RPC_BY_PATH = {"/v1/api": "openrpc-gapi.yaml"}
REST_BY_PATH = (("/v2/accounts/", "openapi-sms.yaml"), ("/v1/sb", "openapi-smartcalls.yaml"))
WEBHOOK_BY_KIND = {"SMS event": "openapi-sms.yaml", "smart call event": "openapi-smartcalls.yaml",
                   "IVR event": "openapi-smartcalls.yaml", "IVR notify": "openapi-smartcalls.yaml",
                   "call control event": "openapi-callcontrol.yaml"}


@lru_cache(maxsize=None)
def openrpc(name: str = "openrpc.yaml") -> OpenRpcContract:
    return OpenRpcContract(CONTRACT / name)


@lru_cache(maxsize=None)
def openapi(name: str = "openapi.yaml") -> OpenApiContract:
    return OpenApiContract(CONTRACT / name)


def _rest_contract(path: str) -> str:
    return next((name for prefix, name in REST_BY_PATH if path.startswith(prefix)), "openapi.yaml")


def _rpc_operation(name: str) -> bool:
    if name in (BATCH, INVALID):
        return True
    return CATALOGUE.has_operation(name) and CATALOGUE.operation(name).transport == "jsonrpc"


def _rest_path(entry: dict) -> str:
    """Record files live under folders named from the h323_conf_id: the contract names them
    /{owner}/{file}."""
    if entry.get("operation") == "GET record file":
        parts = entry["path"].strip("/").split("/")
        return f"/{parts[0]}/{parts[-1]}"
    return entry["path"]


def check_entry(entry: dict) -> int:
    if entry.get("provider") != SLUG:
        return 0
    if entry["direction"] == "in":
        if entry.get("status") is None:
            return 0
        contract = openrpc(RPC_BY_PATH.get(entry["path"], "openrpc.yaml"))
        if _rpc_operation(entry.get("operation", "")):
            return contract.check_entry(entry) or 1
        if entry["path"] in RPC_PATHS and entry["method"] != "GET":
            # answered before any handler (an injected fault, a wrong method): a JSON-RPC body
            return contract.check_exchange(entry.get("request_body"), entry.get("response_body"), None) or 1
        if not CATALOGUE.has_operation(entry.get("operation", "")):
            return 0  # no route: an unknown path or method, answered by the provider's error_response
        ctype = (entry.get("response_headers") or {}).get("Content-Type", "")
        openapi(_rest_contract(entry["path"])).check_response(entry["method"], _rest_path(entry), entry["status"],
                                                              entry.get("response_body"), ctype)
        return 1
    if entry["direction"] == "out":
        body = entry.get("request_body")
        if body and (entry.get("request_headers") or {}).get("Content-Type", "").startswith("application/json"):
            data = json.loads(body)
            if isinstance(data, dict) and data.get("jsonrpc") == "2.0":
                return openrpc().check_entry(entry)
        if entry.get("method") == "GET":
            query = dict(parse_qsl(urlsplit(entry["url"]).query, keep_blank_values=True))
            query.update(entry.get("params") or {})
            openapi(WEBHOOK_BY_KIND.get(entry["kind"], "openapi.yaml")).check_webhook(entry["kind"], query,
                                                                                       method="get")
            return 1
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = dict(parse_qsl(body, keep_blank_values=True))
            openapi(WEBHOOK_BY_KIND.get(entry["kind"], "openapi.yaml")).check_webhook(
                entry["kind"], payload, method=entry.get("method", "post"))
            return 1
    return 0


def check_journal(entries: list[dict]) -> int:
    n = 0
    for entry in entries:
        try:
            n += check_entry(entry)
        except ContractViolation as exc:
            raise ContractViolation(f"journal entry {entry.get('operation')} {entry.get('path') or entry.get('url')}: "
                                    f"{exc}") from None
    return n
