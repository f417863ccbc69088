"""Who is calling: HTTP Basic (cabinet login + password) or ``Authorization: Api-Key <key>``.

wire-facts 2.1: v4 of the service uses Basic with the cabinet login, v5 an Api-Key header whose
spelling varies in clients (``Api-Key``, ``Api-key``, or the bare key as the whole header value).
"""

from __future__ import annotations

import hmac
from typing import Optional

from ...http import parse_basic_auth
from .backend import Account, Backend
from .errors import ApiError, unauthorized

WWW_AUTHENTICATE = 'Basic realm="aa.mts.ru"'

# A client sends the same header on every request: its parse (base64, decoding) is kept, and
# once it logged in, its account (Backend.logged_in, emptied when credentials change).
_PARSED: dict[str, Optional[tuple[str, str]]] = {}
_PARSED_MAX = 1024  # distinct headers kept (of up to 256 characters); the table starts over when full


def parse_basic(header: str) -> Optional[tuple[str, str]]:
    try:
        return _PARSED[header]
    except KeyError:
        pass
    # older v4 clients send cp1251/latin-1 logins: read them rather than refuse
    parsed = parse_basic_auth(header, fallback_encoding="latin-1")
    if len(header) <= 256:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[header] = parsed
    return parsed


def parse_api_key(header: str) -> Optional[str]:
    value = header.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() in ("api-key", "apikey") and rest.strip():
        return rest.strip()
    if " " not in value and value:
        return value
    return None


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def authenticate(backend: Backend, authorization: Optional[str]) -> Account:
    """The account of an Authorization header value; raises ApiError(401)."""
    if not authorization or not authorization.strip():
        raise unauthorized()
    account = backend.logged_in.get(authorization)
    if account is not None:
        return account
    account = _log_in(backend, authorization)
    if len(authorization) <= 256:
        if len(backend.logged_in) >= _PARSED_MAX:
            backend.logged_in.clear()
        backend.logged_in[authorization] = account
    return account


def _log_in(backend: Backend, authorization: str) -> Account:
    basic = parse_basic(authorization)
    if basic is not None:
        login, password = basic
        account = backend.account_by_login(login)
        if account is None or not _equal(account.password, password):
            raise ApiError(401, "Unauthorized: wrong login or password")
        return account
    key = parse_api_key(authorization)
    if key is not None:
        account = backend.account_by_api_key(key)
        if account is not None:
            return account
        raise ApiError(401, "Unauthorized: unknown API key")
    raise unauthorized()
