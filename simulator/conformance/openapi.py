"""An OpenAPI 3.1 document (contracts/<slug>/openapi.yaml) as a validator of REST answers
and webhook bodies, for journal entries."""
from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any


class ContractViolation(AssertionError):
    pass


def load_yaml(text: str) -> object:
    """yaml.safe_load with libyaml's parser when PyYAML has it (the contracts are large: the
    pure-Python parser takes most of a second per document)."""
    import yaml  # on the first contract loaded, not at start-up

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)


class OpenApiContract:
    def __init__(self, path: Path | str, *, case_insensitive_paths: bool = False):
        self.path = Path(path)
        #: the service matches paths in any case (a WCF service does): so does the contract
        self.case_insensitive_paths = case_insensitive_paths

    @cached_property
    def document(self) -> dict:
        return load_yaml(self.path.read_text(encoding="utf-8"))

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern, str]]:
        out = []
        for template in self.document.get("paths", {}):
            rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$",
                            re.IGNORECASE if self.case_insensitive_paths else 0)
            out.append((rx, template))
        out.sort(key=lambda item: item[1].count("{"))  # literal segments first
        return out

    @cached_property
    def _loose_routes(self) -> list[tuple[re.Pattern, str]]:
        """The routes with parameters that may hold a "/": the journal keeps the decoded path,
        so an id sent as ``..%2F..%2Fetc`` (one segment on the wire) reads ``../../etc``."""
        flags = re.IGNORECASE if self.case_insensitive_paths else 0
        return [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", ".+", re.escape(template)) + "$", flags), template)
                for _, template in self._routes if "{" in template]

    def operation(self, method: str, path: str) -> tuple[str | None, dict | None]:
        # dot segments reach a handler only inside an encoded id (clients and the server resolve
        # literal ones), so only such a path may let a parameter span slashes
        dotted = any(part in (".", "..") for part in path.split("/"))
        for routes in (self._routes, self._loose_routes) if dotted else (self._routes,):
            for rx, template in routes:
                if rx.match(path):
                    op = self.document["paths"][template].get(method.lower())
                    if op is not None:
                        return template, op
        return None, None

    def validate(self, schema: dict, instance: Any) -> None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import ValidationError

        doc = {**schema, "components": self.document.get("components", {})}
        try:
            Draft202012Validator(doc).validate(instance)
        except ValidationError as exc:
            raise ContractViolation(f"{self.path.name}: {exc.message} at {list(exc.absolute_path)}") from None

    def resolve(self, obj: Any) -> Any:
        """An object of the document with its local ``$ref`` (``#/components/...``) followed."""
        seen = 0
        while isinstance(obj, dict) and isinstance(obj.get("$ref"), str) and obj["$ref"].startswith("#/"):
            node: Any = self.document
            for part in obj["$ref"][2:].split("/"):
                node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
            obj, seen = node, seen + 1
            if seen > 16:
                raise ContractViolation(f"{self.path.name}: $ref loop at {obj!r}")
        return obj

    def documented_response(self, op: dict, status: int) -> dict | None:
        responses = op.get("responses", {})
        spec = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        return self.resolve(spec) if spec is not None else None

    def schema(self, name: str) -> dict:
        return {"$ref": f"#/components/schemas/{name}"}

    def check_response(self, method: str, path: str, status: int, body: str | None,
                       content_type: str = "") -> None:
        template, op = self.operation(method, path)
        if op is None:
            raise ContractViolation(f"{method} {path}: not in {self.path.name}")
        spec = self.documented_response(op, status)
        if spec is None:
            raise ContractViolation(f"{method} {template}: status {status} is not in the contract")
        content = spec.get("content")
        if not content:
            return
        media = next((m for m in content if content_type.startswith(m)), None)
        if media is None and "application/json" in content and content_type == "":
            media = "application/json"
        if media is None:
            raise ContractViolation(f"{method} {template} {status}: content type {content_type!r} "
                                    f"not in {sorted(content)}")
        if media.endswith("json") and body is not None and not body.endswith("…"):
            schema = content[media].get("schema")
            if schema:
                self.validate(schema, json.loads(body))

    def check_request(self, method: str, path: str, query: str | None, headers: Any,
                      body: bytes | str | None) -> list:
        """What the application sent: a list of :class:`~.deviations.Deviation` (empty: clean)."""
        from .openapi_requests import request_deviations

        return request_deviations(self, method, path, query, headers, body)

    def check_webhook(self, name: str, body: Any, method: str = "post") -> None:
        hook = self.document.get("webhooks", {}).get(name)
        if hook is None or method.lower() not in hook:
            raise ContractViolation(f"webhook {name!r} ({method}) is not in {self.path.name}")
        content = self.resolve(self.resolve(hook[method.lower()]).get("requestBody", {})).get("content", {})
        for media, spec in content.items():
            if "schema" in spec:
                self.validate(spec["schema"], body)
                return


