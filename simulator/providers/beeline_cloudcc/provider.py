"""Registration of the Beeline cloudcc provider with the simulator core."""

from __future__ import annotations

from typing import Any, Optional

from aiohttp import web

from simulator.conformance import Contract
from simulator.providers.base import Provider
from simulator.providers.registry import register
from simulator.world import section_diff

from . import multipart, xmlmsg
from .backend import Backend, CallRecord
from .errors import ERROR_TABLE, BeelineError
from .catalogue import CATALOGUE
from .events import EngineAdapter
from .flows import Flows
from .notify import Notifier
from .routes import Handlers, json_error, xml_response
from .seed import apply_config, build_tenant
from .world import BeelineWorld


def _is_offline(request: web.Request) -> bool:
    path = request.path
    return "/api/" in path or path.endswith("/api")


@register
class BeelineCloudccProvider(Provider):
    slug = "beeline-cloudcc"
    title = "Beeline cloud contact centre (cloudcc)"
    hosts = ("cloudcc.beeline.ru",)
    section_model = BeelineWorld
    catalogue = CATALOGUE
    max_form_parts = multipart.MAX_PARTS

    def __init__(self, sim) -> None:
        super().__init__(sim)
        self.backend = Backend(now=sim.clock.now)
        self.flows = Flows(self)
        self.notifier = Notifier(self)
        self.adapter = EngineAdapter(self)
        self._unsubscribe = None

    # ------------------------------------------------------------------ life cycle
    def snapshot(self) -> dict:
        """Generated data (statistics rows) per tenant: identical for one seed."""
        from dataclasses import asdict
        return {tid: [asdict(c) for c in t.calls] for tid, t in self.backend.tenants.items()}

    def reset(self) -> None:
        section: BeelineWorld = self.section or BeelineWorld()
        self.backend = Backend(now=self.sim.clock.now, sys_id=section.spn.sys_id, host_id=section.spn.host_id)
        self.flows.reset()
        now = self.sim.clock.now()
        for tenant_id, cfg in section.tenants.items():
            self.backend.add_tenant(build_tenant(tenant_id, cfg, now=now, seed=self.sim.world.seed,
                                                 sys_id=section.spn.sys_id,
                                                 new_script_id=self.backend.new_script_id))

    def world_changed(self, old: Any, new: Any) -> None:
        """Added tenants are built, changed ones take the new settings and keep what clients
        stored through the API (apply_config), removed ones go."""
        new = new or BeelineWorld()
        self.backend.sys_id, self.backend.host_id = new.spn.sys_id, new.spn.host_id
        d = section_diff(old, new, "tenants")
        now = self.sim.clock.now()
        kept = {t.tenant_id: t for t in self.backend.tenants.values()}
        self.backend.tenants = {}
        for tenant_id, cfg in new.tenants.items():
            state = kept.get(tenant_id)
            if state is None:
                state = build_tenant(tenant_id, cfg, now=now, seed=self.sim.world.seed,
                                     sys_id=new.spn.sys_id, new_script_id=self.backend.new_script_id)
            elif tenant_id in d.changed:
                apply_config(state, tenant_id, cfg)
            self.backend.tenants[state.login] = state
        self.backend.reindex()

    async def startup(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self.sim.bus.subscribe(self.adapter, provider=self.slug)

    async def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @classmethod
    def contract(cls):
        """contracts/beeline-cloudcc/: the XSD for part 1's XML, the JSON Schemas for part 2's commands."""
        return Contract.from_files(cls.slug, catalogue=cls.catalogue)

    # ------------------------------------------------------------------ HTTP
    def setup_routes(self, app: web.Application) -> None:
        Handlers(self).setup(app)

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        if _is_offline(request):
            code = {400: "400.2", 404: "404.112", 405: "400.7", 408: "400.8", 413: "413.1",
                    414: "404.112", 415: "400.7"}.get(status, "500.2")
            return json_error(self, BeelineError(code))
        return xml_response(xmlmsg.error_info(message), status)

    def native_fault(self, request: web.Request, code: str) -> web.StreamResponse:
        code = str(code)
        if _is_offline(request):
            err = BeelineError(code if code in ERROR_TABLE else "500.1")
            return json_error(self, err)
        try:
            status = int(code.split(".")[0])
        except ValueError:
            status = 500
        return xml_response(xmlmsg.error_info(f"injected fault {code}"), status)

    # ------------------------------------------------------------------ calls
    def number_owner(self, number: str, direction: str) -> str | None:
        tenant = self.backend.tenant_of_number(number)
        return tenant.tenant_id if tenant is not None else None

    def call_numbers(self, direction: str) -> dict[str, list[str]]:
        return {t.tenant_id: list(t.numbers.values()) for t in self.backend.tenants.values()}

    async def start_call(self, req):
        if req.tenant and self.backend.tenant_by_id(req.tenant) is None:
            raise LookupError(f"unknown beeline-cloudcc tenant {req.tenant!r}")
        if req.direction == "inbound":
            return self.flows.start_inbound(req)
        return self.flows.start_outbound(req) or await super().start_call(req)

    def recording_seconds(self, record: CallRecord) -> Optional[float]:
        """The length of the engine's recording of a statistics row's call (None: none)."""
        if record.recording_id is None:
            return None
        rec = self.sim.engine.recordings.get(record.recording_id)
        return rec.duration if rec is not None else None
