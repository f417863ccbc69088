"""Basic authentication (1.5, 3.4) with an optional per-tenant IP allow-list."""

from __future__ import annotations

import base64
import binascii
from typing import Optional

from aiohttp import web

from .backend import Backend, TenantState


def basic_credentials(request: web.Request) -> Optional[tuple[str, str]]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    login, sep, password = decoded.partition(":")
    return (login, password) if sep else None


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
