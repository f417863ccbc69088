"""Sends callNotifications (§10.1) and vpbxNotifications (§9.4, §9.5) to every enabled
integration of the customer, through the core's delivery (journaled, retried)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from simulator.delivery import Callback, RetryPolicy

from .calls import BizCall, BizLeg
from .directory import Pbx
from .parties import finished_form
from .timefmt import start_time

if TYPE_CHECKING:
    from .provider import MttBusinessProvider

CALL = "callNotifications"
VPBX = "vpbxNotifications"

#: Q.850 cause of a call the ВАТС gave up on -> (reasonCode: the SIP status, reason: its phrase)
SIP_REASONS = {17: (486, "Busy Here"), 18: (408, "Request Timeout"), 19: (480, "Temporarily Unavailable"),
               20: (480, "Temporarily Unavailable"), 21: (603, "Decline"), 1: (404, "Not Found"),
               27: (502, "Bad Gateway"), 34: (503, "Service Unavailable"), 41: (503, "Service Unavailable"),
               102: (408, "Request Timeout"), 31: (480, "Temporarily Unavailable")}
ANSWER_LEG = "Answer leg disconnected"        # the MTT Business user hung up (§10.1.7)
ORIGINATE_LEG = "Originate leg disconnected"  # the other side did


@dataclass(frozen=True)
class NotificationRetry(RetryPolicy):
    """wire-facts 3: retried on a non-2xx answer; attempts and pause are world settings."""

    max_attempts: int = 3
    delay: float = 2.0

    def delay_before(self, attempt: int) -> Optional[float]:
        return self.delay if attempt <= self.max_attempts else None


class Notifier:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    def _send(self, pbx: Pbx, kind: str, body: dict[str, Any], call_id: Optional[str], times: int = 1) -> None:
        s = self.p.directory.settings
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        policy = NotificationRetry(s.notification_attempts, s.notification_retry_delay)
        for url in self.p.directory.notification_urls(pbx):
            for _ in range(times):
                self.p.sim.delivery.send(Callback(
                    provider=self.p.slug, url=url, kind=kind, body=data, content_type="application/json",
                    tenant=pbx.centrex_id, call_id=call_id, policy=policy))

    # ---------------------------------------------------------------- calls
    def state(self, bc: BizCall, leg: BizLeg, state: str) -> None:
        """trying / showing / connected / hiding (§10.1.1, §10.1.2, §10.1.4–§10.1.6)."""
        if leg.quiet and state != "trying":
            return
        when = leg.connected_at if state == "connected" and leg.connected_at is not None else leg.started_at
        info = {"call": {"id": leg.id, "tag": leg.tag}, "callee": leg.callee.wire(), "caller": leg.caller.wire(),
                "startTime": start_time(when), "state": state, "transportId": bc.transport_id, "type": bc.type}
        self._send(bc.pbx, CALL, {"event": CALL, "result": {"callInfo": info}}, bc.call.id, 2 if leg.twice else 1)

    def finished(self, bc: BizCall, ended_at: float) -> None:
        """§10.1.7: on the leg that was connected last, else the workplace leg still shown (a
        missed call), else the call's first leg; no startTime."""
        leg = bc.connected or bc.showing or bc.first
        if bc.connected is not None and bc.connected.connected_at is not None:
            duration = int(round(ended_at - min(l.connected_at for l in bc.legs if l.connected_at is not None)))
            reason, code = (ANSWER_LEG if bc.first_end == "mtt" else ORIGINATE_LEG), None
        elif bc.fail_cause is not None and bc.fail_cause in SIP_REASONS:
            duration = 0
            code, reason = SIP_REASONS[bc.fail_cause]
        else:
            duration, code = 0, None
            reason = ANSWER_LEG if bc.first_end == "mtt" else ORIGINATE_LEG
        at_workplace = leg.workplace is not None and bc.type == "incoming"
        callee = finished_form(leg.callee, leg.extension) if at_workplace else leg.callee
        info = {"call": {"id": leg.id, "tag": leg.tag}, "callee": callee.wire(), "caller": leg.caller.wire(),
                "duration": duration, "reason": reason, "reasonCode": code, "state": "finished",
                "transportId": bc.transport_id, "type": bc.type}
        self._send(bc.pbx, CALL, {"event": CALL, "result": {"callInfo": info}}, bc.call.id, 2 if leg.twice else 1)

    def recorded(self, bc: BizCall, url: str) -> None:
        """§10.1.3: its own shape (top-level accountId, call without tag, no parties)."""
        leg = bc.connected or bc.first
        info = {"accountId": bc.record_account, "call": {"id": leg.id}, "state": "recorded", "urlRecord": url}
        self._send(bc.pbx, CALL, {"event": CALL, "result": {"callInfo": info}}, bc.call.id, 2 if leg.twice else 1)

    # ------------------------------------------------------------ structure
    def vpbx(self, pbx: Pbx, event_type: str) -> None:
        """numbersChanged (§9.4) / workplacesChanged (§9.5)."""
        self._send(pbx, VPBX, {"event": VPBX, "result": {"eventType": event_type}}, None)
