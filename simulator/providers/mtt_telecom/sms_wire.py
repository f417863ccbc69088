"""How the SMS API reads requests and writes answers: JSON bodies, paging, the page envelope."""
from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ...digits import parse_int
from ...http import JsonBodyError, loads_json
from .sms_store import SmsError

PAGE_MAX = 20


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


async def json_object(request: web.Request) -> dict:
    raw = await request.read()
    try:
        data = loads_json(raw) if raw.strip() else {}
    except JsonBodyError:
        raise SmsError(400, "Invalid params: the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise SmsError(400, "Invalid params: the body should be a JSON object")
    return data


def paging(request: web.Request) -> tuple[int, int]:
    out = []
    for name, default in (("limit", PAGE_MAX), ("offset", 0)):
        raw = request.query.get(name, "")
        if raw == "":
            out.append(default)
            continue
        value = parse_int(raw, signed=True)
        if value is None:
            raise SmsError(400, f"Invalid params: {name} should be an integer")
        if value < (1 if name == "limit" else 0):
            raise SmsError(400, f"Invalid params: {name} should be "
                                f"{'positive' if name == 'limit' else 'zero or more'}")
        out.append(value)
    return min(out[0], PAGE_MAX), out[1]


def envelope(request: web.Request, total: int, limit: int, offset: int) -> dict:
    def link(off: int) -> str:
        query = {k: v for k, v in request.query.items() if k not in ("limit", "offset")}
        return str(request.url.with_query({**query, "limit": str(limit), "offset": str(off)}))
    return {"page": offset // limit + 1, "total": total, "limit": limit, "offset": offset,
            "prev": link(max(0, offset - limit)) if offset > 0 else "",
            "next": link(offset + limit) if offset + limit < total else ""}
