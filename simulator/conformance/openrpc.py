"""An OpenRPC 1.x document (contracts/<slug>/openrpc.yaml) as a validator of JSON-RPC
exchanges in journal entries: params, results and errors per method, batches matched by id.

Extensions the document may carry: ``x-http-status`` on an error object (the HTTP status, or
the list of statuses, the provider answers it with) and ``x-http-status-default`` at the top
(status of every other single answer, 200 when absent). A method with ``x-direction: out`` is
one the simulator calls on the application (its requests are checked on outbound entries).
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from .openapi import ContractViolation, load_yaml

STANDARD_CODES = {-32700, -32600, -32601, -32602, -32603}
#: journal operation names of simulator.jsonrpc.server (batch, a body naming no declared method)
BATCH, INVALID = "rpc.batch", "rpc.invalid"


class OpenRpcContract:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    @cached_property
    def document(self) -> dict:
        text = self.path.read_text(encoding="utf-8")
        return json.loads(text) if self.path.suffix == ".json" else load_yaml(text)

    @cached_property
    def methods(self) -> dict[str, dict]:
        return {m["name"]: self.resolve(m) for m in self.document.get("methods", [])}

    def resolve(self, node: Any) -> Any:
        """Follow a ``$ref`` into the document (one level at a time, as often as needed)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and not node["$ref"].startswith("#/components/schemas/"):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ContractViolation(f"{self.path.name}: external $ref {ref!r} is not supported")
            node = self.document
            for part in ref[2:].split("/"):
                node = node[part]
            seen += 1
            if seen > 20:
                raise ContractViolation(f"{self.path.name}: $ref loop at {ref!r}")
        return node

    def method(self, name: str) -> dict:
        try:
            return self.methods[name]
        except KeyError:
            raise ContractViolation(f"method {name!r} is not in {self.path.name}") from None

    # ---------------------------------------------------------- validation
    def validate(self, schema: dict, instance: Any, where: str) -> None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import ValidationError

        doc = {**schema, "components": self.document.get("components", {})}
        try:
            Draft202012Validator(doc).validate(instance)
        except ValidationError as exc:
            raise ContractViolation(f"{self.path.name} {where}: {exc.message} at {list(exc.absolute_path)}") from None

    def check_params(self, name: str, params: Any) -> None:
        method = self.method(name)
        declared = [self.resolve(p) for p in method.get("params", [])]
        structure = method.get("paramStructure", "either")
        if params is None:
            params = {}
        if isinstance(params, list):
            if structure == "by-name":
                raise ContractViolation(f"{name}: positional params but the contract says by-name")
            if len(params) > len(declared):
                raise ContractViolation(f"{name}: {len(params)} positional params, {len(declared)} declared")
            given = {p["name"]: v for p, v in zip(declared, params)}
        elif isinstance(params, dict):
            if structure == "by-position":
                raise ContractViolation(f"{name}: named params but the contract says by-position")
            given = params
        else:
            raise ContractViolation(f"{name}: params is neither an array nor an object")
        for p in declared:
            if p["name"] in given:
                if "schema" in p:
                    self.validate(p["schema"], given[p["name"]], f"{name} param {p['name']}")
            elif p.get("required"):
                raise ContractViolation(f"{name}: required param {p['name']!r} missing")

    def check_result(self, name: str, result: Any) -> None:
        spec = self.resolve(self.method(name).get("result") or {})
        if "schema" in spec:
            self.validate(spec["schema"], result, f"{name} result")

    def declared_error(self, name: str | None, code: int) -> dict | None:
        """The method's error of ``code``; for a body naming no declared method (auth failures,
        invalid requests) any error of components.errors."""
        if name is None or name not in self.methods:
            errors = self.document.get("components", {}).get("errors", {}).values()
            return next((e for e in errors if e.get("code") == code), None)
        for err in self.methods[name].get("errors", []):
            err = self.resolve(err)
            if err.get("code") == code:
                return err
        return None

    def check_error(self, name: str | None, error: Any, status: int | None = None, *, single: bool = True) -> None:
        if not (isinstance(error, dict) and isinstance(error.get("code"), int)
                and isinstance(error.get("message"), str)):
            raise ContractViolation(f"{name}: not a JSON-RPC error object: {error!r}")
        declared = self.declared_error(name, error["code"])
        if declared is None and error["code"] not in STANDARD_CODES:
            raise ContractViolation(f"{name}: error code {error['code']} is not declared for the method")
        if declared is not None and declared.get("message") not in (None, error["message"]):
            raise ContractViolation(f"{name}: error {error['code']} message {error['message']!r}, "
                                    f"contract {declared['message']!r}")
        if single and status is not None:
            want = (declared or {}).get("x-http-status", self.document.get("x-http-status-default", 200))
            allowed = want if isinstance(want, list) else [want]
            if status not in allowed:
                raise ContractViolation(f"{name}: error {error['code']} with HTTP {status}, contract {want}")

    def check_answer(self, name: str | None, answer: Any, status: int | None, *, single: bool = True) -> None:
        if not isinstance(answer, dict) or answer.get("jsonrpc") != "2.0" or "id" not in answer:
            raise ContractViolation(f"{name}: not a JSON-RPC response object: {answer!r}")
        if ("result" in answer) == ("error" in answer):
            raise ContractViolation(f"{name}: a response holds exactly one of result and error")
        if "error" in answer:
            self.check_error(name, answer["error"], status, single=single)
        else:
            if name is None:
                raise ContractViolation(f"a result for a request that names no declared method: {answer!r}")
            self.check_result(name, answer["result"])
            if single and status is not None and status != 200:
                raise ContractViolation(f"{name}: a result with HTTP {status}")

    def check_exchange(self, request_body: str | bytes | None, response_body: str | bytes | None,
                       status: int | None) -> int:
        """One HTTP exchange (single call or batch); returns how many calls were checked."""
        try:
            request = json.loads(request_body) if request_body else None
        except (ValueError, RecursionError):  # not JSON, or nested past the parser: a -32700 answer
            request = None
        answer = json.loads(response_body) if response_body else None
        if isinstance(request, list) and request:
            if answer is None:
                return 0  # notifications only
            if not isinstance(answer, list):
                self.check_answer(None, answer, status)
                return 1
            by_id = {json.dumps(r.get("id")): r for r in request if isinstance(r, dict) and "id" in r}
            for item in answer:
                req = by_id.get(json.dumps(item.get("id"))) if isinstance(item, dict) else None
                name = req.get("method") if isinstance(req, dict) and req.get("method") in self.methods else None
                self.check_answer(name, item, status, single=False)
                if name and isinstance(req, dict):
                    self.check_params(name, req.get("params"))
            return len(answer)
        if answer is None:
            return 0
        name = request.get("method") if isinstance(request, dict) and request.get("method") in self.methods else None
        self.check_answer(name, answer, status)
        if name and "result" in answer:
            self.check_params(name, request.get("params"))
        return 1

    # ------------------------------------------------------ the application's requests
    def request_deviations(self, body: bytes | str | None) -> list:
        """A JSON-RPC 2.0 request (single or batch) as the application sent it: the envelope,
        a declared method, its params by the method's declaration."""
        from .deviations import Deviation

        try:
            request = json.loads(body or b"")
        except (ValueError, RecursionError) as exc:
            return [Deviation("not-parseable", f"the body is not JSON: {exc}", "body")]
        if isinstance(request, list):
            if not request:
                return [Deviation("jsonrpc-envelope", "an empty batch", "body")]
            out = []
            for i, call in enumerate(request[:1000]):
                out.extend(self._call_deviations(call, f"body/{i}"))
            return out
        return self._call_deviations(request, "body")

    def _call_deviations(self, call: Any, where: str) -> list:
        from .deviations import Deviation

        if not isinstance(call, dict):
            return [Deviation("jsonrpc-envelope", "a request is a JSON object", where)]
        out = []
        if call.get("jsonrpc") != "2.0":
            out.append(Deviation("jsonrpc-envelope", f"jsonrpc is {call.get('jsonrpc')!r}, not \"2.0\"",
                                 f"{where}/jsonrpc"))
        for key in sorted(set(call) - {"jsonrpc", "method", "params", "id"}):
            out.append(Deviation("jsonrpc-envelope", f"{key!r} is not a member of a JSON-RPC request", f"{where}/{key}"))
        if "id" in call and not (call["id"] is None or isinstance(call["id"], str)
                                 or (isinstance(call["id"], (int, float)) and not isinstance(call["id"], bool))):
            out.append(Deviation("jsonrpc-envelope", "id is a string, a number or null", f"{where}/id"))
        method = call.get("method")
        if not isinstance(method, str):
            return out + [Deviation("jsonrpc-envelope", "method is a string", f"{where}/method")]
        if "params" in call and not isinstance(call["params"], (list, dict)):
            return out + [Deviation("jsonrpc-envelope", "params is an array or an object", f"{where}/params")]
        if method not in self.methods:
            return out + [Deviation("unknown-operation", f"method {method!r} is not in {self.path.name}",
                                    f"{where}/method")]
        return out + self._params_deviations(method, call.get("params"), f"{where}/params")

    def _params_deviations(self, name: str, params: Any, where: str) -> list:
        from .deviations import Deviation, schema_deviations

        method = self.method(name)
        declared = [self.resolve(p) for p in method.get("params", [])]
        structure = method.get("paramStructure", "either")
        out = []
        if params is None:
            params = {}
        if isinstance(params, list):
            if structure == "by-name":
                out.append(Deviation("jsonrpc-envelope", "params by position; the document gives them by name", where))
            if len(params) > len(declared):
                out.append(Deviation("unknown-field", f"{len(params)} positional params, {len(declared)} declared",
                                     where))
            given = {p["name"]: v for p, v in zip(declared, params)}
        else:
            if structure == "by-position":
                out.append(Deviation("jsonrpc-envelope", "params by name; the document gives them by position", where))
            given = dict(params)
            names = {p["name"] for p in declared}
            for key in given:
                if key not in names:
                    out.append(Deviation("unknown-field", f"{key!r} is not a param of {name}", f"{where}/{key}"))
        components = self.document.get("components", {})
        for p in declared:
            if p["name"] in given:
                if "schema" in p:
                    out.extend(schema_deviations(p["schema"], given[p["name"]], f"{where}/{p['name']}",
                                                 components=components, resolve=self._resolve_schema))
            elif p.get("required"):
                out.append(Deviation("missing-field", f"the required param {p['name']!r} is missing",
                                     f"{where}/{p['name']}"))
        return out

    def _resolve_schema(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and seen < 20:
            target: Any = self.document
            for part in node["$ref"][2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def check_entry(self, entry: dict) -> int:
        """A journal entry: an inbound exchange, or an outbound request of an ``x-direction: out``
        method (its answer is the application's, checked by the simulator itself)."""
        if entry.get("direction") == "in":
            if entry.get("status") is None or (entry.get("response_body") or "").endswith("…"):
                return 0
            return self.check_exchange(entry.get("request_body"), entry.get("response_body"), entry["status"])
        if entry.get("direction") == "out" and entry.get("request_body"):
            request = json.loads(entry["request_body"])
            name = request.get("method")
            if self.method(name).get("x-direction") != "out":
                raise ContractViolation(f"{name}: sent to the application but not an x-direction out method")
            self.check_params(name, request.get("params"))
            return 1
        return 0


class OpenRpcValidator:
    """The core's ``jsonrpc`` transport: JSON-RPC exchanges of journal entries against the
    OpenRPC documents of contracts/<slug>/ (``openrpc.yaml``, and ``by_path``: the document of
    another endpoint, by request path, e.g. ``{"/v1/api": "openrpc-gapi.yaml"}``).

    * in: the exchange (single call or batch) against the document of the request's path; an
      entry no handler named (answered before dispatch) is checked without its HTTP status;
    * out: the request of an ``x-direction: out`` method the simulator sent.
    """

    def __init__(self, directory: Path | str, *, default: str = "openrpc.yaml",
                 by_path: dict[str, str] | None = None):
        self.directory = Path(directory)
        self.default = default
        self.by_path = dict(by_path or {})
        self._docs: dict[str, OpenRpcContract] = {}

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "OpenRpcValidator | None":
        default = kw.get("default", "openrpc.yaml")
        return cls(directory, **kw) if (Path(directory) / default).is_file() else None

    def document(self, path: str | None = None) -> OpenRpcContract:
        name = self.by_path.get(path or "", self.default)
        if name not in self._docs:
            self._docs[name] = OpenRpcContract(self.directory / name)
        return self._docs[name]

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """What the application posted to a JSON-RPC endpoint (GET, the SMD, carries none)."""
        from .contract import header
        from .deviations import Deviation

        req = entry.request
        if entry.direction != "in" or req.method != "POST":
            return None
        out = []
        ctype = header(dict(req.headers or {}), "Content-Type").split(";", 1)[0].strip().lower()
        if "json" not in ctype:
            out.append(Deviation("content-type", f"Content-Type {ctype or 'none'!r}; JSON-RPC over HTTP is "
                                 "sent as application/json", "header Content-Type"))
        return out + self.document(req.path).request_deviations(req.body)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json() if hasattr(entry, "to_json") else dict(entry)
        if data.get("direction") == "in":
            if data.get("status") is None or (data.get("response_body") or "").endswith("…"):
                return False
            contract = self.document(data.get("path"))
            if spec is None:   # answered before any handler (a wrong method, a fault): no status rule
                contract.check_exchange(data.get("request_body"), data.get("response_body"), None)
            else:
                contract.check_exchange(data.get("request_body"), data.get("response_body"), data["status"])
            return True
        if data.get("direction") == "out" and data.get("request_body"):
            if data["request_body"].endswith("…"):
                return False
            return bool(self.document().check_entry(data))
        return False
