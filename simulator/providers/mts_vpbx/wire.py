"""Reading a portal request's parameters and JSON body, and writing its JSON answer, as the
portal words its 400s (the routes of routes.py use these)."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic_core import to_json, ValidationError

from ...digits import parse_int
from ...http import loads_json_off_loop
from . import errors as E
from .errors import VpbxError, pydantic_message


# the Content-Type of a JSON answer, as aiohttp writes it from content_type="application/json"
# (given as the header, the Response skips parsing it)
_JSON_HEADERS = {"Content-Type": "application/json"}


def ok(data: Any = None, status: int = 200) -> web.Response:
    if data is None:
        return web.Response(status=status)
    # pydantic serialises models (and lists of them) to JSON in one pass, without dicts between
    return web.Response(body=to_json(data), status=status, headers=_JSON_HEADERS)


def answer(data: bytes) -> web.Response:
    """An answer's JSON written already (the bytes :func:`ok` would write)."""
    return web.Response(body=data, headers=_JSON_HEADERS)


def int_param(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, request.query.get(name, ""))
    value = parse_int(raw, signed=True)
    if value is None:
        raise VpbxError(400, f"Failed to convert value of type 'java.lang.String' to required type 'long'; "
                             f"For input string: \"{raw}\"")
    return value


def body_long(value: Any, field: str) -> int:
    """A number field of a JSON body: a JSON integer, or a string of ASCII digits (Jackson's coercion)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_int(value, signed=True) if isinstance(value, str) else None
    if number is None:
        raise VpbxError(400, f"{field}: must be a number")
    return number


async def json_body(request: web.Request, *, required: bool = True) -> Any:
    raw = await request.read()
    if not raw.strip():
        if required:
            raise VpbxError(400, "Required request body is missing")
        return None
    try:
        return await loads_json_off_loop(raw)
    except ValueError as exc:
        raise VpbxError(400, E.BAD_JSON.format(detail=str(exc).split("\n")[0])) from None


# A body this small is validated by pydantic-core over its bytes in one pass (no integer in it can
# be longer than sys.get_int_max_str_digits, which loads_json refuses); a larger one, and one
# that fails, goes the general way (json_body, parse), which words the errors. For a body both
# accept the result is the same: tests/providers/mts_vpbx/test_body_fast_path.py
FAST_BODY = 4096


async def body_as(request: web.Request, model: type[BaseModel]) -> Any:
    """The request's JSON body validated as ``model``; a VpbxError(400) as the portal words it."""
    raw = await request.read()
    if len(raw) <= FAST_BODY:
        try:
            return model.__pydantic_validator__.validate_json(raw)
        except ValidationError:
            pass
    return parse(model, await json_body(request))


def parse(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise VpbxError(400, E.BAD_JSON.format(detail="a JSON object is expected"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise VpbxError(400, pydantic_message(exc)) from None
