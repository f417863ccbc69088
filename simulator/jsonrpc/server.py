"""The server side of JSON-RPC 2.0: parse a body, dispatch single calls and batches to
declared methods, answer with ids echoed as given.

Transport-neutral: :meth:`Server.handle` takes the body bytes and a context object (passed
to every handler as its first argument) and returns a :class:`Reply` (HTTP status, JSON-able
body or None for "nothing to answer", the operation to journal). A provider's route
authenticates, calls ``handle`` and renders the reply (:func:`response`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

from ..http import NOT_PLAIN, parsed_plain
from .errors import INTERNAL_ERROR, JsonRpcError, internal_error, invalid_request, method_not_found, parse_error
from .methods import MethodSet

log = logging.getLogger("simulator.jsonrpc")

#: journal operation names for bodies that name no single declared method ("rpc." names are
#: reserved by JSON-RPC 2.0, so no document's method can take them)
BATCH = "rpc.batch"
INVALID = "rpc.invalid"

_ABSENT = object()


@dataclass
class Reply:
    status: int
    #: the JSON-able answer; None: nothing to send (notifications only)
    body: Any
    #: the operation to journal: the method of a single call, BATCH or INVALID
    operation: str
    #: the declared methods called, in order (a batch may call several)
    methods: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return b"" if self.body is None else _dumps(self.body).encode("utf-8")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):   # 1e400: valid JSON text, but no JSON answer could echo it
        raise ValueError(f"{text} is out of range")
    return value


def _answer_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)``. JSONEncoder.encode builds its C encoder on
    every call; this one is built once. It does not look for circular references (answers are
    built fresh from dicts and lists; one would end in RecursionError rather than ValueError).
    Without the C accelerator: the plain encoder."""
    plain = json.JSONEncoder(ensure_ascii=False)
    try:
        from json.encoder import c_make_encoder, encode_basestring
        encode = c_make_encoder(None, plain.default, encode_basestring, None, ": ", ", ", False, False, True)
    except (ImportError, TypeError):   # c_make_encoder is None without the accelerator
        return plain.encode
    return lambda value: "".join(encode(value, 0))


#: built once: json.loads with hooks (or dumps with options) builds a decoder (encoder) per call
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)
_SCAN = _DECODER.scan_once
_SPACE = re.compile(r"[ \t\n\r]*").match   # what json.decoder skips around the value
_dumps = _answer_encoder()


def loads(body: bytes | str) -> Any:
    """Strict JSON (no NaN/Infinity, no numbers beyond float range); raises ValueError on anything else.

    What ``_DECODER.decode`` does, without its two wrappers' frames: the scanner from the first
    non-space, and nothing but spaces after the value. A plain body (most) is read by
    pydantic-core's parser instead (:func:`simulator.http.parsed_plain`: the same value)."""
    if isinstance(body, (bytes, bytearray)):
        value = parsed_plain(body, allow_inf_nan=False)
        if value is not NOT_PLAIN:
            return value
        body = bytes(body).decode("utf-8")  # UnicodeDecodeError is a ValueError
    if body.startswith("\ufeff"):   # as json.loads refuses it
        raise ValueError("Unexpected UTF-8 BOM (decode using utf-8-sig)")
    try:
        value, end = _SCAN(body, _SPACE(body, 0).end())
    except StopIteration:
        raise ValueError("Expecting value") from None
    if _SPACE(body, end).end() != len(body):
        raise ValueError("Extra data")
    return value


def error_object(error: JsonRpcError, id_: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "error": error.to_json()}


def result_object(result: Any, id_: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "result": result}


