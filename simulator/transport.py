"""The HTTP transport: how connections are served before (and around) the application.

* :class:`TransportRunner` serves an app with :class:`TransportHandler`, aiohttp's
  connection protocol plus a header read timeout, an idle (keep-alive) timeout, raw request
  bodies (:mod:`simulator.limits` decodes them under the size limit) and HTTP-layer errors
  (a request line or header over 8,190 bytes, more than 128 headers, bad bytes in the path,
  a bad Content-Length / Transfer-Encoding, a request too slow to arrive) answered in the
  error format of the provider the request line names, with one log line each.
* :func:`guard_body` reads a request's body under the provider's limits
  (:mod:`simulator.limits`) for the app's one middleware and renders a refused one in the
  provider's format.
* :func:`error_response` renders a status and reason as a provider (or the control API) does.
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from aiohttp import HttpVersion11, hdrs, web, web_protocol, web_server
from aiohttp.http_exceptions import BadHttpMethod, LineTooLong
from aiohttp.streams import EMPTY_PAYLOAD

from .limits import DEFAULT_MAX_BODY, BodyRefused, read_body_within, received_body

if TYPE_CHECKING:
    from .providers.base import Provider
    from .sim import Simulator

log = logging.getLogger("simulator.transport")

_RequestKey = getattr(web, "RequestKey", None)
#: the connection is closed once the answer is out (a body that cannot be trusted or waited for)
_CLOSE_KEY = _RequestKey("close_after", bool) if _RequestKey else "close_after"
#: an app's own request handler, served by TransportRunner in place of ``app._handle``
REQUEST_HANDLER_KEY = web.AppKey("request_handler", object)
IDLE_OFF = 3630.0  # aiohttp's own keep-alive timeout, for idle_timeout = 0
HEAD_KEPT = 4096  # bytes of a request's head kept to name its provider when it fails to parse
_HOST_LINE = re.compile(rb"\r?\nhost:[ \t]*([^\r\n]*)", re.IGNORECASE)


# ----------------------------------------------------------------------- error format
def error_response(provider: "Provider | None", request: web.BaseRequest, status: int,
                   reason: str) -> web.StreamResponse:
    """``status`` with ``reason`` in the provider's error format; the control API's JSON
    ``{"error": ...}`` when no provider is named."""
    if provider is not None:
        try:
            return provider.error_response(request, status, reason)
        except Exception:  # a provider that cannot render for this request: log it, stay JSON
            log.exception("%s could not render a %d error", provider.slug, status)
    return web.json_response({"error": reason}, status=status)


# ---------------------------------------------------------------------- body guard
async def guard_body(sim: "Simulator", provider: "Provider | None",
                     request: web.Request) -> web.StreamResponse | None:
    """Read the body of ``request`` under its limits (see :mod:`simulator.limits`) for the
    app's middleware, which calls it first. None when it was read (``request.read()`` returns
    it); else the answer to the refused body in the provider's format (the handler, if it
    runs, sees an empty body, never a stream). A provider's refusal still goes through the
    journal and the fault rules: the middleware sends it in place of the handler's answer."""
    try:
        await read_body_within(request, body_limit(sim, provider), sim.settings.body_timeout or None)
    except BodyRefused as refused:
        return _refused(provider, request, refused)
    return None


def guard_received(sim: "Simulator", provider: "Provider | None",
                   request: web.Request) -> web.StreamResponse | None | object:
    """:func:`guard_body` for a body that came whole with its head (most requests), without a
    coroutine: None when it was taken, the refusal's answer, or :data:`PENDING` when the body
    is still arriving or encoded (then ``await guard_body(...)`` reads it)."""
    try:
        if received_body(request, body_limit(sim, provider)) is None:
            return PENDING
    except BodyRefused as refused:
        return _refused(provider, request, refused)
    return None


#: :func:`guard_received`'s answer for a body that must be read by :func:`guard_body`
PENDING = object()


def _refused(provider: "Provider | None", request: web.Request,
             refused: BodyRefused) -> web.StreamResponse:
    request._read_bytes = b""
    if refused.status in (400, 408):
        request[_CLOSE_KEY] = True
    return error_response(provider, request, refused.status, refused.reason)


def body_limit(sim: "Simulator", provider: "Provider | None") -> int:
    """The most bytes a request to ``provider`` (None: the control API) may carry."""
    return min(sim.settings.max_body_size, getattr(provider, "max_body_size", DEFAULT_MAX_BODY))


