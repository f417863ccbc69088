"""The service description a Zend_Json_Server answers on GET (Service Mapping Description,
SMD 2.0): real clients fetch it first and call only the methods it lists (wire-facts 4.1)."""
from __future__ import annotations

from typing import Any

from .methods import Method, MethodSet, first_line

ENVELOPE = "JSON-RPC-2.0"


def _type(t: Any) -> Any:
    return list(t) if isinstance(t, tuple) else t


def service(method: Method, transport: str = "POST") -> dict[str, Any]:
    params = []
    for p in method.params:
        item: dict[str, Any] = {"type": _type(p.type), "name": p.name, "optional": p.optional}
        if p.has_default:
            item["default"] = p.default
        if p.description:
            item["description"] = p.description
        params.append(item)
    out: dict[str, Any] = {"envelope": ENVELOPE, "transport": transport, "name": method.name,
                           "parameters": params, "returns": _type(method.returns)}
    if method.description:
        out["description"] = first_line(method.description)
    return out


def describe(methods: MethodSet, *, target: str, description: str = "", transport: str = "POST") -> dict[str, Any]:
    """The SMD of an endpoint: ``services`` (and Dojo's ``methods``, the same map)."""
    services = {m.name: service(m, transport) for m in methods}
    out: dict[str, Any] = {"transport": transport, "envelope": ENVELOPE, "contentType": "application/json",
                           "SMDVersion": "2.0", "target": target}
    if description:
        out["description"] = description
    out["services"] = services
    out["methods"] = services
    return out
