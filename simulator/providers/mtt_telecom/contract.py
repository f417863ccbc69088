"""MTT Telecom's contract for the core's checker (simulator/conformance/): contracts/mtt-telecom/.

* ``jsonrpc`` (the core's OpenRPC validator): webapicommon's methods against openrpc.yaml,
  gapi.mtt.ru's (/v1/api) against openrpc-gapi.yaml; any answer of a JSON-RPC route that no
  handler named (a wrong method, an injected fault) is a JSON-RPC body too;
* ``rest`` / ``download`` / ``get`` / ``form``: :class:`MttRestValidator`, the OpenAPI file of
  the host (openapi.yaml, openapi-sms.yaml, openapi-smartcalls.yaml) chosen by path for
  requests and by callback name for webhooks; GET callbacks (CallBack progress) are checked by
  their query, form-encoded ones by their fields.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ...conformance import Contract
from ...conformance.contract import CONTRACTS
from ...conformance.openapi import OpenApiContract
from ...conformance.openrpc import OpenRpcContract
from .catalogue import CATALOGUE, ENDPOINTS, SLUG

RPC_PATHS = frozenset(e.path for e in ENDPOINTS)
#: part 2's JSON-RPC endpoint and its document
RPC_BY_PATH = {"/v1/api": "openrpc-gapi.yaml"}
REST_BY_PATH = (("/v2/accounts/", "openapi-sms.yaml"), ("/v1/sb", "openapi-smartcalls.yaml"))
WEBHOOK_BY_NAME = {"SMS event": "openapi-sms.yaml", "smart call event": "openapi-smartcalls.yaml",
                   "IVR event": "openapi-smartcalls.yaml", "IVR notify": "openapi-smartcalls.yaml",
                   "call control event": "openapi-callcontrol.yaml"}


class MttRestValidator:
    """The REST hosts' answers and the webhooks, against the OpenAPI file of each."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._docs: dict[str, OpenApiContract] = {}

    def openapi(self, name: str = "openapi.yaml") -> OpenApiContract:
        if name not in self._docs:
            self._docs[name] = OpenApiContract(self.directory / name)
        return self._docs[name]

    @staticmethod
    def rest_file(path: str) -> str:
        return next((name for prefix, name in REST_BY_PATH if path.startswith(prefix)), "openapi.yaml")

    @staticmethod
    def rest_path(data: dict) -> str:
        """Record files live under folders named from the h323_conf_id: the contract names
        them /{owner}/{file}."""
        if data.get("operation") == "GET record file":
            parts = data["path"].strip("/").split("/")
            return f"/{parts[0]}/{parts[-1]}"
        return data["path"]

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """The application's REST request against the OpenAPI file of its host."""
        req = entry.request
        if entry.direction != "in" or not req.method or req.path is None:
            return None
        path = self.rest_path({"operation": entry.operation, "path": req.path})
        return self.openapi(self.rest_file(req.path)).check_request(req.method, path, req.query, req.headers, req.body)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json()
        if data["direction"] == "in":
            if data.get("status") is None or spec is None:
                return False  # no route: an unknown path or method, answered by error_response
            ctype = (data.get("response_headers") or {}).get("Content-Type", "")
            self.openapi(self.rest_file(data["path"])).check_response(
                data["method"], self.rest_path(data), data["status"], data.get("response_body"), ctype)
            return True
        name = data["operation"]
        doc = self.openapi(WEBHOOK_BY_NAME.get(name, "openapi.yaml"))
        body = data.get("request_body")
        if data.get("method") == "GET":
            query = dict(parse_qsl(urlsplit(data.get("url") or "").query, keep_blank_values=True))
            query.update(data.get("params") or {})
            doc.check_webhook(name, query, method="get")
            return True
        if not body or body.endswith("…"):
            return False
        try:
            payload = json.loads(body)
        except ValueError:
            payload = dict(parse_qsl(body, keep_blank_values=True))
        doc.check_webhook(name, payload, method=data.get("method") or "post")
        return True


def transport_of(entry: Any) -> str | None:
    """A request to a JSON-RPC route (but the GET SMD) is JSON-RPC whatever named it."""
    if entry.direction == "in" and entry.request.path in RPC_PATHS and entry.request.method != "GET":
        return "jsonrpc"
    return None


def telecom_contract() -> Contract:
    directory = CONTRACTS / SLUG
    contract = Contract.from_files(SLUG, catalogue=CATALOGUE, transport_of=transport_of,
                                   options={"jsonrpc": {"by_path": RPC_BY_PATH}})
    rest = MttRestValidator(directory)
    for transport in ("rest", "download", "get", "form"):
        contract.validators[transport] = rest
    return contract


_REST = MttRestValidator(CONTRACTS / SLUG)
_RPC: dict[str, OpenRpcContract] = {}


def openapi(name: str = "openapi.yaml") -> OpenApiContract:
    """One OpenAPI file of contracts/mtt-telecom/ (for the examples' tests)."""
    return _REST.openapi(name)


def openrpc(name: str = "openrpc.yaml") -> OpenRpcContract:
    """One OpenRPC file of contracts/mtt-telecom/ (for the examples' tests)."""
    if name not in _RPC:
        _RPC[name] = OpenRpcContract(CONTRACTS / SLUG / name)
    return _RPC[name]