def expect_handler(sim: "Simulator", provider_of: Callable[[web.Request], "Provider | None"]):
    """The ``Expect`` handler of every route (aiohttp runs it before any middleware). A body
    announced over the limit gets no "100 Continue": the guard's 413 is the answer, the client
    never sends the body (RFC 9110 10.1.1), and the connection closes after it, since the
    unsent body cannot be told from the next request. An expectation other than
    ``100-continue`` is 417 in the provider's format."""

    async def expect(request: web.Request) -> web.StreamResponse | None:
        if request.version != HttpVersion11:
            return None  # HTTP/1.0 has no 100 Continue (aiohttp ignores it too)
        provider = provider_of(request)
        value = request.headers.get(hdrs.EXPECT, "")
        if value.strip().lower() != "100-continue":
            request[_CLOSE_KEY] = True
            return error_response(provider, request, 417,
                                  f"Expectation Failed: unknown Expect {value[:60]!r}")
        length = request.content_length
        if length is not None and length > body_limit(sim, provider):
            request[_CLOSE_KEY] = True
            return None
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # the interim answer is not the start of the answer
        return None

    return expect


def use_expect_handler(app: web.Application, handler) -> None:
    """Give every route of ``app`` the ``Expect`` handler. aiohttp takes one per
    ``add_route(expect_handler=...)`` only; the providers add their routes in many places,
    so it is set once here, after they are all in (``ResourceRoute._expect_handler``)."""
    for route in app.router.routes():
        route._expect_handler = handler


