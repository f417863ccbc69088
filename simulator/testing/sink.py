"""A local HTTP server that plays the application under test: it records every request
and answers with scripted responses per path."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from aiohttp import web


@dataclass
class SinkRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    content_type: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Scripted:
    status: int = 200
    body: bytes | str | None = b""
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    handler: Callable[[SinkRequest], Any] | None = None
    times: int | None = None  # answer like this for the next N requests only


async def serve_on_loopback(app: web.Application,
                            runner: web.AppRunner | None = None) -> tuple[web.AppRunner, str]:
    """Serve ``app`` on a free loopback port (with ``runner``, made for ``app``, if given):
    (the runner to clean up, the base URL)."""
    # a handler a test scripted to stall must not hold the teardown for aiohttp's default 60 s
    runner = runner or web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


class CallbackSink:
    """Records requests; ``respond(path, ...)`` scripts the answer for a path ("*" = any)."""

    def __init__(self) -> None:
        self.requests: list[SinkRequest] = []
        self._scripts: dict[str, list[Scripted]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> "CallbackSink":
        app = web.Application(client_max_size=64 * 1024 ** 2)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, self.base_url = await serve_on_loopback(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def respond(self, path: str = "*", status: int = 200, body: bytes | str | None = b"", *,
                json: Any = None, headers: dict[str, str] | None = None,
                content_type: str | None = None,
                handler: Callable[[SinkRequest], Any] | None = None,
                times: int | None = None) -> None:
        """Script the answer for ``path``. ``handler(request)`` may return a web.Response,
        a (status, body) pair, a dict/list (sent as JSON) or a str/bytes body; it may be async.
        Scripts with ``times`` are used up first, in the order given."""
        self._scripts.setdefault(path, []).append(
            Scripted(status, body, json, headers or {}, content_type, handler, times))

    def received(self, path: str | None = None, method: str | None = None) -> list[SinkRequest]:
        return [r for r in self.requests
                if (path is None or r.path == path) and (method is None or r.method == method)]

    def clear(self) -> None:
        self.requests.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        rec = SinkRequest(request.method, request.path, dict(request.query),
                          dict(request.headers), await request.read(),
                          request.headers.get("Content-Type", ""))
        self.requests.append(rec)
        script = self._pick(request.path)
        if script is None:
            return web.Response(status=200)
        if script.handler is not None:
            out = script.handler(rec)
            if isinstance(out, Awaitable):
                out = await out
            return _as_response(out)
        if script.json is not None:
            return web.json_response(script.json, status=script.status, headers=script.headers)
        return web.Response(status=script.status, body=script.body or b"", headers=script.headers,
                            content_type=script.content_type or "text/plain")

    def _pick(self, path: str) -> Scripted | None:
        for key in (path, "*"):
            scripts = self._scripts.get(key)
            if not scripts:
                continue
            for s in scripts:
                if s.times is not None and s.times > 0:
                    s.times -= 1
                    if s.times == 0:
                        scripts.remove(s)
                    return s
            for s in reversed(scripts):
                if s.times is None:
                    return s
        return None


def _as_response(out: Any) -> web.StreamResponse:
    if isinstance(out, web.StreamResponse):
        return out
    if isinstance(out, tuple):
        status, body = out
        if isinstance(body, (dict, list)):
            return web.json_response(body, status=status)
        return web.Response(status=status, body=body.encode() if isinstance(body, str) else body)
    if isinstance(out, (dict, list)):
        return web.json_response(out)
    if out is None:
        return web.Response(status=200)
    return web.Response(body=out.encode() if isinstance(out, str) else out)
