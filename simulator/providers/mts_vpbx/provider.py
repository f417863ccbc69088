"""The MTS VPBX provider: life cycle, world changes, native errors, calls started from the control API."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from aiohttp import web

from ...engine import Call
from ...http import routed_allow, strip_prefix
from ...world import changed_fields, section_diff
from ..base import Provider
from ..registry import register
from .backend import AbonentState, Backend, Enterprise
from .catalogue import CATALOGUE
from .contract import portal_contract
from .calls import META, AbonentCall, CallRegistry
from .errors import error_body
from .events import EngineAdapter
from .findme import PLAIN_RING_TIMEOUT
from .flows import Flows
from .notify import Notifier
from .rebuild import carry_over
from .routes import Routes
from .services import SERVICE_KINDS
from .world import MtsVpbxWorld

if TYPE_CHECKING:
    from ...sim import CallRequest

SLUG = "mts-vpbx"
# enterprise fields a world patch may change without rebuilding what clients stored
SETTINGS = {"apicrm", "webhook", "maxDeliveryAttempts", "checkAliveFailure", "checkAlivePeriod", "recordCalls",
            "adminEmail", "adminPhone", "name"}


@register
class MtsVpbx(Provider):
    slug = SLUG
    title = "MTS virtual PBX API CRM"
    hosts = ("vpbx.mts.ru",)
    section_model = MtsVpbxWorld
    catalogue = CATALOGUE

    def __init__(self, sim):
        super().__init__(sim)
        self.registry = CallRegistry()
        self.flows = Flows(self)
        self.notifier = Notifier(self)
        self.adapter = EngineAdapter(self)
        self.routes = Routes(self)
        self.queue_cursor: dict[str, int] = {}
        self.backend = Backend(MtsVpbxWorld())
        self._unsubscribe = None

    # ------------------------------------------------------------ life cycle
    def reset(self) -> None:
        self._build()
        self.registry.reset()
        self.queue_cursor = {}
        if self._unsubscribe is None:
            self._unsubscribe = self.sim.bus.subscribe(self.adapter, self.slug)
        for ent in self.backend.by_id.values():
            for sub in ent.subscriptions.values():
                self.notifier.arm_expiry(ent, sub)
            for kind in SERVICE_KINDS:
                self.notifier.arm_check_alive(ent, kind)

    def _build(self) -> None:
        section = self.section or MtsVpbxWorld()
        seed = getattr(self.sim.world, "seed", 0)
        self.backend = Backend(section, seed=seed, now=self.sim.clock.now())

    def _rebuild(self, old_e: dict, new_e: dict) -> None:
        """A directory change: the portal is rebuilt from the world, keeping live calls and what
        the session made where the patch left that part of the world alone (rebuild.py)."""
        prev = self.backend
        self._build()
        for key, ent in self.backend.by_bwks_id.items():
            before = prev.by_bwks_id.get(key)
            kept: list[str] = []
            if before is not None and before.id == ent.id and key in old_e:
                kept = carry_over(before, ent, old_e[key], new_e[key])
            for sub in ent.subscriptions.values():
                self.notifier.arm_expiry(ent, sub)
            for kind in SERVICE_KINDS:
                # a carried mechanism goes on with its checks; a new one is checked now
                self.notifier.arm_check_alive(ent, kind, self.notifier.next_check_alive(ent, kind) if kind in kept else 0.0)

    def world_changed(self, old: Any, new: Any) -> None:
        """A changed section acts as a change made in the portal. Changes of an enterprise's settings
        (mechanisms, attempts, CHECK_ALIVE rule, recording, notices) apply in place and keep what
        clients stored; any other change rebuilds the enterprises from the new world, keeping what
        the patch did not touch (see _rebuild)."""
        d = section_diff(old, new, "enterprises")
        if d.added or d.removed or any(changed_fields(d.old[k], d.new[k], exclude=SETTINGS) for k in d.changed):
            self._rebuild(d.old, d.new)
            return
        for key in d.changed:
            ent = self.backend.by_bwks_id[key]
            cfg = d.new[key]
            ent.cfg = cfg
            ent.directory_changed()
            for kind in SERVICE_KINDS:
                new_svc = getattr(cfg, kind)
                # only the fields the patch changed: the rest may have been set through the API
                fields = changed_fields(getattr(d.old[key], kind), new_svc)
                if not fields:
                    continue
                svc = ent.services[kind]
                for f in fields:
                    setattr(svc, f, getattr(new_svc, f))
                if fields & {"active", "callbackUrl"}:
                    # switched on/off or moved: a new life for the mechanism, probed from now on
                    svc.checkAliveFailures, svc.disabledReason = 0, None
                    svc.generation += 1
                    self.notifier.arm_check_alive(ent, kind)

    async def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def snapshot(self) -> dict:
        """Generated data (the call history) per enterprise: identical for one seed."""
        return {bwks: [e.record.model_dump() for e in ent.history.enterprise.entries]
                for bwks, ent in self.backend.by_bwks_id.items()}

    def backend_ent(self, enterprise_id: Optional[int]) -> Optional[Enterprise]:
        return self.backend.by_id.get(enterprise_id) if enterprise_id is not None else None

    def describe(self) -> dict:
        """Tenant view: each enterprise's mechanisms, their delivery-error counters, notices."""
        now = self.sim.clock.now()
        return {"enterprises": [{
            "id": e.id, "enterpriseBwksId": e.cfg.bwksId, "name": e.cfg.name,
            "services": {k: s.view() for k, s in e.services.items()},
            "subscriptions": [{"abonentId": s.abonentId, "subscriptionId": s.subscriptionId,
                               "expires": max(0, int(round(s.expiresAt - now)))} for s in e.subscriptions.values()],
            "notices": e.notices, "history": len(e.history), "recordings": len(e.recordings),
        } for e in self.backend.by_id.values()]}

    @classmethod
    def contract(cls):
        return portal_contract()

    # ----------------------------------------------------------------- HTTP
    def setup_routes(self, app: web.Application) -> None:
        self.routes.setup(app)

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        path = strip_prefix(request.path, self.slug)
        if status == 404 and message == "Not Found":
            message = "No message available"
        elif status == 405:
            message = f"Request method '{request.method}' not supported"
        response = self.json(error_body(status, message, path, self.sim.clock.now()), status=status)
        allow = routed_allow(request) if status == 405 else None
        if allow:
            # Spring answers HttpRequestMethodNotSupportedException with the methods the path has
            response.headers["Allow"] = allow
        return response

    # ---------------------------------------------------------------- calls
    def _new_call(self, ent: Enterprise, direction: str, from_: str, to: str, *, record: bool = False,
                  script=None, meta=None) -> Call:
        call = self.sim.engine.create_call(self.slug, ent.cfg.bwksId, direction, from_, to,
                                           record=record or ent.cfg.recordCalls, script=script,
                                           meta={**(meta or {}), META: {"enterprise": ent.id}})
        self.flows.conversation(call)
        return call

    def number_owner(self, number: str, direction: str) -> str | None:
        ent = self.backend.enterprise_for_number(number)
        if ent is None or (direction != "inbound" and ent.find_abonent_by_number(number) is None):
            return None
        return ent.cfg.bwksId

    def call_numbers(self, direction: str) -> dict[str, list[str]]:
        out = {}
        for ent in self.backend.by_id.values():
            cfg = ent.cfg
            phones = [a.cfg.phoneNumber for a in ent.abonents.values() if a.cfg.phoneNumber]
            services = [n for s in (*cfg.autoAttendants.values(), *cfg.callCenters.values()) for n in s.numbers]
            out[cfg.bwksId] = [*cfg.numbers, *services, *phones] if direction == "inbound" else phones
        return out

    async def start_call(self, req: "CallRequest") -> Call:
        b = self.backend
        ent = b.enterprise_for_tenant(req.tenant)
        if req.tenant and ent is None:
            raise LookupError(f"unknown mts-vpbx tenant {req.tenant!r}")
        if req.direction == "inbound":
            ent = ent or b.enterprise_for_number(req.to)
            if ent is None:
                return await super().start_call(req)
            call = self._new_call(ent, "inbound", req.from_, req.to, record=req.record, script=req.script,
                                  meta=req.meta)
            origin = self.sim.engine.add_origin(call, req.from_, behaviour=req.caller)
            self.sim.engine.spawn(call, self.flows.inbound(ent, call, origin, req.to))
            return call
        ent = ent or b.enterprise_for_number(req.from_)
        ab = ent.find_abonent_by_number(req.from_) if ent is not None else None
        if ent is None or ab is None:
            return await super().start_call(req)
        call = self._new_call(ent, req.direction, req.from_, req.to, record=req.record, script=req.script,
                              meta=req.meta)
        origin = self.sim.engine.add_origin(call, ab.number, behaviour=req.caller or ab.cfg.party)
        ac = self.flows.register(ent, call, origin, ab, "Originator", req.to, ab.number, req.to)
        ac.state = "Alerting"
        self.adapter.announce(ac, "CALL_ORIGINATED")
        self.sim.engine.spawn(call, self.flows.originate(ent, call, origin, ab, req.to))
        return call

    def click_to_dial(self, ent: Enterprise, ab: AbonentState, address: str) -> AbonentCall:
        call = self._new_call(ent, "outbound", ab.number, address)
        leg = self.sim.engine.dial(call, ab.number, caller_id=address, behaviour=self.flows.behaviour(call, ab),
                                   timeout=PLAIN_RING_TIMEOUT)
        ac = self.flows.register(ent, call, leg, ab, "Click-to-Dial", address, ab.number, address)
        self.sim.engine.spawn(call, self.flows.click_to_dial(ent, call, leg, ab, address))
        return ac

    def blind_transfer(self, ent: Enterprise, ab: AbonentState, ac: AbonentCall, call: Call, leg, number: str) -> None:
        target = ent.find_abonent_by_number(number)
        peer = (call.peers(leg) or [l for l in call.live_legs() if l is not leg and l.role == "origin"])[0]
        behaviour = self.flows.behaviour(call, target) if target is not None else None
        new_leg = self.sim.engine.blind_transfer(call, leg, target.number if target else number,
                                                 caller_id=peer.number, behaviour=behaviour)
        if target is not None:
            self.flows.register(ent, call, new_leg, target, "Terminator", peer.number, peer.number, target.number,
                                redirecting_number=ab.number, redirecting_reason="DEFLECTION",
                                call_group=ac.callGroupId)
