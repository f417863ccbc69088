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

    #: the form part holding the JSON command, and the parts a command may carry besides it
    form_part = "api_form"
    file_parts = {"VFILE": ("vfile",)}

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """A multipart command as sent: multipart/form-data with a boundary, the JSON form part,
        no parts the command does not take, the JSON valid against its request schema."""
        from ..http import MultipartError, boundary_of, parse_multipart
        from .contract import header
        from .deviations import Deviation, schema_deviations

        if entry.direction != "in":
            return None
        ctype = header(dict(entry.request.headers or {}), "Content-Type")
        if boundary_of(ctype) is None:
            return [Deviation("content-type", f"Content-Type {ctype or 'none'!r}; the document requires "
                              "multipart/form-data; boundary=...", "header Content-Type")]
        body = entry.request.body
        if isinstance(body, str):
            if body.startswith("<") and body.endswith(" bytes of binary data>"):
                return []  # the journal kept no copy of a binary body
            body = body.encode("utf-8")
        try:
            parts = parse_multipart(ctype, body or b"")
        except MultipartError as exc:
            return [Deviation("multipart-layout", str(exc), "body")]
        forms = [p for p in parts if p.name == self.form_part]
        if not forms:
            return [Deviation("multipart-layout", f"no {self.form_part!r} part", "body")]
        try:
            form = json.loads(forms[0].data)
        except (ValueError, RecursionError) as exc:
            return [Deviation("not-parseable", f"{self.form_part} is not JSON: {exc}", f"part {self.form_part}")]
        command_name = getattr(spec, "selector", None) or (form.get("Command") if isinstance(form, dict) else None)
        out = []
        if len(forms) > 1:
            out.append(Deviation("multipart-layout", f"{len(forms)} {self.form_part!r} parts", "body"))
        allowed = {self.form_part, *self.file_parts.get(command_name, ())}
        for p in parts:
            if p.name not in allowed:
                out.append(Deviation("multipart-layout", f"a part {p.name!r} the command does not take",
                                     f"part {p.name}"))
        for name in self.file_parts.get(command_name, ()):
            if not any(p.name == name for p in parts):
                out.append(Deviation("missing-field", f"the {name!r} file part is missing", f"part {name}"))
        request = self.request_name.format(name=command_name)
        if not isinstance(command_name, str) or request not in self.schemas:
            return out + [Deviation("unknown-operation", f"no command {command_name!r} in the document",
                                    f"part {self.form_part}")]
        return out + schema_deviations(self.schemas[request], form, self.form_part, registry=self._registry)

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
