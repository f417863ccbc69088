"""Basic authentication (1.5, 3.4) with an optional per-tenant IP allow-list."""

from __future__ import annotations

from typing import Optional

from aiohttp import web

from simulator.http import basic_credentials

from .backend import Backend, TenantState


def authenticate(request: web.Request, backend: Backend) -> Optional[TenantState]:
    """The tenant whose login/password the request carries, from an allowed address."""
    creds = basic_credentials(request)
    if creds is None:
        return None
    tenant = backend.authenticate(*creds)
    if tenant is None:
        return None
    if tenant.allowed_ips and request.remote not in tenant.allowed_ips:
        return None
    return tenant
