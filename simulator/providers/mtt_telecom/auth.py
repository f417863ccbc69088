"""HTTP Basic authentication: each tenant (API client, the document's "agent") has its own
credentials per host (wire-facts 4.1)."""
from __future__ import annotations

import base64
import binascii
from typing import Optional

from aiohttp import web

from ...http import set_tenant
from .state import State


def basic_credentials(request: web.Request) -> Optional[tuple[str, str]]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        raw = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    login, sep, password = raw.partition(":")
    return (login, password) if sep else None


def authenticate(request: web.Request, state: State, host: str) -> Optional[str]:
    """The tenant id whose ``host`` credentials the request carries (and names it for the
    journal), or None."""
    cred = basic_credentials(request)
    tenant_id = state.login(host, *cred) if cred else None
    if tenant_id is not None:
        set_tenant(request, tenant_id)
    return tenant_id


def challenge(realm: str) -> dict[str, str]:
    return {"WWW-Authenticate": f'Basic realm="{realm}", charset="UTF-8"'}
