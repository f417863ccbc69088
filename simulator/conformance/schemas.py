"""Multipart commands (Beeline cloudcc's offline API) against a directory of JSON Schemas.

``contracts/<slug>/schemas/`` holds ``<COMMAND>.request.schema.json`` and
``<COMMAND>.response.schema.json`` per command, ``error.schema.json`` for the error
structure, and any schemas these refer to by ``$id``.

* in: the JSON answer to a command (the entry's operation names it) must be valid against
  the command's response schema, or be a documented error (``error.schema.json``). An
  operation without schemas (a request whose command could not be read) may only answer
  the error structure. Non-JSON answers (file downloads) are not checked here.
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from .openapi import ContractViolation


class JsonSchemaValidator:
    def __init__(self, directory: Path | str, *, response: str = "{name}.response.schema.json",
                 request: str = "{name}.request.schema.json", error: str = "error.schema.json"):
        self.directory = Path(directory)
        self.response_name, self.request_name, self.error_name = response, request, error

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "JsonSchemaValidator | None":
        schemas = directory / "schemas"
        return cls(schemas, **kw) if schemas.is_dir() and any(schemas.glob("*.schema.json")) else None

    @cached_property
    def schemas(self) -> dict[str, dict]:
        return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.directory.glob("*.json"))}

    @cached_property
    def _registry(self):
        from referencing import Registry, Resource

        return Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in self.schemas.values() if "$id" in s)

    def errors(self, schema_file: str, instance: Any) -> list[str]:
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(self.schemas[schema_file], registry=self._registry)
        return [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(instance)][:3]

    def validate(self, schema_file: str, instance: Any, where: str = "") -> None:
        problems = self.errors(schema_file, instance)
        if problems:
            raise ContractViolation(f"{where}{schema_file}: {'; '.join(problems)}")

    def check_answer(self, name: str, answer: Any, where: str = "") -> None:
        """``answer`` is the documented answer to command ``name``, or the error structure."""
        response = self.response_name.format(name=name)
        if response in self.schemas and not self.errors(response, answer):
            return
        if self.error_name in self.schemas and not self.errors(self.error_name, answer):
            return
        self.validate(response if response in self.schemas else self.error_name, answer, where)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json()
        if entry.direction != "in":
            return False
        body = data["response_body"]
        if not body or body.endswith("…") or body.lstrip()[:1] not in ("{", "["):
            return False
        try:
            answer = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ContractViolation(f"answer {data['status']}: not JSON: {exc}") from None
        self.check_answer(entry.operation, answer, f"answer {data['status']} to {entry.operation}: ")
        return True
