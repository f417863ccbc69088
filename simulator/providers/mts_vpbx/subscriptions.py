"""Subscriptions to an abonent's call events (4.6) and where the events go (4.7)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from . import errors as E
from .errors import VpbxError
from .listing import SUBSCRIPTION_LIFETIME  # the listing's stand-in timers count by it too
from .models import Subscription

if TYPE_CHECKING:
    from .services import ServiceState


@dataclass
class SubscriptionState:
    subscriptionId: str
    abonentId: int
    expiresAt: float
    generation: int = 0



class Subscriptions:
    """Mixin of :class:`~.backend.Enterprise`: its abonents' subscriptions."""

    def _init_subscriptions(self) -> None:
        self.subscriptions: dict[str, SubscriptionState] = {}
        self.sub_by_abonent: dict[int, str] = {}

    def subscribe(self, abonent_id: int, now: float, subscription_id: Optional[str] = None) -> SubscriptionState:
        self.abonent(abonent_id)
        old = self.sub_by_abonent.get(abonent_id)
        if old is not None:
            self.subscriptions.pop(old, None)
        sid = subscription_id or self.backend.next_subscription_id()
        sub = SubscriptionState(subscriptionId=sid, abonentId=abonent_id, expiresAt=now + SUBSCRIPTION_LIFETIME)
        self.subscriptions[sid] = sub
        self.sub_by_abonent[abonent_id] = sid
        self.backend.subscription_owner[sid] = self
        return sub

    def subscription(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        self.abonent(abonent_id)
        if not subscription_id:
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="subscriptionId"))
        sub = self.subscriptions.get(subscription_id)
        if sub is None or sub.abonentId != abonent_id or sub.expiresAt <= now:
            raise VpbxError(404, E.SUBSCRIPTION_NOT_FOUND.format(id=subscription_id))
        return sub

    def renew(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        sub = self.subscription(abonent_id, subscription_id, now)
        sub.expiresAt = now + SUBSCRIPTION_LIFETIME
        sub.generation += 1
        return sub

    def unsubscribe(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        sub = self.subscription(abonent_id, subscription_id, now)
        self._drop_subscription(sub)
        return sub

    def expire(self, subscription_id: str, generation: int, now: float) -> Optional[SubscriptionState]:
        """Called by the expiry timer; returns the subscription when it really expired now."""
        sub = self.subscriptions.get(subscription_id)
        if sub is None or sub.generation != generation or sub.expiresAt > now:
            return None
        self._drop_subscription(sub)
        return sub

    def _drop_subscription(self, sub: SubscriptionState) -> None:
        self.subscriptions.pop(sub.subscriptionId, None)
        if self.sub_by_abonent.get(sub.abonentId) == sub.subscriptionId:
            del self.sub_by_abonent[sub.abonentId]
        self.backend.subscription_owner.pop(sub.subscriptionId, None)

    def is_subscribed(self, abonent_id: int, now: float) -> bool:
        sid = self.sub_by_abonent.get(abonent_id)
        return sid is not None and self.subscriptions[sid].expiresAt > now

    @staticmethod
    def subscription_view(sub: SubscriptionState, now: float) -> Subscription:
        return Subscription(expires=max(0, int(round(sub.expiresAt - now))), subscriptionId=sub.subscriptionId)

    def event_targets(self, abonent_id: int, now: float) -> list[ServiceState]:
        """Where an abonent's call events go: API CRM if subscribed, Webhook for every active abonent."""
        out = []
        crm = self.services["apicrm"]
        if crm.active and crm.callbackUrl and self.is_subscribed(abonent_id, now):
            out.append(crm)
        hook = self.services["webhook"]
        st = self.abonents.get(abonent_id)
        if hook.active and hook.callbackUrl and st is not None and st.cfg.active:
            out.append(hook)
        return out
