"""The OAuth 2.0 authorization server of oauth.mtt.ru (§7, §8): codes, token pairs, their
lives on the virtual clock (§7.6) and the checks of RFC 6749 §4.1 and §6."""
from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Callable, Optional

from .directory import Directory, Pbx
from .errors import OAuthError
from .world import Integration, SCOPE_TOKENS

_TOKEN_ALPHABET = string.ascii_uppercase + string.digits
_CODE_ALPHABET = string.ascii_letters + string.digits
PURGE_EVERY = 256


@dataclass
class Code:
    client_id: str
    redirect_uri: Optional[str]   # as given to /oauth/authorize (None: not given there)
    scope: str
    expires_at: float
    used: bool = False
    grant: Optional["Grant"] = None  # the pair it was exchanged for (revoked on reuse)


@dataclass
class Grant:
    client_id: str
    tenant: str
    scope: str
    access_token: str
    refresh_token: str
    access_expires_at: Optional[float]   # None: never (a pre-issued pair marked never_expires)
    refresh_expires_at: Optional[float]
    revoked: bool = False


class TokenStore:
    def __init__(self, now: Callable[[], float], rng: random.Random):
        self.now = now
        self.rng = rng
        self.codes: dict[str, Code] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}
        self.latest: dict[str, Grant] = {}   # client_id -> the pair issued last
        self._issued = 0

    def load(self, directory: Directory, start: float) -> None:
        """Codes and pairs the world says were issued before start (§8.1, §8.2 examples)."""
        s = directory.settings
        for cid, pbx in directory.pbx.items():
            for client_id, integration in pbx.cfg.integrations.items():
                for code, cfg in integration.codes.items():
                    self.codes[code] = Code(client_id, cfg.redirect_uri, SCOPE_TOKENS, start + s.code_ttl)
                for tok in integration.tokens:
                    forever = tok.never_expires
                    self._store(Grant(client_id, cid, tok.scope, tok.access_token, tok.refresh_token,
                                      None if forever else start + s.access_token_ttl,
                                      None if forever else start + s.refresh_token_ttl))

    def _store(self, grant: Grant) -> Grant:
        self._issued += 1
        if self._issued % PURGE_EVERY == 0:
            self.purge()
        self.access[grant.access_token] = grant
        self.refresh[grant.refresh_token] = grant
        self.latest[grant.client_id] = grant
        return grant

    def purge(self) -> None:
        """Forget codes and pairs that can no longer be used (a long session logs in often)."""
        now = self.now()
        self.codes = {k: c for k, c in self.codes.items() if now <= c.expires_at}
        self.access = {k: g for k, g in self.access.items()
                       if g.access_expires_at is None or now <= g.access_expires_at}
        self.refresh = {k: g for k, g in self.refresh.items()
                        if g.refresh_expires_at is None or now <= g.refresh_expires_at}

    def _token(self) -> str:
        return "".join(self.rng.choice(_TOKEN_ALPHABET) for _ in range(48))

    # ------------------------------------------------------------ issuing
    def new_code(self, client_id: str, redirect_uri: Optional[str], scope: str, ttl: float) -> str:
        code = "".join(self.rng.choice(_CODE_ALPHABET) for _ in range(17))
        self.codes[code] = Code(client_id, redirect_uri, scope, self.now() + ttl)
        return code

    def issue(self, directory: Directory, pbx: Pbx, client_id: str, scope: str) -> Grant:
        s = directory.settings
        now = self.now()
        return self._store(Grant(client_id, pbx.centrex_id, scope, self._token(), self._token(),
                                 now + s.access_token_ttl, now + s.refresh_token_ttl))

    def exchange_code(self, directory: Directory, pbx: Pbx, client_id: str, code: str,
                      redirect_uri: Optional[str]) -> Grant:
        entry = self.codes.get(code)
        if entry is None or entry.client_id != client_id:
            raise OAuthError("invalid_grant", "the authorization code is unknown or was issued to another client")
        if entry.used:
            # RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for
            if entry.grant is not None:
                self.revoke(entry.grant)
            raise OAuthError("invalid_grant", "the authorization code was already used")
        if self.now() > entry.expires_at:
            raise OAuthError("invalid_grant", "the authorization code has expired")
        if entry.redirect_uri is not None and redirect_uri != entry.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the one of the authorization request")
        entry.used = True
        entry.grant = self.issue(directory, pbx, client_id, entry.scope)
        return entry.grant

    def refresh_grant(self, directory: Directory, pbx: Pbx, client_id: str,
                      refresh_token: Optional[str]) -> Grant:
        if refresh_token is None:
            # the document's §8.3 table omits refresh_token: the client's latest pair (wire-facts 3)
            old = self.latest.get(client_id)
            if old is None or old.revoked:
                raise OAuthError("invalid_request", "refresh_token is missing")
        else:
            old = self.refresh.get(refresh_token)
            if old is None or old.revoked or old.client_id != client_id:
                raise OAuthError("invalid_grant", "the refresh token is unknown, revoked or of another client")
        if old.refresh_expires_at is not None and self.now() > old.refresh_expires_at:
            raise OAuthError("invalid_grant", "the refresh token has expired")
        self.refresh.pop(old.refresh_token, None)   # rotated: the old refresh token is spent
        return self.issue(directory, pbx, client_id, old.scope)

    def revoke(self, grant: Grant) -> None:
        grant.revoked = True
        self.access.pop(grant.access_token, None)
        self.refresh.pop(grant.refresh_token, None)

    # ------------------------------------------------------------ checking
    def bearer(self, token: str) -> Optional[Grant]:
        """The live grant of an access token, or None (unknown, revoked or expired: §7.6 401)."""
        grant = self.access.get(token)
        if grant is None or grant.revoked:
            return None
        if grant.access_expires_at is not None and self.now() > grant.access_expires_at:
            return None
        return grant


def registered_redirects(integration: Integration) -> list[str]:
    return [integration.redirect_uri, *integration.extra_redirect_uris]
