"""The client side: the simulator asks the application a JSON-RPC question (MTT's
getControlCallFollowMe) through ``sim.delivery`` (journaled, allow-listed, on the clock)
and gets a validated answer or the reason there is none."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import unquote, urlsplit, urlunsplit

from ..delivery import Callback, DeliveryResult, RetryPolicy
from .errors import JsonRpcError
from .server import loads


@dataclass
class CallResult:
    """``ok``: a result came back. Otherwise ``error`` is the peer's JSON-RPC error, or
    ``failure`` says why there is no usable answer (HTTP status, timeout, not JSON, ...)."""

    ok: bool
    result: Any = None
    error: JsonRpcError | None = None
    failure: str | None = None
    delivery: DeliveryResult | None = None


def build_request(method: str, params: Any = None, id_: Any = 1) -> dict[str, Any]:
    """A request object; ``id_=None`` builds a notification (no id member)."""
    out: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        out["params"] = params
    if id_ is not None:
        out["id"] = id_
    return out


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``http://user:pass@host/p`` -> (``http://host/p``, (user, pass)): credentials in a URL
    are sent as HTTP Basic, never as part of the address."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return (urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
            (unquote(parts.username), unquote(parts.password or "")))


def parse_response(body: bytes | str, expected_id: Any,
                   validate: Callable[[Any], None] | None = None) -> CallResult:
    """Check a response object against JSON-RPC 2.0 (and ``validate(result)``, which raises
    ValueError for a result the caller cannot use)."""
    try:
        data = loads(body)
    except (ValueError, RecursionError):
        return CallResult(False, failure="the answer is not JSON")
    if not isinstance(data, dict):
        return CallResult(False, failure="the answer is not a JSON-RPC response object")
    if data.get("jsonrpc") != "2.0":
        return CallResult(False, failure='the answer has no "jsonrpc": "2.0"')
    if data.get("id") != expected_id or type(data.get("id")) is not type(expected_id):
        return CallResult(False, failure=f"the answer's id {data.get('id')!r} is not {expected_id!r}")
    has_result, has_error = "result" in data, "error" in data
    if has_result == has_error:
        return CallResult(False, failure="the answer must hold exactly one of result and error")
    if has_error:
        err = data["error"]
        if not (isinstance(err, dict) and isinstance(err.get("code"), int) and not isinstance(err.get("code"), bool)
                and isinstance(err.get("message"), str)):
            return CallResult(False, failure="the error member is not a JSON-RPC error object")
        kw = {"data": err["data"]} if "data" in err else {}
        return CallResult(False, error=JsonRpcError(err["code"], err["message"], **kw))
    if validate is not None:
        try:
            validate(data["result"])
        except ValueError as exc:
            return CallResult(False, failure=f"unusable result: {exc}")
    return CallResult(True, result=data["result"])


async def call(delivery: Any, *, provider: str, url: str, method: str, params: Any = None, id_: Any = 1,
               kind: str | None = None, auth: tuple[str, str] | None = None, tenant: str | None = None,
               call_id: str | None = None, timeout: float | None = None, policy: RetryPolicy | None = None,
               headers: dict[str, str] | None = None,
               validate: Callable[[Any], None] | None = None) -> CallResult:
    """POST a request to ``url`` via ``delivery.request`` and parse the answer. Credentials in
    the URL's userinfo become Basic auth unless ``auth`` is given."""
    target, userinfo = split_userinfo(url)
    body = json.dumps(build_request(method, params, id_), ensure_ascii=False)
    result = await delivery.request(Callback(
        provider=provider, url=target, kind=kind or method, method="POST", body=body,
        content_type="application/json", headers=dict(headers or {}), auth=auth or userinfo,
        tenant=tenant, call_id=call_id, timeout=timeout, policy=policy or RetryPolicy()))
    if result.status is None:
        return CallResult(False, failure=result.error or "no answer", delivery=result)
    if result.status != 200:
        return CallResult(False, failure=f"HTTP {result.status}", delivery=result)
    out = parse_response(result.body, id_, validate)
    out.delivery = result
    return out
