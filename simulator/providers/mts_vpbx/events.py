"""Engine events -> abonent call states, 4.7 notifications and 4.5 history records."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ...engine import Cause, EventHandlers, EventType, on
from ...engine.bus import Event as EngineEvent
from .calls import META, AbonentCall, ms
from .models import CallHistoryRecord, Event

if TYPE_CHECKING:
    from .provider import MtsVpbx

CAUSES = {
    1: "UNASSIGNED_NUMBER", 3: "NO_ROUTE_TO_DESTINATION", 16: "NORMAL", 17: "USER_BUSY",
    18: "USER_ALERTED_NO_ANSWER", 19: "USER_ALERTED_NO_ANSWER", 20: "USER_NOT_AVAILABLE", 21: "CALL_REJECTED",
    27: "DESTINATION_OUT_OF_ORDER", 31: "NETWORK_DISCONNECT", 34: "TEMPORARY_FAILURE", 41: "TEMPORARY_FAILURE",
    102: "USER_ALERTED_NO_ANSWER", 111: "PROTOCOL_ERROR",
}


def termination_cause(cause: Optional[int]) -> str:
    return CAUSES.get(int(cause), "NORMAL") if cause is not None else "NORMAL"


class EngineAdapter(EventHandlers):
    def __init__(self, provider: "MtsVpbx"):
        self.p = provider

    # ------------------------------------------------------------------ helpers
    def _ent(self, ac: AbonentCall):
        return self.p.backend_ent(ac.enterprise_id)

    def announce(self, ac: AbonentCall, event_type: str) -> None:
        ent = self._ent(ac)
        if ent is None:
            return
        ac.announced = True
        self.p.notifier.call_event(ent, ac.userId, Event(eventType=event_type, abonentId=ac.userId,
                                                         payload=ac.payload()), ac.engine_call_id)

    # ------------------------------------------------------------------ bus
    def _ac(self, ev: EngineEvent) -> Optional[AbonentCall]:
        return self.p.registry.by_leg.get(ev.leg_id) if ev.leg_id else None

    @on(EventType.LEG_ALERTING)
    def _on_leg_alerting(self, ev: EngineEvent) -> None:
        ac = self._ac(ev)
        if ac is None or ac.announced:
            return
        ac.state = "Alerting"
        self.announce(ac, "CALL_RECEIVED" if ac.callDirection == "Terminator" else "CALL_ORIGINATED")

    @on(EventType.CALL_BRIDGED)
    def _on_call_bridged(self, ev: EngineEvent) -> None:
        legs = ev.data.get("legs", [])
        numbers = ev.data.get("numbers", [])
        for i, leg_id in enumerate(legs):
            ac = self.p.registry.by_leg.get(leg_id)
            if ac is None:
                continue
            peer_number = numbers[1 - i] if len(numbers) == 2 else None
            ac.engine_call_id = ev.call_id or ac.engine_call_id  # a consult transfer moves legs between calls
            if ac.answered_announced:
                if peer_number:
                    ac.remote_number = peer_number
                continue
            ac.state = "Active"
            ac.answerTime = ms(ev.time)
            ac.answered_announced = True
            if not ac.announced:
                ac.announced = True
            self.announce(ac, "CALL_ANSWERED")

    @on(EventType.LEG_HELD)
    def _on_leg_held(self, ev: EngineEvent) -> None:
        ac = self._ac(ev)
        if ac is not None:
            ac.state = "Held"
        for peer in ev.data.get("peers", []):
            other = self.p.registry.by_leg.get(peer)
            if other is not None:
                other.state = "Remote Held"

    @on(EventType.LEG_UNHELD)
    def _on_leg_unheld(self, ev: EngineEvent) -> None:
        ac = self._ac(ev)
        if ac is not None:
            ac.state = "Active"
        for peer in ev.data.get("peers", []):
            other = self.p.registry.by_leg.get(peer)
            if other is not None and other.state == "Remote Held":
                other.state = "Active"

    @on(EventType.LEG_DETACHED)
    def _on_leg_detached(self, ev: EngineEvent) -> None:
        self._leg_end(ev, "Detached")

    @on(EventType.LEG_RELEASED)
    def _on_leg_released(self, ev: EngineEvent) -> None:
        self._leg_end(ev, "Released")

    @on(EventType.LEG_FAILED)
    def _on_leg_failed(self, ev: EngineEvent) -> None:
        self._leg_end(ev, "Released")

    def _leg_end(self, ev: EngineEvent, state: str) -> None:
        ac = self._ac(ev)
        if ac is None:
            return
        ac.state = state
        ac.endTime = ms(ev.time)
        if ac.announced:
            self.announce(ac, "CALL_RELEASED")
        self.p.registry.forget(ac)
        self._history_for(ac, ev)

    @on(EventType.CALL_FINISHED)
    def _on_call_finished(self, ev: EngineEvent) -> None:
        record = ev.data.get("record")
        if record is None:
            return
        data = record.meta.get(META) or {}
        ent = self.p.backend_ent(data.get("enterprise"))
        if ent is None:
            return
        ext = data.get("ext")
        if record.recording_id and ext:
            rec = self.p.sim.engine.recordings.get(record.recording_id)
            if rec is not None:
                ent.recordings[ext] = rec.duration
        for seg in data.get("segments", []):
            answered = seg.get("answered")
            end = record.ended_at
            ent.record_call(CallHistoryRecord(
                enterpriseBwksId=ent.cfg.bwksId, groupBwksId=self._service_group(ent), departmentBwksId="",
                userId=seg["userId"], callTime=_sec_ms(seg["start"]), callingNumber=seg["calling"],
                calledNumber=seg["called"], duration=int(round(end - answered)) if answered is not None else 0,
                direction="TERMINATING", status="PLACED" if answered is not None else "MISSED",
                answerDuration=int(round(answered - seg["start"])) if answered is not None else 0,
                terminationCause="NORMAL", redirectingNumber=seg.get("redirectingNumber") or "",
                redirectingReason=seg.get("redirectingReason"), callGroupId=str(seg["callGroupId"]),
                recordAbonentId=None, abonentName=None, timeZone=ent.cfg.timeZone,
                extTrackingId=f"{ext}callhalf-{seg['callhalf']}:0"), order=seg["callhalf"])

    @staticmethod
    def _service_group(ent) -> str:
        return next(iter(ent.group_bwks.values()), f"{ent.cfg.bwksId}G1")

    def _history_for(self, ac: AbonentCall, ev: EngineEvent) -> None:
        ent = self._ent(ac)
        if ent is None or ac.userId not in ent.abonents:
            return
        ab = ent.abonents[ac.userId]
        cause = ev.data.get("cause")
        answered = ac.answerTime is not None
        start = ac.startTime or 0
        end = ac.endTime or start
        terminating = ac.callDirection == "Terminator"
        if answered:
            status, tc = "PLACED", "NORMAL"
        else:
            status = "MISSED" if terminating else "PLACED"
            tc = termination_cause(cause if cause is not None else Cause.NORMAL_CLEARING)
        ent.record_call(CallHistoryRecord(
            enterpriseBwksId=ent.cfg.bwksId, groupBwksId=ab.groupBwksId, departmentBwksId="",
            userId=ab.bwksUserId, callTime=(start // 1000) * 1000, callingNumber=ac.calling, calledNumber=ac.called,
            duration=int(round((end - ac.answerTime) / 1000)) if answered else 0,
            direction="TERMINATING" if terminating else "ORIGINATING", status=status,
            answerDuration=int(round((ac.answerTime - start) / 1000)) if answered else 0,
            terminationCause=tc, redirectingNumber=ac.redirectingNumber or "",
            redirectingReason=ac.redirectingReason, callGroupId=str(ac.callGroupId or ac.callhalf),
            recordAbonentId=ac.extra.get("recordAbonentId"), abonentName=ac.extra.get("abonentName"),
            timeZone=ent.cfg.timeZone, extTrackingId=f"{ac.extTrackingId}{ac.callId}"), order=ac.callhalf)


def _sec_ms(epoch: float) -> int:
    return int(epoch) * 1000
