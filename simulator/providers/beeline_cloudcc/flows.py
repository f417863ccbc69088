"""The online call flows of part 1 on the call engine: InitCall (2.1), AnnCall (2.2), inbound calls
routed by redirection or by the client's AgentInfo (2.4, 2.5), and calls the control API places from
a tenant's number."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from simulator.engine import CallContexts, Cause

from .backend import TenantState
from .callstatus import Tracker
from .models import AgentInfo, AnnCall, Info, InitCall
from .numbers import canonical, is_phone

if TYPE_CHECKING:
    from simulator.engine.calls import Call, Leg

    from .provider import BeelineCloudccProvider

SLUG = "beeline-cloudcc"
BUTTONS = set("0123456789*#")


@dataclass
class CallContext:
    tenant: TenantState
    kind: str  # InitCall, AnnCall, inbound, redirect
    script_id: str
    bnumber: str = ""  # the tenant's number the call belongs to (canonical)
    tracker: Optional[Tracker] = None
    files: list[str] = field(default_factory=list)
    record_file: Optional[str] = None
    cleanup_scheduled: bool = False



class Flows:
    def __init__(self, provider: "BeelineCloudccProvider") -> None:
        self.p = provider
        self.contexts: CallContexts[CallContext] = CallContexts(provider.sim.bus, SLUG)

    @property
    def engine(self):
        return self.p.sim.engine

    @property
    def clock(self):
        return self.p.sim.clock

    def reset(self) -> None:
        self.contexts.clear()

    # ------------------------------------------------------------------ helpers
    def _info(self, request_id: str, addpar: str, script_id: str = "", started: bool = True) -> Info:
        backend = self.p.backend
        return Info(request_id=request_id, ScriptID=script_id if started else "",
                    HostID=backend.host_id if started else "", SysID=backend.sys_id, AddPar=addpar)

    def _file_ok(self, tenant: TenantState, name: str) -> bool:
        return not name or tenant.file_ready(name, self.clock.now())

    def _duration(self, tenant: TenantState, name: str) -> float:
        stored = tenant.vfiles.get(name)
        return stored.duration if stored else 1.0

    def _use_files(self, ctx: CallContext, *names: str) -> None:
        for name in names:
            if name and name in ctx.tenant.vfiles:
                ctx.tenant.files_in_calls[name] += 1
                ctx.files.append(name)

    def _default_a(self, tenant: TenantState) -> str:
        return next(iter(tenant.numbers.values()), "")

    def _owned(self, tenant: TenantState, *numbers: str) -> str:
        for number in numbers:
            if number and is_phone(number) and canonical(number) in tenant.numbers:
                return canonical(number)
        return ""

    def _new_context(self, call: "Call", ctx: CallContext) -> CallContext:
        self.contexts.open(call.id, ctx)
        call.meta["ScriptID"] = ctx.script_id
        return ctx

    # ------------------------------------------------------------------ 2.1 InitCall
    def init_call(self, tenant: TenantState, msg: InitCall) -> Info:
        valid = (
            is_phone(msg.B0) and is_phone(msg.B1)
            and all(not a or is_phone(a) for a in (msg.A0, msg.A1))
            and msg.REC in ("", "0", "1")
            and self._file_ok(tenant, msg.F0) and self._file_ok(tenant, msg.F1)
        )
        if not valid:  # 2.1.4: the application does not start
            return self._info(msg.request_id, msg.AddPar, started=False)
        a0 = msg.A0 or self._default_a(tenant)
        a1 = msg.A1 or a0
        ctx = CallContext(tenant, "InitCall", self.p.backend.new_script_id(), bnumber=self._owned(tenant, a0, a1))
        call = self.engine.create_call(SLUG, tenant.tenant_id, "outbound", a0, msg.B1, record=msg.REC == "1",
                                       meta={"request_id": msg.request_id})
        self._new_context(call, ctx)
        ctx.tracker = self._tracker(msg.request_id, ctx.script_id, msg.AddPar)
        self._use_files(ctx, msg.F0, msg.F1)
        self.engine.spawn(call, self._init_flow(call, ctx, msg, a0, a1))
        return self._info(msg.request_id, msg.AddPar, ctx.script_id)

    async def _init_flow(self, call: "Call", ctx: CallContext, msg: InitCall, a0: str, a1: str) -> None:
        engine, limits = self.engine, ctx.tenant.limits
        leg0 = engine.dial(call, msg.B0, caller_id=a0, timeout=limits.ring_timeout, meta={"side": 0})
        if not await engine.wait_answer(leg0):
            return
        if msg.F0 and not await engine.play(leg0, msg.F0, duration=self._duration(ctx.tenant, msg.F0)):
            return
        leg1 = engine.dial(call, msg.B1, caller_id=a1, timeout=limits.ring_timeout, meta={"side": 1})
        if not await engine.wait_answer(leg1) or leg0.ended:
            return
        if msg.F1 and not await engine.play(leg1, msg.F1, duration=self._duration(ctx.tenant, msg.F1)):
            return
        if not leg0.ended and not leg1.ended:
            engine.bridge(leg0, leg1)

    # ------------------------------------------------------------------ 2.2 AnnCall
    def ann_call(self, tenant: TenantState, msg: AnnCall) -> Info:
        valid = (
            is_phone(msg.B0) and is_phone(msg.B1) and msg.btn in BUTTONS and len(msg.btn) == 1
            and all(not a or is_phone(a) for a in (msg.A0, msg.A1))
        )
        if not valid:
            return self._info(msg.request_id, msg.AddPar, started=False)
        a0 = msg.A0 or self._default_a(tenant)
        a1 = msg.A1 or a0
        ctx = CallContext(tenant, "AnnCall", self.p.backend.new_script_id(), bnumber=self._owned(tenant, a0, a1))
        call = self.engine.create_call(SLUG, tenant.tenant_id, "outbound", a0, msg.B0,
                                       meta={"request_id": msg.request_id, "btn": msg.btn})
        self._new_context(call, ctx)
        ctx.tracker = self._tracker(msg.request_id, ctx.script_id, msg.AddPar)
        self.engine.spawn(call, self._ann_flow(call, ctx, msg, a0, a1))
        return self._info(msg.request_id, msg.AddPar, ctx.script_id)

    async def _ann_flow(self, call: "Call", ctx: CallContext, msg: AnnCall, a0: str, a1: str) -> None:
        engine, limits = self.engine, ctx.tenant.limits
        leg0 = engine.dial(call, msg.B0, caller_id=a0, timeout=limits.ring_timeout, meta={"side": 0})
        if not await engine.wait_answer(leg0):
            return
        if not await engine.play(leg0, text=msg.AddPar or " "):
            return
        pressed = await engine.collect_dtmf(leg0, max_digits=1, timeout=limits.button_timeout, terminator=None)
        if leg0.ended:
            return
        if pressed != msg.btn:  # another key or silence ends the call
            engine.hangup(leg0, Cause.NORMAL_CLEARING, by="system")
            return
        leg1 = engine.dial(call, msg.B1, caller_id=a1, timeout=limits.ring_timeout, meta={"side": 1})
        if await engine.wait_answer(leg1) and not leg0.ended and not leg1.ended:
            engine.bridge(leg0, leg1)

    # ------------------------------------------------------------------ control API: outbound calls
    def start_outbound(self, req) -> Optional["Call"]:
        """A call placed from one of a tenant's numbers (a phone behind the platform): no
        client request, so no callStatus, but it is a line of the statistics file."""
        backend = self.p.backend
        tenant = backend.tenant_of_number(req.from_) or backend.tenant_by_id(req.tenant)
        if tenant is None:
            return None
        bkey = self._owned(tenant, req.from_)
        call = self.engine.create_call(SLUG, tenant.tenant_id, req.direction, req.from_, req.to,
                                       record=req.record or (bool(bkey) and tenant.records(bkey)),
                                       script=req.script, meta=req.meta)
        self._new_context(call, CallContext(tenant, "control", backend.new_script_id(), bnumber=bkey))
        origin = self.engine.add_origin(call, req.from_, behaviour=req.caller, meta={"side": 0})
        self.engine.spawn(call, self._outbound_flow(call, origin, req.to, req.timeout or tenant.limits.ring_timeout))
        return call

    async def _outbound_flow(self, call: "Call", origin: "Leg", to: str, timeout: float) -> None:
        engine = self.engine
        leg = engine.dial(call, to, caller_id=call.from_, timeout=timeout, meta={"side": 1})
        if await engine.wait_answer(leg) and not origin.ended:
            engine.bridge(origin, leg)
        elif not origin.ended:
            engine.hangup(origin, leg.cause or Cause.NORMAL_CLEARING, by="system")

    # ------------------------------------------------------------------ inbound calls
    def start_inbound(self, req) -> "Call":
        tenant = self.p.backend.tenant_of_number(req.to)
        call = self.engine.create_call(SLUG, tenant.tenant_id if tenant else req.tenant, "inbound", req.from_,
                                       req.to, script=req.script, meta=req.meta)
        origin = self.engine.add_origin(call, req.from_, behaviour=req.caller, meta={"side": 1})
        self.engine.spawn(call, self._inbound_flow(call, origin, tenant, req.from_, req.to, req.timeout))
        return call

    async def _inbound_flow(self, call: "Call", origin: "Leg", tenant: Optional[TenantState], caller: str,
                            called: str, timeout: Optional[float]) -> None:
        engine = self.engine
        if tenant is None:
            engine.hangup(origin, Cause.UNASSIGNED_NUMBER, by="network")
            return
        bkey = canonical(called)
        ctx = self._new_context(call, CallContext(tenant, "inbound", self.p.backend.new_script_id(), bnumber=bkey))
        if tenant.blacklisted(bkey, caller) or bkey in tenant.blocked:
            engine.hangup(origin, Cause.CALL_REJECTED, by="system")
            return
        redirect = tenant.redirects.get(bkey)
        if redirect is not None:
            ctx.kind = "redirect"
            file_a, file_b = tenant.premedia.get(bkey, ("", ""))
            await self._connect(call, ctx, origin, redirect.rnumber, redirect.anumber or caller,
                                file_to_caller=file_a, file_to_target=file_b,
                                record=tenant.records(bkey), timeout=timeout)
            return
        info = await self.p.notifier.ask_agent(call, ctx, caller, called)
        if origin.ended:
            return
        if info is None:
            engine.hangup(origin, Cause.CALL_REJECTED, by="system")
            return
        if info.wants_wait:  # 2.4.2: wait for the client's own AgentInfo (2.5)
            info = await engine.park(call, self.park_key(tenant, ctx.script_id),
                                     timeout=tenant.limits.agent_wait_timeout, fallback=None)
            if origin.ended:
                return
            if info is None:
                engine.hangup(origin, Cause.RECOVERY_ON_TIMER_EXPIRY, by="system")
                return
        if info.rejects or not is_phone(info.B0 or ""):  # 2.4.4
            engine.hangup(origin, Cause.CALL_REJECTED, by="system")
            return
        file_a, file_b = tenant.premedia.get(bkey, ("", ""))
        f0 = info.F0 if info.F0 is not None else file_a  # 2.4.5
        f1 = info.F1 if info.F1 is not None else file_b
        record = info.REC == "1" if info.REC is not None else tenant.records(bkey)
        ctx.tracker = self._tracker(info.request_id, ctx.script_id, info.AddPar)
        a0 = info.A0 if info.A0 and is_phone(info.A0) else caller
        await self._connect(call, ctx, origin, info.B0 or "", a0, file_to_caller=f1, file_to_target=f0,
                            record=record, timeout=timeout)

    def park_key(self, tenant: TenantState, script_id: str) -> str:
        return f"{SLUG}:{tenant.tenant_id}:{script_id}"


    async def _connect(self, call: "Call", ctx: CallContext, origin: "Leg", target: str, caller_id: str, *,
                       file_to_caller: str, file_to_target: str, record: bool, timeout: Optional[float]) -> None:
        """Answer the caller, play its file, ring the target, play the target's file, join them."""
        engine, tenant = self.engine, ctx.tenant
        now = self.clock.now()
        file_to_caller = file_to_caller if file_to_caller and tenant.file_ready(file_to_caller, now) else ""
        file_to_target = file_to_target if file_to_target and tenant.file_ready(file_to_target, now) else ""
        self._use_files(ctx, file_to_caller, file_to_target)
        call.record = record
        engine.answer(origin)
        if file_to_caller and not await engine.play(origin, file_to_caller,
                                                    duration=self._duration(tenant, file_to_caller)):
            return
        leg = engine.dial(call, target, caller_id=caller_id, timeout=timeout or tenant.limits.ring_timeout,
                          meta={"side": 0})
        if not await engine.wait_answer(leg):
            if not origin.ended:
                engine.hangup(origin, leg.cause or Cause.NORMAL_CLEARING, by="system")
            return
        if origin.ended:
            return
        if file_to_target and not await engine.play(leg, file_to_target,
                                                    duration=self._duration(tenant, file_to_target)):
            return
        if not origin.ended and not leg.ended:
            engine.bridge(origin, leg)

    # ------------------------------------------------------------------ 2.5 AgentInfo
    def agent_info(self, tenant: TenantState, msg: AgentInfo) -> bool:
        """Hand a 2.5 AgentInfo to the inbound call waiting for it; False if none waits."""
        key = self.park_key(tenant, msg.ScriptID)
        if not msg.ScriptID or not self.engine.is_parked(key):
            return False
        return self.engine.decide(key, msg)


    def _tracker(self, request_id: str, script_id: str, addpar: str) -> Tracker:
        backend = self.p.backend
        return Tracker(request_id=request_id, script_id=script_id, host_id=backend.host_id,
                       sys_id=backend.sys_id, addpar=addpar, now=self.clock.now)