class OpenApiValidator:
    """REST answers and webhook bodies in the journal against an OpenAPI 3.1 document.

    * in: the answer's status must be listed for the operation, its content type among the
      documented ones, a JSON body valid against its schema, and no body where the document
      shows none. An unknown route may only answer 404/405 (in ``unknown_route_schema``,
      a component name, when given).
    * out: the callback's body against the webhook named ``webhook_name(entry)`` (default:
      the entry's operation), sent with a documented method and content type.
    """

    def __init__(self, path: Path | str, *, unknown_route_schema: str | None = None,
                 webhook_name: Any = None, case_insensitive_paths: bool = False):
        self.contract = OpenApiContract(path, case_insensitive_paths=case_insensitive_paths)
        self.unknown_route_schema = unknown_route_schema
        self.webhook_name = webhook_name or (lambda entry: entry.operation)

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "OpenApiValidator | None":
        path = directory / "openapi.yaml"
        return cls(path, **kw) if path.is_file() else None

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """The request of an inbound entry against its operation (None: not an inbound request)."""
        req = entry.request
        if entry.direction != "in" or not req.method or req.path is None:
            return None
        return self.contract.check_request(req.method, req.path, req.query, req.headers, req.body)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        from .contract import cut, header, json_body

        data = entry.to_json()
        if entry.direction == "in":
            method, path, status = data["method"], data["path"], data["status"]
            body = data["response_body"]
            if not method or path is None or status is None:
                return False  # no answer (a dropped connection) or not a request
            template, op = self.contract.operation(method, path)
            if op is None:
                if status not in (404, 405):
                    raise ContractViolation(f"{method} {path}: not in {self.contract.path.name} "
                                            f"but answered {status}")
                if self.unknown_route_schema and not cut(body):
                    self.contract.validate(self.contract.schema(self.unknown_route_schema),
                                           json_body(body, f"{method} {path}"))
                return True
            ctype = header(data["response_headers"], "Content-Type")
            try:
                self.contract.check_response(method, path, status, body, ctype)
            except json.JSONDecodeError as exc:
                raise ContractViolation(f"{method} {template} {status}: the body is not JSON: {exc}") from None
            documented = self.contract.documented_response(op, status) or {}
            if not documented.get("content") and body:
                raise ContractViolation(f"{method} {template} {status}: the contract shows no body, "
                                        f"got {body[:80]!r}")
            return True
        body = data["request_body"]
        if not body or cut(body):
            return False
        name = self.webhook_name(entry)
        hook = self.contract.document.get("webhooks", {}).get(name)
        method = (data["method"] or "POST").lower()
        if hook is None or method not in hook:
            raise ContractViolation(f"webhook {name!r} ({method.upper()}) is not in {self.contract.path.name}")
        content = self.contract.resolve(hook[method].get("requestBody", {})).get("content", {})
        ctype = header(data["request_headers"], "Content-Type")
        media = next((m for m in content if ctype.startswith(m)), None)
        if content and media is None:
            raise ContractViolation(f"webhook {name!r}: content type {ctype!r} not in {sorted(content)}")
        if media is not None and media.endswith("json"):
            self.contract.check_webhook(name, json_body(body, f"webhook {name!r}"), method)
        return True
