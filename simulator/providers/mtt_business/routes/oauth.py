"""§8: oauth.mtt.ru. The authorize page with the ЛК login form (fields ``login`` and
``password``, wire-facts 3), and the token endpoint (parameters from the query string or
the form body; client credentials as fields or HTTP Basic)."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING, Optional
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from aiohttp import web
from yarl import URL

from simulator.catalogue import set_operation
from simulator.http import parse_basic_auth, set_tenant

from ..errors import OAuthError
from ..models import TokenResponse
from ..oauth import Grant, registered_redirects
from .common import result

if TYPE_CHECKING:
    from ..directory import Pbx
    from ..provider import MttBusinessProvider
    from ..world import Integration

FIELDS = ("client_id", "redirect_uri", "scope", "response_type", "state")

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>МТТ Бизнес — вход в личный кабинет</h1>
{body}
</body></html>
"""

FORM = """<p>Приложение «{name}» запрашивает доступ к ВАТС МТТ Бизнес.</p>
{error}<form method="post" action="{action}">
{hidden}
<label>Логин <input type="text" name="login" value="{login}" autocomplete="username"></label>
<label>Пароль <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit" class="button">Войти</button>
</form>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(text=PAGE.format(title=html.escape(title), body=body), status=status,
                        content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def _redirect(location: str) -> web.Response:
    """302 with Location and no body, as §8.1 shows it (aiohttp's HTTPFound writes "302: Found")."""
    return web.Response(status=302, headers={"Location": str(URL(location))})   # normalised as HTTPFound does


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OAuthRoutes:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    # ------------------------------------------------------------ authorize
    def _client(self, params: dict[str, str]) -> tuple[Optional["Pbx"], Optional["Integration"], str]:
        """(customer, integration, redirect_uri) or an error page's reason in the last item."""
        client_id = params.get("client_id", "")
        found = self.p.directory.integration(client_id) if client_id else None
        if found is None:
            return None, None, "Неизвестный client_id: интеграция не найдена (unknown client_id)."
        pbx, integration = found
        redirect = params.get("redirect_uri") or integration.redirect_uri
        if redirect not in registered_redirects(integration):
            return None, None, "redirect_uri не совпадает с Redirect URI интеграции (redirect_uri mismatch)."
        return pbx, integration, redirect

    def _refuse(self, params: dict[str, str], pbx: "Pbx", integration: "Integration") -> Optional[tuple[str, str]]:
        if params.get("response_type") != "code":
            return "unsupported_response_type", 'response_type must be "code"'
        scope = (params.get("scope") or "").strip()
        if scope not in self.p.directory.settings.scopes:
            return "invalid_scope", f"scope must be one of {', '.join(self.p.directory.settings.scopes)}"
        if not integration.enabled or not pbx.cfg.open_api:
            return "unauthorized_client", "the integration or the Open API service is switched off"
        return None

    def _error_redirect(self, redirect: str, error: str, description: str, state: Optional[str]) -> web.Response:
        params = {"error": error, "error_description": description}
        if state is not None:
            params["state"] = state
        return _redirect(_with_query(redirect, params))

    def _form(self, request: web.Request, params: dict[str, str], integration: "Integration",
              error: str = "", login: str = "", status: int = 200) -> web.Response:
        hidden = "\n".join(f'<input type="hidden" name="{k}" value="{html.escape(params[k])}">'
                           for k in FIELDS if params.get(k) is not None)
        body = FORM.format(name=html.escape(integration.name), action=html.escape(request.path),
                           hidden=hidden, login=html.escape(login),
                           error=f'<p class="error">{html.escape(error)}</p>\n' if error else "")
        return _page("Вход — МТТ Бизнес", body, status)

    def _checked_client(self, request: web.Request, params: dict[str, str]):
        """(pbx, integration, redirect_uri) of an authorization request, or the answer refusing it:
        an error page for an unknown client or redirect URI, else an RFC 6749 §4.1.2.1 redirect."""
        pbx, integration, redirect = self._client(params)
        if pbx is None or integration is None:
            return _page("Ошибка авторизации", f"<p>{html.escape(redirect)}</p>", 400)
        set_tenant(request, pbx.centrex_id)
        refused = self._refuse(params, pbx, integration)
        if refused is not None:
            return self._error_redirect(redirect, *refused, params.get("state"))
        return pbx, integration, redirect

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """GET /oauth/authorize (§8.1): the ЛК login page, or an RFC 6749 §4.1.2.1 error."""
        params = dict(request.query)
        checked = self._checked_client(request, params)
        if isinstance(checked, web.StreamResponse):
            return checked
        return self._form(request, params, checked[1])

    async def login(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth/authorize: the login form; success redirects with ``code`` and ``state``."""
        try:
            form = dict(parse_qsl((await request.read()).decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            form = {}
        params = {k: form[k] for k in FIELDS if k in form} or dict(request.query)
        checked = self._checked_client(request, params)
        if isinstance(checked, web.StreamResponse):
            return checked
        pbx, integration, redirect = checked
        login, password = form.get("login", ""), form.get("password", "")
        if login != pbx.cfg.login or password != pbx.cfg.password:
            return self._form(request, params, integration, "Неверный логин или пароль.", login)
        s = self.p.directory.settings
        code = self.p.tokens.new_code(params["client_id"], params.get("redirect_uri"),
                                      params["scope"].strip(), s.code_ttl)
        out = {"code": code}
        if params.get("state") is not None:
            out["state"] = params["state"]
        return _redirect(_with_query(redirect, out))

    # ---------------------------------------------------------------- token
    async def token(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth/token (§8.2 authorization_code, §8.3 refresh_token)."""
        params = dict(request.query)
        try:
            params.update(parse_qsl((await request.read()).decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            pass
        grant_type = params.get("grant_type", "")
        op = self.p.catalogue.by_selector("POST /oauth/token", grant_type) \
            or self.p.catalogue.by_selector("POST /oauth/token", "*")
        set_operation(request, op.name)
        try:
            pbx, client_id = self._client_auth(request, params)
            set_tenant(request, pbx.centrex_id)
            grant = self._grant(pbx, client_id, grant_type, params)
        except OAuthError as exc:
            return exc.response()
        ttl = int(self.p.directory.settings.access_token_ttl)
        body = TokenResponse(access_token=grant.access_token, expires_in=ttl,
                             refresh_token=grant.refresh_token, scope=grant.scope).model_dump()
        resp = result(body)
        resp.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
        return resp

    def _client_auth(self, request: web.Request, params: dict[str, str]) -> tuple["Pbx", str]:
        basic = False
        client_id, secret = params.get("client_id"), params.get("client_secret")
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            basic = True
            credentials = parse_basic_auth(header)  # None also for non-ASCII or non-UTF-8 bytes
            if credentials is None:
                raise OAuthError("invalid_client", "malformed HTTP Basic credentials", 401, basic)
            client_id, secret = unquote_plus(credentials[0]), unquote_plus(credentials[1])
        if not client_id:
            raise OAuthError("invalid_client", "client_id is missing", 401, basic)
        found = self.p.directory.integration(client_id)
        if found is None or secret != found[1].client_secret:
            raise OAuthError("invalid_client", "unknown client or wrong client_secret", 401, basic)
        pbx, integration = found
        if not integration.enabled or not pbx.cfg.open_api:
            raise OAuthError("unauthorized_client", "the integration or the Open API service is switched off")
        return pbx, client_id

    def _grant(self, pbx: "Pbx", client_id: str, grant_type: str, params: dict[str, str]) -> Grant:
        scope = params.get("scope")
        if scope is not None:
            scope = scope.strip()
            if scope not in self.p.directory.settings.scopes:
                raise OAuthError("invalid_scope", "unknown scope")
        if grant_type == "authorization_code":
            code = params.get("code")
            if not code:
                raise OAuthError("invalid_request", "code is missing")
            return self.p.tokens.exchange_code(self.p.directory, pbx, client_id, code,
                                               params.get("redirect_uri"))
        if grant_type == "refresh_token":
            return self.p.tokens.refresh_grant(self.p.directory, pbx, client_id, params.get("refresh_token"))
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is missing")
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
