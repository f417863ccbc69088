"""The engine's events for Open API calls: who hung up first (the finished reason, §10.1.7),
the outside party ringing on an outgoing call (showing, §10.1.4), the end of the call
(finished) and its record (recorded, §10.1.3)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine.bus import Event

if TYPE_CHECKING:
    from .provider import MttBusinessProvider


class EngineAdapter:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    def _busy(self, event: Event, delta: int) -> None:
        """Count the conversations a terminal is in (settings.busy_in_call)."""
        call = self.p.sim.engine.calls.get(event.call_id) or self.p.sim.engine.finished.get(event.call_id)
        leg = call.legs.get(event.leg_id or "") if call is not None else None
        tid = leg.meta.get("terminal") if leg is not None else None
        if tid is None or (delta < 0 and leg.answered_at is None):
            return
        in_call = self.p.registry.in_call
        in_call[tid] = in_call.get(tid, 0) + delta
        if in_call[tid] <= 0:
            del in_call[tid]

    def on_event(self, event: Event) -> None:
        bc = self.p.registry.calls.get(event.call_id)
        if bc is None:
            return
        kind = event.type
        if kind == "leg.answered":
            self._busy(event, +1)
        elif kind in ("leg.released", "leg.detached"):
            self._busy(event, -1)
        if kind in ("leg.released", "leg.failed"):
            if bc.first_end is None and event.data.get("by") == "party":
                bc.first_end = "mtt" if event.leg_id in bc.mtt_side else "other"
        elif kind == "leg.alerting":
            leg = self.p.registry.by_engine_leg.get(event.leg_id or "")
            # an outgoing call shows on the workplace while the outside party rings
            if leg is bc.first and bc.type == "outgoing" and event.leg_id not in bc.mtt_side:
                self.p.notifier.state(bc, leg, "showing")
        elif kind == "call.finished":
            record = event.data["record"]
            if bc.connected is None and bc.fail_cause is None and bc.first_end is None:
                # every leg failed on its own (no answer, busy ...): the call ended with its cause
                failed = [leg.cause for leg in record.legs if leg.state == "failed" and leg.cause not in (None, 16)]
                bc.fail_cause = failed[-1] if failed else None
            self.p.notifier.finished(bc, record.ended_at)
            call = bc.call
            if call.recording_id is not None and bc.record_account is not None:
                rec = self.p.sim.engine.recordings.get(call.recording_id)
                leg = bc.connected or bc.first
                made = self.p.records.add_call(bc.pbx.centrex_id, call.started_at,
                                               rec.duration if rec is not None else 1.0,
                                               bc.record_account, leg.id, call.recording_id)
                self.p.sim.clock.call_later(self.p.directory.settings.record_ready_after,
                                            self.p.notifier.recorded, bc, self.p.records.url(made))
            self.p.registry.forget(bc)
