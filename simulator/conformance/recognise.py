"""Which provider and operation a raw HTTP request is for, from the catalogues alone (no
simulator running): ``telsim validate`` reads HAR files and request logs with it.

* provider: the ``/<slug>/`` path prefix, else the Host header (one of the provider's real
  hosts, any port);
* route: the catalogue's routes in order, with aiohttp's path patterns (``{id}``,
  ``{tail:.*}``) and ``*`` for any method;
* on a shared route, the operation by its selector as the transport tells it: a multipart
  command's ``Command``, an XML root element, a SOAP Body element (or SOAPAction), a
  JSON-RPC method, a form's ``grant_type``; operations named ``METHOD /path?param={x}`` (one
  catch-all route, as @втосекретарь has) by method, path (in any case) and query parameters.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping
from urllib.parse import parse_qsl

from ..catalogue import UNRECOGNISED, Catalogue, Operation

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::((?:[^{}]|\{[^{}]*\})*))?\}")


def route_regex(pattern: str, ignore_case: bool = False) -> re.Pattern:
    """An aiohttp path pattern as a regular expression of the whole path."""
    out, pos = [], 0
    for match in _PARAM.finditer(pattern):
        out.append(re.escape(pattern[pos:match.start()]))
        out.append(f"(?:{match.group(2)})" if match.group(2) else "[^{}/]+")
        pos = match.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE if ignore_case else 0)


def header(headers: Mapping[str, str] | None, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return ""


@dataclass(frozen=True)
class Recognised:
    provider: str | None
    path: str                  # the path inside the provider (prefix removed)
    operation: str             # the catalogue name, or UNRECOGNISED


class Recogniser:
    def __init__(self, providers: Mapping[str, Any]):
        """``providers``: {slug: provider class} (the registry's ``discover()``)."""
        self.providers = dict(providers)

    @cached_property
    def _hosts(self) -> dict[str, str]:
        return {h.lower(): slug for slug, cls in self.providers.items() for h in getattr(cls, "hosts", ())}

    @cached_property
    def _routes(self) -> dict[str, list[tuple[re.Pattern, str, list[Operation]]]]:
        out = {}
        for slug, cls in self.providers.items():
            catalogue: Catalogue | None = getattr(cls, "catalogue", None)
            if catalogue is None:
                continue
            out[slug] = [(route_regex(ops[0].path), ops[0].method.upper(), ops)
                         for ops in catalogue.routes().values()]
        return out

    def provider_of(self, host: str | None, path: str) -> tuple[str | None, str]:
        first = path.lstrip("/").split("/", 1)[0]
        if first in self.providers:
            inner = path[len(first) + 1:]
            return first, inner if inner.startswith("/") else "/" + inner
        name = (host or "").lower().rsplit(":", 1)[0] if not (host or "").startswith("[") else ""
        return self._hosts.get(name), path

    def recognise(self, method: str, host: str | None, path: str, query: str | None = None,
                  headers: Mapping[str, str] | None = None, body: bytes | str | None = None) -> Recognised:
        slug, inner = self.provider_of(host, path)
        if slug is None:
            return Recognised(None, path, UNRECOGNISED)
        return Recognised(slug, inner, self.operation(slug, method, inner, query, headers, body))

    def route_transport(self, slug: str, method: str, path: str) -> str | None:
        """The transport of the first route matching (when all its operations share one)."""
        for rx, route_method, ops in self._routes.get(slug, ()):
            if route_method in ("*", method.upper()) and rx.match(path):
                transports = {op.transport for op in ops}
                return transports.pop() if len(transports) == 1 else None
        return None

    def operation(self, slug: str, method: str, path: str, query: str | None,
                  headers: Mapping[str, str] | None, body: bytes | str | None) -> str:
        for rx, route_method, ops in self._routes.get(slug, ()):
            if route_method not in ("*", method.upper()) or not rx.match(path):
                continue
            plain = [op for op in ops if op.selector is None]
            if plain:
                return plain[0].name
            found = select(ops, method, path, query, headers, body)
            if found is not None:
                return found.name
        return UNRECOGNISED


def _bytes(body: bytes | str | None) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else (body or b"")


def _xml_names(body: bytes) -> tuple[str | None, str | None]:
    """(root element, the first element of a SOAP Body) by local name."""
    from lxml import etree

    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return None, None
    name = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else None
    inner = None
    if name == "Envelope":
        body_el = next((c for c in root if isinstance(c.tag, str) and c.tag.endswith("Body")), None)
        if body_el is not None and len(body_el):
            inner = body_el[0].tag.rsplit("}", 1)[-1]
    return name, inner


def _rest_name(op: Operation, method: str, path: str, query: dict[str, str]) -> int | None:
    """How well a ``METHOD /path?param={x}`` name fits (query parameters matched), or None."""
    head, _, rest = op.name.partition(" ")
    if head.upper() not in (method.upper(), "*") or not rest.startswith("/"):
        return None
    name_path, _, name_query = rest.partition("?")
    if not route_regex(name_path, ignore_case=True).match(path):
        return None
    wanted = [k.lower() for k, _ in parse_qsl(name_query, keep_blank_values=True)]
    if any(k not in query for k in wanted):
        return None
    return len(wanted)


def select(ops: list[Operation], method: str, path: str, query: str | None,
           headers: Mapping[str, str] | None, body: bytes | str | None) -> Operation | None:
    """The operation of a shared route this request is for, by the selectors' transport."""
    raw = _bytes(body)
    q = {k.lower(): v for k, v in parse_qsl(query or "", keep_blank_values=True)}
    by_selector = {op.selector: op for op in ops}
    scored: list[tuple[int, Operation]] = []
    root = inner = None
    if raw.lstrip()[:1] == b"<":
        root, inner = _xml_names(raw)
    action = header(headers, "SOAPAction").strip().strip('"').rsplit("/", 1)[-1]
    for op in ops:
        # a route whose operations are selected by their own names (one catch-all route)
        score = _rest_name(op, method, path, q) if op.selector == op.name else None
        if score is not None:
            scored.append((score, op))
        elif op.transport == "soap" and " " in op.name and method.upper() == "POST":
            service, _, name = op.name.partition(" ")
            if path.lower().endswith("/" + service.lower()) and name in (inner, action):
                scored.append((100 if name == inner else 50, op))
    if scored:
        return max(scored, key=lambda item: item[0])[1]
    transports = {op.transport for op in ops}
    if "xml" in transports and root in by_selector:
        return by_selector[root]
    if "multipart" in transports:
        command = _multipart_command(header(headers, "Content-Type"), raw)
        if command in by_selector:
            return by_selector[command]
    if "jsonrpc" in transports:
        try:
            call = json.loads(raw)
        except (ValueError, RecursionError):
            call = None
        if isinstance(call, dict) and call.get("method") in by_selector:
            return by_selector[call["method"]]
    if "form" in transports:
        fields = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return by_selector.get(fields.get("grant_type")) or by_selector.get("*")
    return None


def _multipart_command(content_type: str, body: bytes) -> str | None:
    from ..http import MultipartError, parse_multipart

    try:
        parts = parse_multipart(content_type, body)
    except MultipartError:
        return None
    for part in parts:
        if (part.name or "").strip().lower().replace(" ", "_") == "api_form":
            try:
                form = json.loads(part.data)
            except (ValueError, RecursionError):
                return None
            return form.get("Command") if isinstance(form, dict) else None
    return None
