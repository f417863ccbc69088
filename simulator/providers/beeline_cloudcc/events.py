"""Engine events of the provider's calls turned into callStatus requests (2.3), and the end of a
call: files in use released, the last status sent, the statistics row written."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from simulator.engine import Cause, Event, EventHandlers, EventType, on

from .cdr import cdr_row

if TYPE_CHECKING:
    from simulator.engine.calls import Call

    from .flows import CallContext
    from .provider import BeelineCloudccProvider


class EngineAdapter(EventHandlers):
    def __init__(self, provider: "BeelineCloudccProvider") -> None:
        self.p = provider

    def _ours(self, event: Event) -> Optional[tuple["Call", "CallContext"]]:
        ctx = self.p.flows.contexts.get(event.call_id)
        if ctx is None:
            return None
        try:
            return self.p.sim.engine.get(event.call_id), ctx
        except KeyError:
            return None

    def _side(self, event: Event) -> Optional[tuple["Call", "CallContext", int]]:
        """The call, its context and the side (0, 1) of the event's leg; None when not a side's event."""
        found = self._ours(event)
        if found is None:
            return None
        call, ctx = found
        leg = call.legs.get(event.leg_id) if event.leg_id else None
        side = leg.meta.get("side") if leg is not None else None
        return (call, ctx, side) if side is not None else None

    @on(EventType.CALL_BRIDGED)
    def _bridged(self, event: Event) -> None:
        found = self._ours(event)
        if found is not None and found[1].tracker is not None:
            found[1].tracker.bridged()

    @on(EventType.LEG_DIALING)
    def _dialing(self, event: Event) -> None:
        found = self._side(event)
        if found is not None and found[1].tracker is not None:
            self._send(found[0], found[1], found[1].tracker.calling(found[2]))

    @on(EventType.LEG_ANSWERED)
    def _answered(self, event: Event) -> None:
        found = self._side(event)
        if found is not None and found[1].tracker is not None:
            self._send(found[0], found[1], found[1].tracker.connected(found[2]))

    @on(EventType.LEG_FAILED, EventType.LEG_RELEASED)
    def _leg_ended(self, event: Event) -> None:
        found = self._side(event)
        if found is None:
            return
        call, ctx, side = found
        tracker = ctx.tracker
        if tracker is not None:
            if event.type == EventType.LEG_RELEASED and tracker.in_conversation:
                self._send(call, ctx, tracker.ended(side))
            else:
                self._send(call, ctx, tracker.failed(side, int(event.data.get("cause") or Cause.NORMAL_CLEARING)))
        if not call.bridges and not ctx.cleanup_scheduled:
            # one side is gone before the two were joined: the whole call ends
            ctx.cleanup_scheduled = True
            self.p.sim.clock.call_later(0, self._hangup_rest, call.id)

    def _send(self, call: "Call", ctx: "CallContext", status) -> None:
        if status is not None:
            self.p.notifier.send_status(call, ctx, status)

    def _hangup_rest(self, call_id: str) -> None:
        call = self.p.sim.engine.calls.get(call_id)
        if call is not None:
            self.p.sim.engine.hangup_call(call, Cause.NORMAL_CLEARING, by="system")

    @on(EventType.CALL_FINISHED)
    def _finished(self, event: Event) -> None:
        """Files in use released, the last status sent, the statistics row written; the call's
        context is dropped by the core after this."""
        found = self._ours(event)
        if found is None:
            return
        call, ctx = found
        record = event.data["record"]
        tenant = ctx.tenant
        for name in ctx.files:
            tenant.files_in_calls[name] -= 1
            if tenant.files_in_calls[name] <= 0:
                del tenant.files_in_calls[name]
        if ctx.tracker is not None and not ctx.tracker.finished:
            side = 1 if ctx.tracker.states[1] else 0
            self._send(call, ctx, ctx.tracker.failed(side, int(record.cause or Cause.NORMAL_CLEARING)))
        tenant.add_call(cdr_row(ctx, record, self.p.backend.sys_id))