def _valid_id(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


class Server:
    """Dispatches to ``methods``. ``status_for(error)`` chooses the HTTP status of a single
    error answer (200 by default; MTT answers -32001 with 404); a batch answers 200.
    ``on_internal(exc)`` may turn an unexpected exception into a chosen error."""

    def __init__(self, methods: MethodSet, *, status_for: Callable[[JsonRpcError], int] | None = None,
                 max_batch: int = 1000):
        self.methods = methods
        self._method = methods.get
        self.status_for = status_for or (lambda error: 200)
        self.max_batch = max_batch

    # ------------------------------------------------------------------ API
    async def handle(self, body: bytes | str, ctx: Any) -> Reply:
        try:
            data = loads(body)
        except (ValueError, RecursionError):
            return self.error_reply(parse_error())
        if isinstance(data, list):
            return await self._batch(data, ctx)
        answer, name, error = await self._one(data, ctx)
        methods = [name] if name else []
        if answer is None:
            return Reply(204, None, name or INVALID, methods)
        return Reply(200 if error is None else self._status(error), answer, name or INVALID, methods)

    def error_reply(self, error: JsonRpcError, id_: Any = None, operation: str = INVALID) -> Reply:
        """A single error answer outside dispatch (authentication, a fault)."""
        return Reply(self._status(error), error_object(error, id_), operation)

    # ------------------------------------------------------------ internals
    def _status(self, error: JsonRpcError) -> int:
        return error.status if error.status is not None else self.status_for(error)

    async def _batch(self, items: list, ctx: Any) -> Reply:
        if not items:
            return self.error_reply(invalid_request("Empty batch"))
        if len(items) > self.max_batch:
            return self.error_reply(invalid_request(f"Batch of more than {self.max_batch} calls"))
        answers, names = [], []
        for item in items:
            answer, name, _ = await self._one(item, ctx)
            if name:
                names.append(name)
            if answer is not None:
                answers.append(answer)
        return Reply(200 if answers else 204, answers or None, BATCH, names)

    async def _one(self, item: Any, ctx: Any) -> tuple[dict | None, str | None, JsonRpcError | None]:
        """(the answer or None for a notification, the declared method called or None, the error)."""
        if not isinstance(item, dict):
            return _failed(invalid_request())
        id_ = item.get("id", _ABSENT)
        notification = id_ is _ABSENT
        if not notification and not _valid_id(id_):
            return _failed(invalid_request("id must be a string, a number or null"))
        echo = None if notification else id_
        if item.get("jsonrpc") != "2.0":
            return _failed(invalid_request("jsonrpc must be exactly \"2.0\""), echo)
        name = item.get("method")
        if not isinstance(name, str):
            return _failed(invalid_request("method must be a string"), echo)
        params = item.get("params")
        if "params" in item and not isinstance(params, (list, dict)):
            return _failed(invalid_request("params must be an array or an object"), echo)
        method = self._method(name)
        if method is None:
            return _failed(method_not_found(), echo, quiet=notification)
        try:
            result = await method.handler(ctx, **method.bind(params))
        except JsonRpcError as exc:
            return _failed(exc, echo, name, quiet=notification)
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except Exception:
            log.exception("JSON-RPC method %s failed", name)
            return _failed(internal_error(), echo, name, quiet=notification)
        return (None if notification else result_object(result, echo)), name, None


def _failed(error: JsonRpcError, id_: Any = None, name: str | None = None,
            quiet: bool = False) -> tuple[dict | None, str | None, JsonRpcError]:
    """_one's answer for an error (a module function: no closure built per call)."""
    return (None if quiet else error_object(error, id_)), name, error


#: the Content-Type of every answer with a body (what content_type= and charset= make, without
#: building the value per answer)
_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def response(reply: Reply, headers: dict[str, str] | None = None) -> web.Response:
    """The aiohttp response of a reply (application/json; 204 without a body)."""
    if reply.body is None:
        return web.Response(status=reply.status, headers=headers)
    if headers is None:
        return web.Response(body=_dumps(reply.body).encode("utf-8"), status=reply.status,
                            headers=_JSON_HEADERS)
    return web.Response(body=reply.to_bytes(), status=reply.status, content_type="application/json",
                        charset="utf-8", headers=headers)


__all__ = ["Server", "Reply", "response", "loads", "error_object", "result_object", "BATCH", "INVALID",
           "INTERNAL_ERROR"]
