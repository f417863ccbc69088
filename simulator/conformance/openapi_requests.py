"""What the application sent, against an OpenAPI operation: its path, query and header
parameters, its Content-Type and its body (JSON, form or multipart), as deviations
(:mod:`simulator.conformance.deviations`).

Parameters arrive as text; they are read as the schema's type (``"42"`` for an integer)
before they are checked. A query parameter the operation does not list is an unknown field:
the service ignores it, which is rarely what the application meant.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import parse_qsl

from .deviations import Deviation, schema_deviations

if TYPE_CHECKING:
    from .openapi import OpenApiContract

_INT = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def coerce(schema: Any, text: str, resolve) -> Any:
    """A parameter's text as the value of the schema's type (unchanged when it does not read)."""
    schema = resolve(schema) if isinstance(schema, dict) else {}
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    if "string" in types or not types:
        return text
    if "integer" in types and _INT.fullmatch(text):
        return int(text)
    if "number" in types and _NUMBER.fullmatch(text):
        return float(text)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "array" in types:
        items = schema.get("items", {})
        return [coerce(items, part, resolve) for part in text.split(",")] if text else []
    return text


def _headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def _path_values(template: str, path: str, ignore_case: bool) -> dict[str, str]:
    names: list[str] = []

    def group(match: re.Match) -> str:
        names.append(match.group(1))
        return f"(?P<p{len(names) - 1}>[^/]+)"

    rx = re.sub(r"\\\{([^}]+)\\\}", group, re.escape(template))
    match = re.match("^" + rx + "$", path, re.IGNORECASE if ignore_case else 0)
    return {name: match.group(f"p{i}") for i, name in enumerate(names)} if match else {}


def request_deviations(contract: "OpenApiContract", method: str, path: str, query: str | None,
                       headers: Mapping[str, str] | None, body: bytes | str | None) -> list[Deviation]:
    template, op = contract.operation(method, path)
    if op is None:
        return [Deviation("unknown-operation", f"{method} {path} is not in {contract.path.name}", "path")]
    resolve = contract.resolve
    components = contract.document.get("components", {})
    fold = (lambda s: s.lower()) if contract.case_insensitive_paths else (lambda s: s)
    hdrs = _headers(headers)
    out: list[Deviation] = []
    item = contract.document["paths"][template]
    params = [resolve(p) for p in [*item.get("parameters", []), *op.get("parameters", [])]]
    given = [(fold(k), v) for k, v in parse_qsl(query or "", keep_blank_values=True)]
    values = {"query": dict(given), "path": _path_values(template, path, contract.case_insensitive_paths),
              "header": hdrs}
    listed_query = set()
    for p in params:
        where, name = p.get("in"), p.get("name", "")
        key = name.lower() if where == "header" else fold(name) if where == "query" else name
        if where == "query":
            listed_query.add(key)
        present = values.get(where, {})
        if key not in present:
            if p.get("required") and where in ("query", "path", "header"):
                out.append(Deviation("missing-field", f"the required {where} parameter {name!r} is missing",
                                     f"{where} {name}"))
            continue
        schema = p.get("schema")
        if schema and where in ("query", "path"):
            value = coerce(schema, present[key], resolve)
            out.extend(schema_deviations(schema, value, f"{where} {name}", components=components,
                                         resolve=resolve))
    for name, _ in given:
        if name not in listed_query:
            out.append(Deviation("unknown-field", f"the query parameter {name!r} is not in the document",
                                 f"query {name}"))
    out.extend(_body_deviations(contract, op, hdrs, body))
    return out


def _body_deviations(contract: "OpenApiContract", op: dict, hdrs: dict[str, str],
                     body: bytes | str | None) -> list[Deviation]:
    resolve = contract.resolve
    spec = resolve(op.get("requestBody")) if op.get("requestBody") else None
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    if spec is None:
        if raw.strip():
            return [Deviation("unknown-field", "the document defines no body for this operation", "body")]
        return []
    if not raw.strip():
        return ([Deviation("missing-field", "the document requires a body", "body")]
                if spec.get("required") else [])
    content = spec.get("content", {})
    ctype = media_type(hdrs.get("content-type", ""))
    media = next((m for m in content if media_type(m) == ctype or m == "*/*"), None)
    if media is None:
        shown = hdrs.get("content-type") or "none"
        return [Deviation("content-type", f"Content-Type {shown!r}; the document says {', '.join(content)}",
                          "header Content-Type")]
    schema = content[media].get("schema")
    if not schema:
        return []
    components = contract.document.get("components", {})
    instance: Any
    if media.endswith("json"):
        try:
            instance = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return [Deviation("not-parseable", f"the body is not JSON: {exc}", "body")]
    elif media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return [Deviation("not-parseable", "the form is not UTF-8", "body")]
        instance = _typed_fields(schema, dict(pairs), resolve)
    elif media == "multipart/form-data":
        from ..http import MultipartError, parse_multipart

        try:
            parts = parse_multipart(hdrs.get("content-type", ""), raw)
        except MultipartError as exc:
            return [Deviation("multipart-layout", str(exc), "body")]
        fields = {p.name or "": p.filename if p.filename is not None else p.data.decode("utf-8", "replace")
                  for p in parts}
        instance = _typed_fields(schema, fields, resolve)
    else:
        return []
    return schema_deviations(schema, instance, "body", resolve=resolve, components=components)


def _typed_fields(schema: Any, fields: dict[str, str], resolve) -> dict[str, Any]:
    props = (resolve(schema) or {}).get("properties", {})
    return {k: coerce(props[k], v, resolve) if k in props else v for k, v in fields.items()}
