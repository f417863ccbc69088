"""What every Open API method does first: the Bearer token (§7.6), the 5 RPS limit (§6.7)
and the ``{"params": {...}}`` body (§10.2–§10.3)."""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import SchemaValidator

from ....http import JsonBodyError, loads_json, set_tenant

from ..errors import ApiError, api_error_response
from ..models import trim_keys
from ..oauth import Grant

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider

Method = Callable[[web.Request, Grant, Any], Awaitable[web.StreamResponse]]


def bearer_token(request: web.Request) -> Optional[str]:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(provider: "MttBusinessProvider", request: web.Request) -> Grant:
    challenge = 'Bearer realm="openapi.mtt.ru"'
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "an Authorization: Bearer <access_token> header is required",
                       headers={"WWW-Authenticate": challenge})
    grant = provider.tokens.bearer(token)
    found = provider.directory.integration(grant.client_id) if grant is not None else None
    if grant is None or found is None or not found[1].enabled or not found[0].cfg.open_api:
        raise ApiError(401, "the access token is unknown, revoked or expired",
                       headers={"WWW-Authenticate": f'{challenge}, error="invalid_token"'})
    set_tenant(request, grant.tenant)
    return grant


def rate_limit(provider: "MttBusinessProvider", grant: Grant) -> None:
    wait = provider.limiter.check(grant.client_id, provider.directory.settings.rps_limit)
    if wait is not None:
        raise ApiError(429, f"more than {provider.directory.settings.rps_limit} requests per second (§6.7)",
                       headers={"Retry-After": str(max(1, math.ceil(wait)))})


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "params"
        parts.append(f"params.{where}: {err['msg']}")
    return "; ".join(parts)


#: bodies up to this size are first validated by pydantic-core straight from their bytes
FAST_BODY = 4096
_BODIES: dict[type[BaseModel], SchemaValidator] = {}


def _body_validator(model: type[BaseModel]) -> SchemaValidator:
    """``{"params": <model>}`` and nothing else, validated from JSON in one pass."""
    validator = _BODIES.get(model)
    if validator is None:
        body = create_model(f"{model.__name__}Body", __config__=ConfigDict(extra="forbid"), params=(model, ...))
        validator = _BODIES[model] = body.__pydantic_validator__
    return validator


async def read_params(request: web.Request, model: type[BaseModel]) -> Any:
    """The body's ``params`` validated as ``model``. The common body (``{"params": {...}}``
    alone, no key to trim, valid) is validated by pydantic-core from its bytes; any other
    body, and every refused one, goes the general way below, which words the errors
    (docs/decisions.md, mtt-business "third day"; tests/providers/mtt_business/test_params_fast_path.py)."""
    raw = await request.read()
    if len(raw) <= FAST_BODY:
        try:
            return _body_validator(model).validate_json(raw).params
        except ValidationError:
            pass
    try:
        data = loads_json(raw) if raw.strip() else None
    except JsonBodyError as exc:
        raise ApiError(400, f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("params"), dict):
        raise ApiError(400, 'the body must be a JSON object {"params": {...}}')
    try:
        params = trim_keys(data["params"])
    except ValueError as exc:
        raise ApiError(400, f"params: {exc}") from None
    try:
        return model.__pydantic_validator__.validate_python(params)   # model_validate without its wrapper
    except ValidationError as exc:
        raise ApiError(400, _describe(exc)) from None


def api_method(provider: "MttBusinessProvider", method: Method,
               params: Optional[type[BaseModel]] = None) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            grant = authenticate(provider, request)
            rate_limit(provider, grant)
            body = await read_params(request, params) if params is not None else None
            return await method(request, grant, body)
        except ApiError as exc:
            return api_error_response(exc)
    handler.__name__ = method.__name__
    handler.__doc__ = method.__doc__
    return handler


#: json.dumps(..., ensure_ascii=False) without building an encoder per call
dumps = json.JSONEncoder(ensure_ascii=False).encode


def result(data: Any, status: int = 200) -> web.Response:
    return result_text(dumps(data), status)


def result_text(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="application/json")


#: the answers of the commands that answer only their success, rendered once
SUCCESS = dumps({"success": 1})              # §10.2
RESULT_SUCCESS = dumps({"result": {"success": 1}})   # §10.3
