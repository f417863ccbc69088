"""HTTP handlers: the REST API (JSON envelope) and the two .svc SOAP endpoints.

One catch-all handler dispatches on the lower-cased path, because the real service runs on IIS/WCF
where paths are case-insensitive (clients write /api/v1/Cdr/ByTime as well as /api/v1/cdr/bytime).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional

from aiohttp import web

from ...catalogue import set_operation
from ...digits import parse_int
from ...http import OFF_LOOP_JSON, audio_response, client_base_url, strip_prefix
from .catalogue import CATALOGUE, UN_GET
from . import operations
from .auth import WWW_AUTHENTICATE, authenticate
from .backend import Account, Backend
from .errors import ApiError, bad_request, method_not_allowed, not_found
from .links import links_member, wcf_json_bytes
from .models import UN
from .timefmt import format_doc_datetime
from .validators import parse_limit, parse_start_id, parse_un_update, parse_un_update_json

if TYPE_CHECKING:
    from .soap.endpoint import SoapReply
    from .soap.services import SoapCall

SLUG = "mts-autosecretary"
JSON_CT = "application/json"
_PAGE_HEAD = b'{"status_code":200,"status_msg":"OK",'
_UN_HEAD = _PAGE_HEAD + b'"value":'
# the Content-Type of every JSON answer, as aiohttp writes it from content_type and charset
_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
_DEEP_BODY = 1024  # bytes: a body this small nests at most 512 levels, far below the recursion limit


def envelope(value: Any = None, status_code: int = 200, status_msg: str = "OK",
             links: Optional[dict] = None) -> dict:
    out: dict[str, Any] = {"status_code": status_code, "status_msg": status_msg}
    if links is not None:
        out["links"] = links
    out["value"] = value
    return out


def json_response(payload: dict, status: int, headers: Optional[dict] = None) -> web.Response:
    return web.Response(
        body=wcf_json_bytes(payload),
        status=status,
        content_type=JSON_CT,
        charset="utf-8",
        headers=headers,
    )


def un_answer_bytes(un: UN) -> bytes:
    """The envelope of one UN: the bytes of ``wcf_json_bytes(envelope(un.model_dump()))``
    (tests/providers/mts_autosecretary/test_wcf_json.py), the model written by its own
    pydantic-core serialiser between the envelope's fixed bytes (half the time of the whole)."""
    return _UN_HEAD + type(un).__pydantic_serializer__.to_json(un).replace(b"/", b"\\/") + b"}"


def error_response(error: ApiError) -> web.Response:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if error.status_code == 401 else None
    return json_response(envelope(None, error.status_code, error.status_msg), error.status_code, headers)


def provider_root(request: web.Request) -> str:
    """The provider root as the client reached it (https://aa.mts.ru or http://127.0.0.1:8080/<slug>)."""
    return client_base_url(request, SLUG)


def _query(request: web.Request) -> dict[str, str]:
    # Query names are matched case-insensitively, as WCF's UriTemplate does; the first value wins.
    out: dict[str, str] = {}
    for key, value in request.query.items():
        out.setdefault(key.lower(), value)
    return out


