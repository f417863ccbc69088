"""Engine events of the provider's calls turned into callStatus requests (2.3), and the end of a
call: files in use released, the last status sent, the statistics row written."""
from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import Cause

from .cdr import cdr_row

if TYPE_CHECKING:
    from simulator.engine.calls import Call

    from .flows import CallContext
    from .provider import BeelineCloudccProvider


class EngineAdapter:
    def __init__(self, provider: "BeelineCloudccProvider") -> None:
        self.p = provider

    @property
    def engine(self):
        return self.p.sim.engine

    @property
    def clock(self):
        return self.p.sim.clock

    def on_event(self, event) -> None:
        ctx = self.p.flows.contexts.get(event.call_id)
        if ctx is None:
            return
        try:
            call = self.engine.get(event.call_id)
        except KeyError:
            return
        if event.type == "call.finished":
            self._finished(call, ctx, event.data["record"])
            return
        if event.type == "call.bridged":
            if ctx.tracker is not None:
                ctx.tracker.bridged()
            return
        leg = call.legs.get(event.leg_id) if event.leg_id else None
        side = leg.meta.get("side") if leg is not None else None
        if side is None:
            return
        tracker = ctx.tracker
        status = None
        if event.type == "leg.dialing" and tracker is not None:
            status = tracker.calling(side)
        elif event.type == "leg.answered" and tracker is not None:
            status = tracker.connected(side)
        elif event.type in ("leg.failed", "leg.released"):
            if tracker is not None:
                if event.type == "leg.released" and tracker.in_conversation:
                    status = tracker.ended(side)
                else:
                    status = tracker.failed(side, int(event.data.get("cause") or Cause.NORMAL_CLEARING))
            if not call.bridges and not ctx.cleanup_scheduled:
                # one side is gone before the two were joined: the whole call ends
                ctx.cleanup_scheduled = True
                self.clock.call_later(0, self._hangup_rest, call.id)
        if status is not None:
            self.p.notifier.send_status(call, ctx, status)

    def _hangup_rest(self, call_id: str) -> None:
        call = self.engine.calls.get(call_id)
        if call is not None:
            self.engine.hangup_call(call, Cause.NORMAL_CLEARING, by="system")

    def _finished(self, call: "Call", ctx: CallContext, record) -> None:
        self.p.flows.contexts.pop(call.id, None)
        tenant = ctx.tenant
        for name in ctx.files:
            tenant.files_in_calls[name] -= 1
            if tenant.files_in_calls[name] <= 0:
                del tenant.files_in_calls[name]
        if ctx.tracker is not None and not ctx.tracker.finished:
            side = 1 if ctx.tracker.states[1] else 0
            status = ctx.tracker.failed(side, int(record.cause or Cause.NORMAL_CLEARING))
            if status is not None:
                self.p.notifier.send_status(call, ctx, status)
        tenant.add_call(cdr_row(ctx, record, self.p.backend.sys_id))
