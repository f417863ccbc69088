"""HTTP Basic authentication: each tenant (API client, the document's "agent") has its own
credentials per host (wire-facts 4.1)."""
from __future__ import annotations

from typing import Optional

from aiohttp import web

from ...http import basic_credentials, set_tenant
from .state import State


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
