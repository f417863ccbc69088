"""create_app(settings) -> one aiohttp Application serving every provider and /_sim.

A request reaches a provider by the ``/<slug>/`` path prefix or, without the prefix, by a
Host header naming one of the provider's real hosts (any port).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

from aiohttp import hdrs, web, web_app, web_urldispatcher
from aiohttp.web_urldispatcher import UrlMappingMatchInfo

from .accesslog import BufferedAccessLog, LoggingAccessLog, request_target
from .operation import UNRECOGNISED
from .control.routes import setup_control
from .http import JOURNAL_KIND_KEY, TENANT_KEY, JsonBodyError, strip_prefix
from .journal import clip
from .provider_apps import PROVIDER_KEY, HostSubApp, PrefixedProviderApp, ProviderHosts, mount_providers
from .providers.base import Provider
from .settings import Settings
from .sim import Simulator
from .transport import PENDING, REQUEST_HANDLER_KEY, expect_handler, guard_body, guard_received, use_expect_handler

# the names this module had before provider_apps.py took them stay importable from here
__all__ = ["create_app", "SIM_KEY", "DROPPED", "CLIP_OFF_LOOP", "AccessLog", "PROVIDER_KEY",
           "HostSubApp", "PrefixedProviderApp", "ProviderHosts", "mount_providers", "strip_prefix"]

log = logging.getLogger("simulator")
AccessLog = LoggingAccessLog | BufferedAccessLog

SIM_KEY = web.AppKey("simulator", Simulator)
DROPPED = "dropped"  # the journal's error for a connection a fault rule dropped
CLIP_OFF_LOOP = 256 * 1024  # bodies above this are clipped for the journal in a thread
_UNKNOWN = object()  # observe() was not told the provider: it looks it up


def _observer(sim: Simulator, access: "AccessLog", providers: dict[web.Application, Provider]):
    """The one middleware: every body read under its limits; for provider requests the fault
    rules, the provider's error format for routing failures and crashes, the journal and the
    access log; JSON errors for the rest. One coroutine for all of it (each middleware layer
    costs a frame and a partial per request), and a closure, so that the request path looks
    nothing up by key. ``providers``: sub-app -> provider (both of a provider's sub-apps).
    The app's own request handler passes the ``provider`` it resolved; aiohttp's chain does
    not, and the middleware looks it up."""
    journal = sim.journal
    settings = sim.settings
    faults = sim.faults
    fault_rules = faults.rules  # changed in place: empty = no fault rule, one check
    perf_counter = time.perf_counter

    @web.middleware
    async def observe(request: web.Request, handler, provider=_UNKNOWN, routed: str | None = None):
        if provider is _UNKNOWN:
            provider = providers.get(request.match_info.apps[-1])
        if provider is None:
            if request.can_read_body:
                refusal = await guard_body(sim, None, request)
                if refusal is not None:
                    return refusal
            else:
                request._read_bytes = b""
            return await _control_errors(request, handler)
        refusal = None
        if request.can_read_body:
            refusal = guard_received(sim, provider, request)
            if refusal is PENDING:
                refusal = await guard_body(sim, provider, request)
            body = request._read_bytes
        else:
            body = request._read_bytes = b""
        started = perf_counter()  # the latency is the answer's, as before: not the upload's
        slug = provider.slug
        # ``routed``: the path_safe the request handler routed by; without a "%" it is the
        # decoded path too (yarl decodes nothing else), so request.path is not made again
        path = routed if routed is not None and "%" not in routed else request.path
        n = len(slug) + 1  # strip_prefix(path, slug), inline: the path inside the provider
        if path.startswith(slug, 1) and path[:1] == "/" and (len(path) == n or path[n] == "/"):
            path = path[n:] or "/"
        response = None
        error = None
        fault = None  # the id of the fault rule that answered instead of the provider
        try:
            if fault_rules:
                rule = faults.match(slug, request.method, path)
                if rule is not None:
                    response, error = await _apply_fault(sim, provider, request, rule)
                    if response is not None:
                        fault = rule.id
            if response is None:
                if refusal is not None:
                    response = refusal
                else:
                    # the handler's answer; routing failures and unexpected exceptions in
                    # the provider's own error format (in this frame: a coroutine less)
                    try:
                        response = await handler(request)
                    except web.HTTPException as exc:
                        if exc.status >= 400 and request.match_info.http_exception is not None:
                            response = provider.error_response(request, exc.status, exc.reason)
                        else:
                            raise
                    except (asyncio.CancelledError, ConnectionResetError):
                        raise
                    except (RecursionError, JsonBodyError) as exc:
                        # input no provider may crash on (decided here once): nesting deeper
                        # than the stack, a body the core's JSON loader refused; a 400
                        response = provider.error_response(request, 400, _bad_input(exc))
                    except Exception:
                        log.exception("%s %s %s failed", slug, request.method, request.path)
                        response = provider.error_response(request, 500, "Internal Server Error")
            return response
        except web.HTTPException as exc:
            response = exc
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            ended = perf_counter()
            latency = (ended - started) * 1000
            status = None if error == DROPPED else response.status if response is not None else 500
            state = request._state  # aiohttp's dict behind request[key]
            tenant = state.get(TENANT_KEY)
            answer = _response_body(response)
            if len(body) > CLIP_OFF_LOOP or (answer is not None and len(answer) > CLIP_OFF_LOOP):
                # hashing MiBs for the journal's digest would stall the loop
                body, answer = await asyncio.to_thread(lambda: (clip(body), clip(answer)))
            journal.add_request(
                slug, tenant, state.get(JOURNAL_KIND_KEY, UNRECOGNISED), request.method,
                path, request.query_string, request.host,
                request.headers, body, status, response.headers if response is not None else None,
                answer, error, round(latency, 3), {"fault": fault} if fault is not None else {})
            if settings.access_log:
                access.write(slug, tenant, request.method, request_target(request), status,
                             latency, ended)

    return observe


def _request_handler(app: web.Application, observe, prefixed: dict[str, PrefixedProviderApp] | None,
                     hosts: frozenset[str], providers: dict[web.Application, Provider]):
    """``app._handle`` without aiohttp's middleware chain: the route's handler under the one
    middleware, called directly. aiohttp wraps it per request in a partial per middleware and
    one more per app of the match (``match_info.current_app`` bookkeeping that nothing here
    reads: no middleware but the root's, and ``request.app`` is the innermost app either way),
    a coroutine frame each. Served by :class:`~simulator.transport.TransportRunner`; the same
    app behind any other runner takes aiohttp's path to the same answers.

    ``prefixed`` (slug -> the provider's ``/<slug>`` resource; None: not safe, see
    :func:`_prefix_shortcut`) resolves a ``/<slug>/...`` request without one of the providers'
    ``hosts`` in that sub-app directly, as the root router would after its Host rule and
    index walk (a prefixed sub-app answers every path under its prefix, errors included).
    A provider's first request goes through the router, which builds its sub-app.

    What the sub-app's router matched for a method and path is remembered
    (:class:`_Resolved`), so a path asked again is one dict lookup instead of the router's
    walk and pattern match."""
    router = app.router
    resolved = _Resolved()

    async def handle(request: web.Request) -> web.StreamResponse:
        match_info = None
        provider = _UNKNOWN
        path = None
        if prefixed is not None:
            host = request.headers.get("Host")
            if not host or host.lower().rsplit(":", 1)[0] not in hosts:
                path = request.rel_url.path_safe
                key = (request.method, path)
                hit = resolved.get(key)
                if hit is not None:
                    match_info, provider = hit  # frozen, with both apps: shared by the requests
                else:
                    resource = prefixed.get(path[1:].partition("/")[0]) if path[:1] == "/" else None
                    sub = resource.mounted if resource is not None else None
                    if sub is not None:
                        match_info = await sub.router.resolve(request)
                        match_info.add_app(sub)
                        match_info.add_app(app)
                        match_info.freeze()
                        provider = providers.get(sub)
                        resolved.remember(key, match_info, provider)
        if match_info is None:
            match_info = await router.resolve(request)
            match_info.add_app(app)
            match_info.freeze()
        request._match_info = match_info
        if request.headers.get(hdrs.EXPECT):
            answer = await match_info.expect_handler(request)
            await request.writer.drain()
            if answer is not None:
                return answer
        return await observe(request, match_info.handler, provider, path)

    return handle


class _Resolved(dict):
    """(method, path as routed) -> (the frozen match_info, provider) of the paths a
    provider's sub-app router matched to a route. A frozen router's match depends on the
    method and the path alone (``path_safe``: the resources' patterns run on it), so a
    remembered one is the router's answer; a frozen match_info (its values, route and apps)
    is never changed again, so the requests of one path share it. Only plain and dynamic
    resources' matches (not 404s, 405s or other resources), only paths up to
    :attr:`MAX_PATH` characters, and at most :attr:`MAX` of them: past that it starts over
    (bounded memory, whatever the paths)."""

    MAX = 1024
    MAX_PATH = 256

    def remember(self, key: tuple[str, str], match_info: UrlMappingMatchInfo,
                 provider: Provider | None) -> None:
        if match_info.http_exception is not None or len(key[1]) > self.MAX_PATH:
            return
        route = match_info.route
        if type(getattr(route, "resource", None)) not in _REMEMBERED:
            return
        if len(self) >= self.MAX:
            self.clear()
        self[key] = (match_info, provider)


_REMEMBERED = (web_urldispatcher.PlainResource, web_urldispatcher.DynamicResource)


def _prefix_shortcut(app: web.Application) -> dict[str, PrefixedProviderApp] | None:
    """slug -> the ``/<slug>`` resource of a provider, when the root router would always pick that sub-app for a
    path under its prefix without a provider Host: the only Host rule resource is the one
    :class:`HostSubApp`, and no other root resource lies under a provider's prefix."""
    router = app.router
    if any(not isinstance(r, HostSubApp) for r in router._matched_sub_app_resources):
        return None
    prefixed: dict[str, PrefixedProviderApp] = {}
    for resource in router.resources():
        if isinstance(resource, PrefixedProviderApp):
            slug = resource.canonical[1:]
            if "/" not in slug:
                prefixed[slug] = resource
    for resource in router.resources():
        if isinstance(resource, (HostSubApp, web_urldispatcher.PrefixedSubAppResource)):
            continue
        if resource.canonical[1:].partition("/")[0] in prefixed:
            return None
    return prefixed


async def _control_errors(request: web.Request, handler):
    """/_sim and unrouted paths answer errors as JSON ``{"error": ...}``, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        message = exc.reason
        if exc.status == 404 and not request.path.startswith("/_sim"):
            message += ": no provider here; use /<slug>/... or a provider's Host header"
        return web.json_response({"error": message}, status=exc.status, headers=_allow(exc))
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except (RecursionError, JsonBodyError) as exc:
        return web.json_response({"error": _bad_input(exc)}, status=400)
    except Exception as exc:
        log.exception("%s %s failed", request.method, request.path)
        return web.json_response({"error": f"internal error: {type(exc).__name__}"}, status=500)


def _bad_input(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "Bad Request: the input is nested too deeply"
    return f"Bad Request: invalid JSON: {exc}"


def _allow(exc: web.HTTPException) -> dict[str, str]:
    allow = exc.headers.get("Allow")
    return {"Allow": allow} if allow else {}


def _response_body(response) -> bytes | str | None:
    """The answer's body as sent (the journal turns it into text when read)."""
    if response is None:
        return None
    body = getattr(response, "body", None)
    if isinstance(body, (bytes, bytearray)):
        return body
    text = getattr(response, "text", None)
    return text if isinstance(text, str) else None


async def _apply_fault(sim: Simulator, provider: Provider, request: web.Request,
                       rule) -> tuple[web.StreamResponse | None, str | None]:
    """(the fault's answer or None to run the handler, the journal's error)."""
    if rule.action == "delay":
        await sim.clock.sleep(rule.delay)
        return None, None
    if rule.action == "drop":
        if request.transport is not None:
            request.transport.close()
        # aiohttp fails quietly to write this to the closed connection
        return web.Response(status=500), DROPPED
    if rule.action == "native":
        return provider.native_fault(request, rule.native or "500"), None
    body = rule.body
    if isinstance(body, (dict, list)):
        data, content_type = json.dumps(body, ensure_ascii=False).encode(), "application/json"
    else:
        data, content_type = ("" if body is None else str(body)).encode(), "text/plain; charset=utf-8"
    headers = {"Content-Type": rule.content_type or content_type, **rule.headers}
    return web.Response(body=data, status=rule.status, headers=headers), None


def create_app(settings: Settings | Simulator | None = None, *,
               access_log: AccessLog | None = None) -> web.Application:
    """``access_log``: where the access lines go (default: the ``simulator.access`` logger;
    ``telsim serve`` passes a :class:`BufferedAccessLog`)."""
    sim = settings if isinstance(settings, Simulator) else Simulator(settings or Settings())
    providers: dict[web.Application, Provider] = {}
    app = web.Application(middlewares=[_observer(sim, access_log or LoggingAccessLog(), providers)],
                          client_max_size=32 * 1024 ** 2)
    app[SIM_KEY] = sim
    setup_control(app, sim)
    expect = expect_handler(sim, lambda request: providers.get(request.match_info.apps[-1]))
    use_expect_handler(app, expect)
    # each provider's sub-apps are built on its first request (provider_apps.py), without
    # middlewares of their own: what _request_handler relies on
    mount_providers(app, sim, expect, providers)
    app[REQUEST_HANDLER_KEY] = _request_handler(app, app.middlewares[0], _prefix_shortcut(app),
                                                frozenset(sim.providers.by_host), providers)

    async def on_startup(_app: web.Application) -> None:
        await sim.start()

    async def on_cleanup(_app: web.Application) -> None:
        await sim.stop()
        _forget_middleware_chains()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


def _forget_middleware_chains() -> None:
    """aiohttp caches each route's middleware chain in a module-level LRU of 1,024 entries
    keyed by the handler and its apps, so every stopped simulator stayed reachable from it
    (a test session kept hundreds of worlds alive and its garbage collections grew with them).
    Cleared when an app is cleaned up; it costs the running apps one rebuild per route."""
    cached = getattr(web_app, "_cached_build_middleware", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
