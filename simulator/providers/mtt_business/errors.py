"""Error answers. The document shows no error body for the Open API methods, so one JSON
format is used everywhere (docs/decisions.md, mtt-business); OAuth errors are RFC 6749 §5.2
JSON, and authorize errors RFC 6749 §4.1.2.1 (a page or a redirect)."""
from __future__ import annotations

import json
from typing import Any, Optional

from aiohttp import web

#: HTTP status -> the error code of the API error body
CODES = {400: "invalid_request", 401: "invalid_token", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 429: "too_many_requests", 500: "internal_error",
         503: "service_unavailable"}


class ApiError(Exception):
    """An Open API method refuses the request: ``{"success": 0, "error": {code, message}}``."""

    def __init__(self, status: int, message: str, code: Optional[str] = None,
                 headers: Optional[dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.headers = headers or {}


def error_body(status: int, message: str, code: Optional[str] = None) -> dict[str, Any]:
    return {"success": 0, "error": {"code": code or CODES.get(status, "error"), "message": message}}


def api_error_response(exc: ApiError) -> web.Response:
    return web.Response(text=json.dumps(error_body(exc.status, exc.message, exc.code), ensure_ascii=False),
                        status=exc.status, content_type="application/json", headers=exc.headers)


class OAuthError(Exception):
    """RFC 6749 §5.2 error of the token endpoint."""

    def __init__(self, error: str, description: str, status: int = 400, basic: bool = False):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.basic = basic  # the client authenticated with HTTP Basic: answer a Basic challenge

    def response(self) -> web.Response:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="oauth.mtt.ru"'
        return web.Response(text=json.dumps({"error": self.error, "error_description": self.description}),
                            status=self.status, content_type="application/json", headers=headers)