# ------------------------------------------------------------------ the connection
class TransportHandler(web_protocol.RequestHandler):
    """aiohttp's HTTP/1.1 connection with the simulator's timeouts and error format."""

    raw_bodies = True  # the parser leaves Content-Encoding to simulator.limits

    def __init__(self, manager: "TransportServer", **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._transport_cfg = manager.transport
        idle = manager.transport.settings.idle_timeout  # per connection: a test may shorten it
        self._keepalive_timeout = idle if idle > 0 else IDLE_OFF
        self._head = b""  # the start of the request being received, until its headers are in
        self._in_head = True  # the next bytes belong to a request's head
        self._head_timer = None
        self._timed_out = False
        self._last_payload = None  # the body of the latest request whose headers came in

    # ---------------------------------------------------------- header timeout
    def data_received(self, data: bytes) -> None:
        # twice a request: its bytes, and b"" when its body is read (aiohttp's resume_reading)
        if self._timed_out:
            return
        if not self._in_head and self._last_payload is not None and self._last_payload.is_eof():
            self._in_head, self._head = True, b""  # the latest body is complete: a new request
        if self._in_head and data and len(self._head) < HEAD_KEPT:
            # no copy while the head comes in one piece (bytes: b"" + data and data[:n] are data)
            self._head += data[:HEAD_KEPT - len(self._head)]
        count = self._request_count
        _receive(self, data)
        if self._request_count != count and self._messages:  # a request's headers are complete
            self._last_payload = self._messages[-1][1]
            self._in_head = False
            if self._head_timer is not None:
                self._cancel_head_timer()
        elif self._in_head and data and self._head_timer is None:
            # armed only for a head that did not come whole in one read (a timer per request
            # is a TimerHandle and a heap push and pop: a few % of a request's CPU)
            timeout = self._transport_cfg.settings.header_timeout
            if timeout:
                self._head_timer = self._loop.call_later(timeout, self._header_timed_out)

    def _header_timed_out(self) -> None:
        self._head_timer = None
        if self.transport is None or not self._in_head or self._force_close:
            return
        self._timed_out = True  # later bytes are ignored; the 408 closes the connection
        timeout = self._transport_cfg.settings.header_timeout
        err = web_protocol._ErrInfo(status=408, exc=None,
                                    message=f"the request headers did not arrive within {timeout:g} s")
        self._messages.append((err, EMPTY_PAYLOAD))
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    async def finish_response(self, request, resp, start_time):
        result = await _finish(self, request, resp, start_time)
        if request._state.get(_CLOSE_KEY):  # request.get() is a Mapping method: slower
            self.force_close()
        return result

    # ------------------------------------------------------------ HTTP-layer errors
    def handle_error(self, request: web.BaseRequest, status: int = 500,
                     exc: BaseException | None = None, message: str | None = None) -> web.StreamResponse:
        if request.writer.output_size > 0:  # some of an answer went out already
            raise ConnectionError("Response is sent already, cannot send another response")
        if status >= 500:
            self.logger.exception("Error handling request from %s", request.remote, exc_info=exc)
            reason = "Internal Server Error"
        else:
            status, reason = _client_error(status, exc, message, self._head)
            log.info("client error %d from %s: %s [%s]", status, request.remote, reason,
                     _request_line(self._head))
        provider, shown = self._transport_cfg.provider_of_head(request, self._head)
        resp = error_response(provider, shown, status, reason)
        resp.force_close()
        return resp


#: aiohttp's methods that TransportHandler extends, called without a super() object per call
_receive = web_protocol.RequestHandler.data_received
_finish = web_protocol.RequestHandler.finish_response


def _client_error(status: int, exc: BaseException | None, message: str | None,
                  head: bytes) -> tuple[int, str]:
    if isinstance(exc, BadHttpMethod):
        return status, "Bad Request: not an HTTP/1.x request"
    if isinstance(exc, LineTooLong):
        if b"\n" not in head:  # the request line itself never ended
            return 414, "URI Too Long: the request line is longer than 8190 bytes"
        return 400, "Bad Request: a request header is longer than 8190 bytes"
    text = (message or str(exc or "") or "Bad Request").split("\n", 1)[0].rstrip(": ")
    return status, text[:200]


def _request_line(head: bytes) -> str:
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    return line[:120].decode("latin-1").encode("unicode_escape").decode("ascii")


class TransportServer(web_server.Server):
    """aiohttp's connection factory, making :class:`TransportHandler` connections."""

    def __init__(self, handler, *, transport: "_Transport", **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.transport = transport

    def __call__(self) -> TransportHandler:
        return TransportHandler(self, loop=self._loop, **self._kwargs)


class TransportRunner(web.AppRunner):
    """``web.AppRunner`` for the simulator's app: its connections are :class:`TransportHandler`;
    requests go to the app's ``REQUEST_HANDLER_KEY`` handler when it has one (else aiohttp's
    ``app._handle``)."""

    def __init__(self, app: web.Application, sim: "Simulator", **kwargs: Any) -> None:
        self._transport = _Transport(sim)
        kwargs.setdefault("access_log", None)
        super().__init__(app, auto_decompress=False, **kwargs)

    async def _make_server(self) -> web_server.Server:
        server = await super()._make_server()
        handler = self._app.get(REQUEST_HANDLER_KEY) or server.request_handler
        return TransportServer(handler, request_factory=server.request_factory,
                               handler_cancellation=server.handler_cancellation,
                               loop=server._loop, transport=self._transport, **server._kwargs)


class _Transport:
    """What a connection needs to know: the settings, and which provider a path names."""

    def __init__(self, sim: "Simulator") -> None:
        self.settings = sim.settings  # read on each use: a test may shorten a timeout
        self.providers = sim.providers  # a provider is built here only for its error format
        self.by_host = sim.providers.by_host  # host -> slug

    def provider_of_head(self, request: web.BaseRequest,
                         head: bytes) -> tuple["Provider | None", web.BaseRequest]:
        """The provider a request's head names by its path prefix or Host (None: the control
        API's format), and a request with that method, path and Host for its error format."""
        line = head.split(b"\n", 1)[0].rstrip(b"\r").split(b" ")
        method = line[0].decode("latin-1") if line[0].isalpha() and len(line[0]) <= 20 else "GET"
        target = line[1] if len(line) > 1 else b"/"
        if b"://" in target[:12]:  # absolute form: http://host/path
            target = b"/" + target.split(b"/", 3)[-1] if target.count(b"/") >= 3 else b"/"
        path = quote(target.split(b"?", 1)[0][:2048], safe="/%:@!$&'()*+,;=-._~")
        match = _HOST_LINE.search(head)
        host = match.group(1).strip().decode("latin-1") if match else ""
        segment = path.split("/", 2)[1] if path.startswith("/") and "/" in path else ""
        slug = segment if segment in self.providers else self.by_host.get(host.lower().rsplit(":", 1)[0])
        provider = self.providers[slug] if slug is not None else None
        try:
            shown = request.clone(method=method, rel_url=path or "/", headers={"Host": host} if host else {})
        except Exception:
            shown = request
        return provider, shown