class Api:
    """Bound to the provider: ``backend()`` gives the live state, ``now()`` the simulated time."""

    def __init__(
        self,
        backend: Callable[[], Backend],
        now: Callable[[], datetime],
        on_un_changed: Optional[Callable[[str], None]] = None,
        on_account: Optional[Callable[[web.Request, Account], None]] = None,
        recording: Optional[Callable[[str, int], Any]] = None,
        stamp: Optional[Callable[[], str]] = None,
    ):
        self.backend = backend
        self.now = now
        # ``updated_on`` of a write: the simulated time in the document's form
        self.stamp = stamp or (lambda: format_doc_datetime(now()))
        self.on_un_changed = on_un_changed
        self.on_account = on_account
        self.recording = recording
        # phone -> (the UN, its answer's bytes). UNs are replaced on change, never changed in
        # place, so an entry whose UN is no longer the backend's is stale and rendered again
        self._answers: dict[str, tuple[UN, bytes]] = {}
        self._answers_of: Optional[Backend] = None

    # ------------------------------------------------------------------ dispatch

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = strip_prefix(request.path, SLUG)
        key = path.rstrip("/").lower() or "/"
        routed = _ROUTED.get((request.method, key))
        if routed is not None:  # a REST operation and its method: the other steps decide nothing
            set_operation(request, routed[0])
            try:
                return await routed[1](self, request)
            except ApiError as exc:
                return error_response(exc)
        operation = _OPERATIONS.get((request.method, key))
        if operation is not None:
            set_operation(request, operation)
        try:
            if key in ("/api/v1/un.svc", "/api/v1/cdr.svc", "/api/v1/un.svc/mex", "/api/v1/cdr.svc/mex"):
                return await self._soap(request, key)
            route = _REST.get(key)
            if route is None:
                raise not_found(f"Endpoint not found: {path}")
            allowed = route.get(request.method)
            if allowed is None:
                if request.method == "HEAD" and "GET" in route:
                    allowed = route["GET"]
                else:
                    response = error_response(method_not_allowed(request.method))
                    response.headers["Allow"] = ", ".join(route)
                    return response
            return await allowed(self, request)
        except ApiError as exc:
            return error_response(exc)

    def _account(self, request: web.Request) -> Account:
        account = authenticate(self.backend(), request.headers.get("Authorization"))
        if self.on_account is not None:
            self.on_account(request, account)
        return account

    # ------------------------------------------------------------------ REST

    async def get_un(self, request: web.Request) -> web.Response:
        account = self._account(request)
        query = _query(request)
        backend = self.backend()
        if "phone" not in query:
            return json_response(envelope(operations.list_uns(backend, account)), 200)
        set_operation(request, UN_GET)
        return self._un_response(backend, operations.get_un(backend, account, query["phone"]))

    async def put_un(self, request: web.Request) -> web.Response:
        account = self._account(request)
        raw = await request.read()
        parsed = parse_un_update_json(raw)
        if parsed is None:
            parsed = parse_un_update(await self._put_body(raw))
        backend = self.backend()
        un = operations.apply_un_update(backend, account, *parsed, self.stamp())
        if self.on_un_changed is not None:
            self.on_un_changed(un.phone)
        return self._un_response(backend, un)

    @staticmethod
    async def _put_body(raw: bytes) -> Any:
        """The parsed PUT body, refused as the service refuses it."""
        try:
            text = raw.decode("utf-8-sig")
            body = (await asyncio.to_thread(json.loads, text) if len(raw) > OFF_LOOP_JSON else json.loads(text)
                    ) if raw.strip() else None
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise bad_request(f"Request body is not valid JSON: {exc}") from None
        if body is None:
            raise bad_request("Request body must be a JSON object with the UN structure")
        # a lone surrogate (\ud800) decodes but cannot be sent back: refuse it before it is stored.
        # Only an escape can make one (the bytes are UTF-8), and only a large body can nest deep
        # enough to fail being written again, so a small body without escapes skips the check
        if len(raw) > _DEEP_BODY or b"\\u" in raw:
            try:
                json.dumps(body, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise bad_request("Request body is not valid JSON: it contains an unpaired UTF-16 surrogate") from None
            except RecursionError:
                raise bad_request("Request body is nested too deeply") from None
        return body

    def _un_response(self, backend: Backend, un: UN) -> web.Response:
        """The answer of GET and PUT /api/v1/un: one UN in the envelope, rendered once per UN."""
        if self._answers_of is not backend:  # a reset: the old world's UNs are gone
            self._answers, self._answers_of = {}, backend
        hit = self._answers.get(un.phone)
        if hit is not None and hit[0] is un:
            body = hit[1]
        else:
            body = un_answer_bytes(un)
            self._answers[un.phone] = (un, body)
        return web.Response(body=body, headers=_JSON_HEADERS)

    async def cdr_bytime(self, request: web.Request) -> web.Response:
        account = self._account(request)
        query = _query(request)
        result = operations.cdr_by_time(
            self.backend(),
            account,
            query.get("phone"),
            query.get("begin"),
            query.get("end"),
            parse_start_id(query.get("start_id")),
            parse_limit(query.get("limit"), operations.DEFAULT_LIMIT, operations.MAX_LIMIT),
            self.now(),
            provider_root(request),
        )
        return self._cdr_page(result)

    async def cdr_byid(self, request: web.Request) -> web.Response:
        account = self._account(request)
        query = _query(request)
        result = operations.cdr_by_id(
            self.backend(),
            account,
            query.get("phone"),
            parse_start_id(query.get("start_id")),
            parse_limit(query.get("limit"), operations.DEFAULT_LIMIT, operations.MAX_LIMIT),
            provider_root(request),
        )
        return self._cdr_page(result)

    async def get_record(self, request: web.Request) -> web.StreamResponse:
        """v4 record download (wire-facts 2.3): GET /api/v4/record?phone=<UN>&id=<call id> -> <id>.mp3."""
        account = self._account(request)
        query = _query(request)
        un = operations.get_un(self.backend(), account, query.get("phone"))
        raw_id = (query.get("id") or "").strip()
        call_id = parse_int(raw_id)
        if call_id is None:
            raise bad_request("Parameter 'id' (call id) is required")
        recording = self.recording(un.phone, call_id) if self.recording else None
        if recording is None:
            raise not_found(f"Record {raw_id} not found")
        return await audio_response(request, recording, "mp3", filename=f"{raw_id}.mp3")

    def _cdr_page(self, result: operations.CdrResult) -> web.Response:
        """``envelope(records, links)`` from each record's kept JSON: the bytes of
        ``wcf_json_bytes`` of the whole (tests/providers/mts_autosecretary/test_cdr_page.py)."""
        cdrs = self.backend().cdrs
        links = links_member(result.next_url)
        body = b"".join((
            _PAGE_HEAD, b"" if links is None else b'"links":' + wcf_json_bytes(links) + b",",
            b'"value":[', b",".join([cdrs.record_json(record) for record in result.records]), b"]}"))
        return web.Response(body=body, headers=_JSON_HEADERS)

    # ------------------------------------------------------------------ SOAP

    async def _soap(self, request: web.Request, key: str) -> web.StreamResponse:
        # the SOAP stack (spyne, lxml, the WSDL) loads on the first SOAP request: a third of
        # the start-up time otherwise, for a twin most users never call
        from .soap.endpoint import SoapReply, service as soap_service
        from .soap.services import SoapCall

        name = "un" if key.startswith("/api/v1/un.svc") else "cdr"
        endpoint = soap_service(name)
        address = f"{provider_root(request)}/api/v1/{name}.svc"
        if request.method in ("GET", "HEAD"):
            if key.endswith("/mex"):
                return self._reply(SoapReply(405, "text/plain; charset=utf-8", b"Method not allowed"))
            return self._reply(endpoint.get(request.query, address))
        if request.method != "POST":
            return self._reply(SoapReply(405, "text/plain; charset=utf-8", b"Method not allowed"))
        body = await request.read()
        if key.endswith("/mex"):
            return self._reply(endpoint.mex(body, address))

        def make_udc() -> SoapCall:
            account = self._account(request)
            return SoapCall(self.backend(), account, self.now(), provider_root(request), self.on_un_changed)

        reply = await endpoint.post(
            body,
            request.headers.get("Content-Type", ""),
            request.headers.get("SOAPAction"),
            address,
            make_udc,
        )
        if reply.operation and CATALOGUE.has_operation(f"{name}.svc {reply.operation}"):
            set_operation(request, f"{name}.svc {reply.operation}")
        return self._reply(reply)

    @staticmethod
    def _reply(reply: "SoapReply") -> web.Response:
        ctype, _, params = reply.content_type.partition(";")
        charset = None
        if "charset=" in params:
            charset = params.split("charset=", 1)[1].strip()
        return web.Response(body=reply.body, status=reply.status, content_type=ctype.strip(),
                            charset=charset, headers=reply.headers)


Handler = Callable[[Api, web.Request], Awaitable[web.StreamResponse]]

# (method, lower-cased path) -> catalogue name; SOAP posts are named once their operation is known
_OPERATIONS = {(method, path.lower()): f"{method} {path}" for method, path in (
    ("GET", "/api/v1/un"), ("PUT", "/api/v1/un"), ("GET", "/api/v1/cdr/bytime"), ("GET", "/api/v1/cdr/byid"),
    ("GET", "/api/v4/record"), ("GET", "/api/v1/un.svc"), ("GET", "/api/v1/cdr.svc"),
    ("POST", "/api/v1/un.svc/mex"), ("POST", "/api/v1/cdr.svc/mex"))}
assert all(CATALOGUE.has_operation(name) for name in _OPERATIONS.values())

_REST: dict[str, dict[str, Handler]] = {
    "/api/v1/un": {"GET": Api.get_un, "PUT": Api.put_un},
    "/api/v1/cdr/bytime": {"GET": Api.cdr_bytime},
    "/api/v1/cdr/byid": {"GET": Api.cdr_byid},
    "/api/v4/record": {"GET": Api.get_record},
}
# (method, lower-cased path) -> (catalogue name, handler) of each REST operation
_ROUTED = {(method, key): (_OPERATIONS[(method, key)], handler)
           for key, methods in _REST.items() for method, handler in methods.items()}
