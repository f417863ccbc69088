"""The providers' sub-apps on the root app, each mounted on its provider's first request.

A provider is reached by its ``/<slug>`` path prefix (:class:`PrefixedProviderApp`, one per
provider) or by a Host header naming one of its hosts (:class:`HostSubApp`, one for all of them).
Both are in the root router from the start, naming the provider by its listing only; the first
request that reaches one builds the provider (``Simulator.providers``) and its sub-app, which then
serves every later request exactly as an app mounted at start would (the same routes, the same
match_info.apps). Until then the root's route list holds no routes of the provider.
"""
from __future__ import annotations

import types
from aiohttp import web
from aiohttp.web_urldispatcher import Domain, MatchedSubAppResource, PrefixedSubAppResource

from .providers.base import Provider
from .transport import use_expect_handler


class ProviderHosts(Domain):
    """A Host rule for the providers' hosts, ignoring the port (``vpbx.mts.ru:8080`` is
    ``vpbx.mts.ru``): one set lookup per request."""

    def __init__(self, hosts: tuple[str, ...]):
        super().__init__(hosts[0])
        self.hosts = frozenset(h.lower() for h in hosts)

    def match_domain(self, host: str) -> bool:
        return host.lower().rsplit(":", 1)[0] in self.hosts


def provider_app(provider: Provider, expect) -> web.Application:
    # no middleware of its own: the root's one middleware does the provider's error format too
    app = web.Application(client_max_size=32 * 1024 ** 2)
    app[PROVIDER_KEY] = provider
    provider.setup_routes(app)
    use_expect_handler(app, expect)
    return app


PROVIDER_KEY = web.AppKey("provider", Provider)


class ProviderApps:
    """Builds each provider's two sub-apps (prefix and Host) on first use. ``apps``: the root
    middleware's sub-app -> provider map, filled as they are built."""

    def __init__(self, root: web.Application, providers, expect, apps: dict[web.Application, Provider]):
        self._root = root
        self._providers = providers  # Simulator.providers
        self._expect = expect
        self._apps = apps

    def build(self, slug: str) -> web.Application:
        provider = self._providers[slug]
        sub = provider_app(provider, self._expect)
        self._apps[sub] = provider
        return sub

    def mounted(self, sub: web.Application) -> None:
        """``sub`` is in the router now: frozen as the root froze its sub-apps at start."""
        sub.pre_freeze()
        loop = getattr(self._root, "_loop", None)
        if loop is not None:
            sub._set_loop(loop)
        sub.freeze()


class PrefixedProviderApp(PrefixedSubAppResource):
    """``/<slug>``: the provider's sub-app, built on the first request under the prefix."""

    #: the sub-app once built (the root's request handler resolves in it directly)
    mounted: web.Application | None = None

    def __init__(self, slug: str, builder: ProviderApps):
        super().__init__(f"/{slug}", web.Application())  # an empty stand-in until then
        self._slug = slug
        self._builder = builder

    async def resolve(self, request: web.Request):
        self._mount()
        return await PrefixedSubAppResource.resolve(self, request)

    def _mount(self) -> None:
        sub = self._builder.build(self._slug)
        self._app = sub
        self._add_prefix_to_resources(self._prefix)
        self._builder.mounted(sub)
        self.mounted = sub
        # from now on aiohttp's own resolve, without this frame
        self.resolve = types.MethodType(PrefixedSubAppResource.resolve, self)  # type: ignore[method-assign]


class HostSubApp(MatchedSubAppResource):
    """Every provider's sub-app reached by its Host header. aiohttp tries every Host rule
    resource in turn on every request before its path index; this one resolves all the
    providers' hosts with one dict lookup (``table``: host -> sub-app, or the slug of a provider
    whose sub-app is not built yet) and is the only Host rule in the router."""

    def __init__(self, by_host: dict[str, str], builder: ProviderApps):
        super().__init__(ProviderHosts(tuple(by_host)), web.Application())
        self._table: dict[str, web.Application | str] = dict(by_host)
        self._builder = builder
        self._by_slug: dict[str, web.Application] = {}

    async def resolve(self, request: web.Request):
        host = request.headers.get("Host")
        app = self._table.get(host.lower().rsplit(":", 1)[0]) if host else None
        if app is None:
            return None, set()
        if app.__class__ is str:
            app = self._mount(app)
        match_info = await app.router.resolve(request)
        match_info.add_app(app)
        if isinstance(match_info.http_exception, web.HTTPMethodNotAllowed):
            return match_info, match_info.http_exception.allowed_methods
        return match_info, set()

    def _mount(self, slug: str) -> web.Application:
        sub = self._builder.build(slug)
        self._builder.mounted(sub)
        for host, value in self._table.items():
            if value.__class__ is str and value == slug:
                self._table[host] = sub
        return sub


def mount_providers(root: web.Application, sim, expect, apps: dict[web.Application, Provider]) -> None:
    """Put every listed provider's prefix resource, and one Host resource for all their hosts,
    in ``root``'s router (before the root is frozen)."""
    builder = ProviderApps(root, sim.providers, expect, apps)
    for slug in sim.providers:
        root.router.register_resource(PrefixedProviderApp(slug, builder))
    if sim.providers.by_host:
        root.router.register_resource(HostSubApp(sim.providers.by_host, builder))
