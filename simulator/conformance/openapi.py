"""An OpenAPI 3.1 document (contracts/<slug>/openapi.yaml) as a validator of REST answers
and webhook bodies, for journal entries."""
from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml


class ContractViolation(AssertionError):
    pass


class OpenApiContract:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    @cached_property
    def document(self) -> dict:
        return yaml.safe_load(self.path.read_text(encoding="utf-8"))

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern, str]]:
        out = []
        for template in self.document.get("paths", {}):
            rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            out.append((rx, template))
        out.sort(key=lambda item: item[1].count("{"))  # literal segments first
        return out

    def operation(self, method: str, path: str) -> tuple[str | None, dict | None]:
        for rx, template in self._routes:
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

    def schema(self, name: str) -> dict:
        return {"$ref": f"#/components/schemas/{name}"}

    def check_response(self, method: str, path: str, status: int, body: str | None,
                       content_type: str = "") -> None:
        template, op = self.operation(method, path)
        if op is None:
            raise ContractViolation(f"{method} {path}: not in {self.path.name}")
        responses = op.get("responses", {})
        spec = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
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

    def check_webhook(self, name: str, body: Any, method: str = "post") -> None:
        hook = self.document.get("webhooks", {}).get(name)
        if hook is None or method.lower() not in hook:
            raise ContractViolation(f"webhook {name!r} ({method}) is not in {self.path.name}")
        content = hook[method.lower()].get("requestBody", {}).get("content", {})
        for media, spec in content.items():
            if "schema" in spec:
                self.validate(spec["schema"], body)
                return
