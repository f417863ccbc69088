"""Outbound notifications: call events (4.7) to API CRM / Webhook URLs with the documented
retries, CHECK_ALIVE checks (4.3), SUBSCRIPTION_TERMINATION at expiry (4.6).

A CHECK_ALIVE check starts at activation (and at start or rebuild for an active mechanism) and
then every ``checkAlivePeriod`` seconds; within a check, attempts are 5 minutes apart until the
first answer that is not an error, after which the address is left alone until the next check."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from ...delivery import ArithmeticThenGeometric, Callback, DeliveryResult, RetryPolicy
from .models import Event
from .services import CHECK_ALIVE_INTERVAL, check_alive_failed

MAX_DELAY_SECONDS = 3600.0  # section 3 gives no cap on the geometric delays; an hour keeps 50 attempts finite

if TYPE_CHECKING:
    from .provider import MtsVpbx
    from .backend import Enterprise, ServiceState, SubscriptionState


def _always() -> bool:
    return True


@dataclass(frozen=True)
class VpbxRetry(ArithmeticThenGeometric):
    """Section 3: 5, 10, 15 ... s up to attempt 10, then geometric (capped at an hour); no more
    attempts once the mechanism is switched off or re-activated."""

    alive: Callable[[], bool] = _always

    def delay_before(self, attempt: int) -> float | None:
        if not self.alive():
            return None
        delay = super().delay_before(attempt)
        return None if delay is None else min(delay, MAX_DELAY_SECONDS)


class Notifier:
    def __init__(self, provider: "MtsVpbx"):
        self.p = provider

    @property
    def sim(self):
        return self.p.sim

    def _callback(self, ent: "Enterprise", svc: "ServiceState", event: Event, *, call_id: Optional[str] = None,
                  policy: RetryPolicy | None = None, on_result=None,
                  still_wanted: Callable[[], bool] | None = None) -> Callback:
        headers = {"X-AUTH-TOKEN": svc.clientApiKey} if svc.clientApiKey else {}
        body = json.dumps(event.model_dump(exclude_none=False, exclude={"payload"} if event.payload is None else None),
                          ensure_ascii=False)
        return Callback(provider=self.p.slug, url=svc.callbackUrl or "", kind=event.eventType,
                        body=body, content_type="application/json", headers=headers,
                        tenant=ent.cfg.bwksId, call_id=call_id, policy=policy or RetryPolicy(),
                        on_result=on_result, still_wanted=still_wanted, meta={"service": svc.kind})

    def _counting(self, ent: "Enterprise", svc: "ServiceState") -> Callable[[DeliveryResult], Any]:
        generation = svc.generation

        def on_result(result: DeliveryResult) -> None:
            if not svc.active or svc.generation != generation:
                return  # queued before a switch-off or re-activation: not this mechanism's count
            if not result.ok and ent.delivery_failed(svc.kind):
                self.sim.journal.add("notice", "service-disabled", self.p.slug, ent.cfg.bwksId,
                                     service=svc.kind, reason=svc.disabledReason)
        return on_result

    def send(self, ent: "Enterprise", svc: "ServiceState", event: Event, call_id: Optional[str] = None) -> None:
        generation = svc.generation
        alive = lambda: svc.active and svc.generation == generation  # noqa: E731
        policy = VpbxRetry(max_attempts=ent.cfg.maxDeliveryAttempts, alive=alive)
        # a message queued before its mechanism was switched off (or re-activated) is not sent
        self.sim.delivery.send(self._callback(ent, svc, event, call_id=call_id, policy=policy,
                                              on_result=self._counting(ent, svc), still_wanted=alive))

    def call_event(self, ent: "Enterprise", abonent_id: int, event: Event, call_id: Optional[str] = None) -> None:
        for svc in ent.event_targets(abonent_id, self.sim.clock.now()):
            self.send(ent, svc, event, call_id)

    # ------------------------------------------------------------------ CHECK_ALIVE
    def arm_check_alive(self, ent: "Enterprise", kind: str, delay: float = 0.0) -> None:
        svc = ent.services[kind]
        if svc.active and svc.callbackUrl:
            self.sim.clock.call_later(delay, self._probe, ent, kind, svc.generation)

    async def _probe(self, ent: "Enterprise", kind: str, generation: int) -> None:
        svc = ent.services[kind]

        def stale() -> bool:   # switched off, re-activated, or the portal was reset meanwhile
            return not svc.active or svc.generation != generation or self.p.backend_ent(ent.id) is not ent

        if stale():
            return
        event = Event(eventType="CHECK_ALIVE", abonentId=0)
        result = await self.sim.delivery.request(self._callback(ent, svc, event))
        if stale():
            return
        failed = check_alive_failed(result.status if result.error is None else None, ent.cfg.checkAliveFailure)
        now = self.sim.clock.now()
        before = len(ent.notices)
        if ent.check_alive_result(kind, failed, now):
            for notice in ent.notices[before:]:
                self.sim.journal.add("notice", f"admin-{notice['kind']}", self.p.slug, ent.cfg.bwksId,
                                     to=notice["to"], service=kind, text=notice["text"])
            return
        self.sim.clock.call_later(self.next_check_alive(ent, kind, self.sim.clock), self._probe, ent, kind, generation)

    @staticmethod
    def next_check_alive(ent: "Enterprise", kind: str, clock=None) -> float:
        """Seconds to the next attempt: 5 minutes within a failing check, else the next check.

        After a check the address passed, the checks an advance jumps over are coalesced into the
        last one before the advance ends: 4.3 leaves a passing address alone until the next check,
        so the skipped ones change nothing, and a 30-day advance costs two checks, not 8,640."""
        if ent.services[kind].checkAliveFailures:
            return CHECK_ALIVE_INTERVAL
        period = float(ent.cfg.checkAlivePeriod)
        target = clock.advance_target if clock is not None else None
        if target is None:
            return period
        span = target - clock.now()
        return max(period, period * (span // period))

    # --------------------------------------------------------------- subscriptions
    def arm_expiry(self, ent: "Enterprise", sub: "SubscriptionState") -> None:
        self.sim.clock.call_at(sub.expiresAt, self._expire, ent, sub.subscriptionId, sub.generation)

    def _expire(self, ent: "Enterprise", subscription_id: str, generation: int) -> None:
        if self.p.backend_ent(ent.id) is not ent:
            return
        sub = ent.expire(subscription_id, generation, self.sim.clock.now())
        if sub is None:
            return
        svc = ent.services["apicrm"]
        if svc.active and svc.callbackUrl:
            self.send(ent, svc, Event(eventType="SUBSCRIPTION_TERMINATION", abonentId=sub.abonentId))
