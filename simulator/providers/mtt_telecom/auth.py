"""HTTP Basic authentication: each tenant (API client, the document's "agent") has its own
credentials per host (wire-facts 4.1)."""
from __future__ import annotations

from typing import Optional

from aiohttp import web

from ...http import basic_credentials, parse_basic_auth, set_tenant  # noqa: F401 (smartcalls.py imports it here)
from .state import State

#: accepted Authorization values remembered per State (a client sends the same one on every
#: request); credentials only change with a new State (reset, world change), which starts empty
ACCEPTED_MAX = 1024


def authenticate(request: web.Request, state: State, host: str) -> Optional[str]:
    """The tenant id whose ``host`` credentials the request carries (and names it for the
    journal), or None."""
    header = request.headers.get("Authorization")
    accepted = state.accepted
    tenant_id = accepted.get((host, header)) if header is not None else None
    if tenant_id is None:
        cred = parse_basic_auth(header)
        tenant_id = state.login(host, *cred) if cred else None
        if tenant_id is None:
            return None
        if len(accepted) >= ACCEPTED_MAX:
            accepted.clear()
        accepted[(host, header)] = tenant_id
    set_tenant(request, tenant_id)
    return tenant_id


def challenge(realm: str) -> dict[str, str]:
    return {"WWW-Authenticate": f'Basic realm="{realm}", charset="UTF-8"'}
