"""The operation catalogue: every operation and callback a provider's document names, in
one place the core reads.

A provider declares a :class:`Catalogue` as its ``catalogue`` class attribute and mounts
its routes from it (``catalogue.mount(app, handlers)``), so an operation cannot exist
without being listed. The journal names each entry by the operation's catalogue name;
the control API lists the catalogue with call counts (``GET /_sim/providers/{slug}/operations``);
``telsim coverage`` and the contract checker read it.

Names are as the document writes them: ``GET /api/abonents`` for REST, ``SETBLIST`` for a
multipart command, ``InitCall`` for an XML message, ``un.svc GetUN`` for SOAP,
``getCallHistory`` for a JSON-RPC method.

Several operations may share one route (one URL, the operation told apart by a command
name, an XML root element, a SOAP action or a JSON-RPC method): they carry a ``selector``
and the route's handler names the one it recognised with :func:`set_operation`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Literal, Mapping

from aiohttp import web

# the journal's operation for a request no handler named, the request's operation key and its
# setter: the catalogue's names, kept in operation.py (the request path needs no catalogue)
from .operation import OPERATION_KEY, UNRECOGNISED, set_operation  # noqa: F401

Transport = Literal["rest", "xml", "multipart", "soap", "jsonrpc", "form", "html", "download"]
#: journal directions: requests to the simulator, callbacks it sends, notices it "sends"
#: by channels no test can receive (e-mail, SMS to an administrator, voice-mail e-mail)
Direction = Literal["in", "out", "notice"]
DIRECTIONS: tuple[str, ...] = ("in", "out", "notice")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Operation:
    """One operation the provider serves."""

    name: str
    section: str
    transport: Transport
    #: the HTTP route that serves it (aiohttp path pattern, relative to the provider);
    #: "*" as method answers every method (the handler refuses the wrong ones itself)
    method: str = "POST"
    path: str = "/"
    #: on a shared route: what tells this operation apart (command, XML root, SOAPAction,
    #: JSON-RPC method); None when the route serves only this operation
    selector: str | None = None
    #: request / response models (pydantic classes) or schema references into contracts/
    request: Any = None
    response: Any = None
    #: the real host this operation is served on when the provider has several
    host: str | None = None
    summary: str = ""

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class CallbackSpec:
    """One callback (or notice) the provider sends to the application or a person."""

    name: str
    section: str
    #: how it travels: "rest" (JSON POST), "xml", "jsonrpc", "form", "get", "email", "sms"
    transport: str
    #: where it goes, in the document's words: "enterprise webhook callbackUrl"
    target: str
    method: str = "POST"
    body: Any = None
    direction: Direction = "out"
    summary: str = ""


class CatalogueError(Exception):
    pass


@dataclass
class Catalogue:
    provider: str
    document: str
    operations: tuple[Operation, ...] = ()
    callbacks: tuple[CallbackSpec, ...] = ()
    #: the document's sections that name operations or callbacks, for coverage:
    #: {section: title}; filled by the provider from the document's table of contents
    sections: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.operations = tuple(self.operations)
        self.callbacks = tuple(self.callbacks)
        self._ops = {op.name: op for op in self.operations}
        self._cbs = {cb.name: cb for cb in self.callbacks}
        if len(self._ops) != len(self.operations):
            raise CatalogueError(f"{self.provider}: two operations share a name")
        if len(self._cbs) != len(self.callbacks):
            raise CatalogueError(f"{self.provider}: two callbacks share a name")

    # --------------------------------------------------------------- lookup
    def operation(self, name: str) -> Operation:
        try:
            return self._ops[name]
        except KeyError:
            raise CatalogueError(f"{self.provider}: no operation {name!r} in the catalogue") from None

    def callback(self, name: str) -> CallbackSpec:
        try:
            return self._cbs[name]
        except KeyError:
            raise CatalogueError(f"{self.provider}: no callback {name!r} in the catalogue") from None

    def has_operation(self, name: str) -> bool:
        return name in self._ops

    def has_callback(self, name: str) -> bool:
        return name in self._cbs

    def unnamed(self, entries: Iterable[Any]) -> list[Any]:
        """The journal entries of this provider whose operation the catalogue does not name:
        a request must name an operation (or keep :data:`UNRECOGNISED`, the middleware's
        default when no handler recognised one: an unknown path, authentication refused
        before a command was read), a callback or notice a catalogue callback."""
        out = []
        for e in entries:
            if e["provider"] != self.provider:
                continue
            name = e["operation"]
            if e["direction"] == "in":
                if name != UNRECOGNISED and name not in self._ops:
                    out.append(e)
            elif name not in self._cbs:
                out.append(e)
        return out

    def routes(self) -> dict[str, list[Operation]]:
        """Operations grouped by route ("METHOD /path"), in catalogue order."""
        out: dict[str, list[Operation]] = {}
        for op in self.operations:
            out.setdefault(op.route, []).append(op)
        return out

    def by_selector(self, route: str, selector: str) -> Operation | None:
        for op in self.routes().get(route, ()):
            if op.selector == selector:
                return op
        return None

    # -------------------------------------------------------------- routing
    def mount(self, app: web.Application, handlers: Mapping[str, Handler]) -> None:
        """Register every route of the catalogue on ``app``.

        ``handlers`` maps an operation name to its handler; a shared route (operations
        with selectors) maps its route string ("POST /api/request") to one handler that
        calls :func:`set_operation`. Every operation needs a handler and every handler
        an operation: a mismatch raises at start-up.
        """
        remaining = dict(handlers)
        for route, ops in self.routes().items():
            shared = [op for op in ops if op.selector is not None]
            method, path = ops[0].method, ops[0].path
            for op in ops:
                if op.selector is None:
                    handler = remaining.pop(op.name, None)
                    if handler is None:
                        raise CatalogueError(f"{self.provider}: no handler for {op.name!r}")
                    app.router.add_route(method, path, _named(op.name, handler))
            if shared:
                handler = remaining.pop(route, None)
                if handler is None:
                    raise CatalogueError(f"{self.provider}: no handler for the shared route {route!r}")
                app.router.add_route(method, path, handler)
        if remaining:
            raise CatalogueError(f"{self.provider}: handlers for operations not in the catalogue: "
                                 f"{', '.join(sorted(remaining))}")

    def describe(self, counts: Mapping[str, int] | None = None) -> dict[str, Any]:
        """The JSON-able catalogue for the control API (with call counts since reset)."""
        counts = counts or {}
        return {
            "provider": self.provider, "document": self.document,
            "operations": [{"name": op.name, "section": op.section, "transport": op.transport,
                            "method": op.method, "path": op.path, "selector": op.selector,
                            "host": op.host, "summary": op.summary,
                            "calls": counts.get(op.name, 0)} for op in self.operations],
            "callbacks": [{"name": cb.name, "section": cb.section, "transport": cb.transport,
                           "target": cb.target, "method": cb.method, "direction": cb.direction,
                           "summary": cb.summary, "sent": counts.get(cb.name, 0)}
                          for cb in self.callbacks],
        }


def _named(name: str, handler: Handler) -> Handler:
    async def named(request: web.Request) -> web.StreamResponse:
        request[OPERATION_KEY] = name
        return await handler(request)
    named.__name__ = getattr(handler, "__name__", "handler")
    named.__doc__ = getattr(handler, "__doc__", None)
    return named


def operation_of(request: web.Request) -> str | None:
    return request.get(OPERATION_KEY)


def operations(*ops: Operation | Iterable[Operation]) -> tuple[Operation, ...]:
    """Flatten operation lists declared per module into one tuple."""
    out: list[Operation] = []
    for item in ops:
        if isinstance(item, Operation):
            out.append(item)
        else:
            out.extend(item)
    return tuple(out)


def describe_operations(provider: Any, counts: Mapping[str, int]) -> dict[str, Any]:
    """GET /_sim/providers/{slug}/operations: the provider's catalogue with how many times
    each operation was called and each callback sent since reset (``Catalogue.describe``).

    Names the journal counted that the catalogue does not list (a provider without a
    catalogue yet, the default ``request`` of a route that names no operation) are under
    ``unlisted``, so nothing observed is hidden."""
    catalogue: Catalogue | None = getattr(provider, "catalogue", None)
    if catalogue is None:
        out: dict[str, Any] = {"provider": provider.slug, "document": None,
                               "operations": [], "callbacks": []}
        listed: set[str] = set()
    else:
        out = catalogue.describe(counts)
        listed = {op.name for op in catalogue.operations} | {cb.name for cb in catalogue.callbacks}
    out["catalogued"] = catalogue is not None
    out["unlisted"] = {name: n for name, n in sorted(counts.items()) if name not in listed}
    return out
