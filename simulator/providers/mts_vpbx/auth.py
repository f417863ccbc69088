"""X-AUTH-TOKEN: the enterprise's API key, in the header (the document) or the query string
(what real clients also send, see wire-facts §5)."""
from __future__ import annotations

from typing import Optional

from aiohttp import web

from . import errors as E
from .backend import Backend, Enterprise
from .errors import VpbxError

HEADER = "X-AUTH-TOKEN"


def token_of(request: web.Request) -> Optional[str]:
    token = request.headers.get(HEADER)
    if token:
        return token.strip()
    for key, value in request.query.items():
        if key.upper() == HEADER and value:
            return value.strip()
    return None


def authenticate(request: web.Request, backend: Backend) -> Enterprise:
    token = token_of(request)
    if not token:
        raise VpbxError(401, E.UNAUTHORIZED)
    ent = backend.enterprise_for_token(token)
    if ent is None:
        raise VpbxError(401, E.BAD_TOKEN)
    return ent
