"""What a provider package declares: slug, hosts, world section, catalogue, contract, routes,
native errors, and how calls start (:class:`CallRequest`). The core never needs editing to
add one."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from aiohttp import web

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..catalogue import Catalogue
    from ..conformance import Contract
    from ..engine.calls import Call
    from ..sim import Simulator
    from .call_request import CallRequest


class Provider:
    slug: ClassVar[str]
    title: ClassVar[str] = ""
    hosts: ClassVar[tuple[str, ...]] = ()
    #: the model of ``providers.<slug>`` in the world file (None: the provider has no section)
    section_model: ClassVar[type[BaseModel] | None] = None
    #: every operation and callback of the document (simulator/catalogue.py)
    catalogue: ClassVar[Catalogue | None] = None
    #: actions the control API runs for this provider (POST /_sim/providers/{slug}/actions/{name}):
    #: {name: what it does}, e.g. minting an OAuth code for a test that drives no login form
    control_actions: ClassVar[Mapping[str, str]] = {}
    #: the largest request body, in bytes as sent and as decoded, before its 413 in the
    #: provider's format (simulator/limits.py; ``Settings.max_body_size`` caps it)
    max_body_size: ClassVar[int] = 32 * 1024 ** 2
    #: the most parts a multipart/form-data body may have (simulator.http.read_multipart)
    max_form_parts: ClassVar[int] = 100

    def __init__(self, sim: "Simulator"):
        self.sim = sim

    # ----------------------------------------------------------- life cycle
    @property
    def section(self) -> Any:
        """This provider's part of the live world (an instance of ``section_model``)."""
        return self.sim.world_section(self.slug)

    def reset(self) -> None:
        """(Re)build all state from the world: at start and on POST /_sim/reset."""

    def world_changed(self, old: Any, new: Any) -> None:
        """The world was patched (PATCH /_sim/world): as a change made in the portal."""

    def describe(self) -> Any:
        """A JSON-able view of the provider's live state for GET /_sim/providers/{slug}
        (counters, subscriptions... whatever a tester wants to see)."""
        return {}

    def snapshot(self) -> Any:
        """The data this provider generated from the world's seed (names, call history...),
        JSON-able; a test checks the same seed gives identical snapshots."""
        return None

    async def startup(self) -> None:
        """Runs once the event loop runs (timers, subscriptions to the bus), to its end without
        waiting: a provider built on first use runs it at once, inside the lookup."""

    async def shutdown(self) -> None:
        pass

    async def control_action(self, name: str, body: Any) -> Any:
        """Run one of ``control_actions`` with the request's JSON body; the JSON-able result is
        the answer. Raise ValueError (or a pydantic ValidationError) for a body it refuses (422)
        and LookupError for something the body names that does not exist (404)."""
        raise LookupError(f"no action {name!r}")

    # ------------------------------------------------------------- contract
    @classmethod
    def contract(cls) -> "Contract | None":
        """The checker of this provider's documented formats (simulator/conformance/): every
        journal entry of the provider's tests is checked against it. None: no contract yet.
        Usually ``Contract.from_files(cls.slug, catalogue=cls.catalogue)``."""
        return None

    # ----------------------------------------------------------------- HTTP
    def setup_routes(self, app: web.Application) -> None:
        """Add the provider's routes, with the paths exactly as the document writes them."""

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        """The provider's own error format, for unknown paths (404), wrong methods (405),
        and unexpected failures (500)."""
        return web.json_response({"error": message, "status": status}, status=status)

    def native_fault(self, request: web.Request, code: str) -> web.StreamResponse:
        """Render an injected fault as the provider's own error ``code``."""
        try:
            status = int(str(code).split(".")[0])
        except ValueError:
            status = 500
        return self.error_response(request, status, f"injected fault {code}")

    # ---------------------------------------------------------------- calls
    def number_owner(self, number: str, direction: str) -> str | None:
        """The tenant that owns ``number`` for a call placed by the control API or a scenario:
        the called number of an ``inbound`` call, the calling number of an ``outbound`` or
        ``internal`` one; None when no tenant has it. Asked on every such call (an index
        lookup); only consulted when :meth:`call_numbers` does not return None."""
        return None

    def call_numbers(self, direction: str) -> dict[str, list[str]] | None:
        """Per tenant, the numbers :meth:`number_owner` knows for ``direction``: with them the
        core refuses (422) a call that no tenant would see and names the numbers that would
        work. None (this default): the provider does not say, and every call is placed as
        given."""
        return None

    async def start_call(self, req: CallRequest) -> "Call":
        """Start a call from the control API or a scenario. The default: an engine call
        from ``req.from_`` to ``req.to`` bridged when the called party answers."""
        engine = self.sim.engine
        call = engine.create_call(self.slug, req.tenant, req.direction, req.from_, req.to,
                                  record=req.record, script=req.script, meta=req.meta)
        origin = engine.add_origin(call, req.from_, behaviour=req.caller)
        engine.spawn(call, _connect(engine, call, origin, req.to, req.from_, req.timeout))
        return call

    # -------------------------------------------------------------- helpers
    @staticmethod
    def json(data: Any, status: int = 200, **kw: Any) -> web.Response:
        return web.Response(text=json.dumps(data, ensure_ascii=False), status=status,
                            content_type="application/json", **kw)


async def _connect(engine, call, origin, to, caller_id, timeout) -> None:
    # the request's fields, not the request: it is not kept alive (five more objects for the
    # cyclic collector to scan) while the called party rings
    leg = engine.dial(call, to, caller_id=caller_id, timeout=timeout)
    if await engine.wait_answer(leg) and not origin.ended:
        engine.bridge(origin, leg)
    elif not origin.ended:
        engine.hangup(origin, leg.cause or 16)


def __getattr__(name: str) -> Any:
    if name == "CallRequest":  # a pydantic model (call_request.py): imported on first use
        from .call_request import CallRequest

        return CallRequest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
