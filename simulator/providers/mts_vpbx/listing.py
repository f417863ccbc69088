"""What the registry knows of this provider without importing it (see ../registry.py)."""
from __future__ import annotations

from typing import Any

from ..registry import Listing


def arms_timers(raw: Any) -> bool:
    """A section with subscriptions (their expiry) or an active API CRM / Webhook mechanism (its
    CHECK_ALIVE probes) has timers armed at reset, which the clock shows and fires unasked: the
    portal is built at start then. Anything not shaped as expected counts as yes."""
    if raw is None:
        return False
    try:
        for ent in (raw.get("enterprises") or {}).values():
            if ent.get("subscriptions"):
                return True
            for kind in ("apicrm", "webhook"):
                svc = ent.get(kind) or {}
                if svc.get("active") and svc.get("callbackUrl"):
                    return True
    except AttributeError:
        return True
    return False


#: a subscription lives an hour from its creation or renewal (4.6); a reset creates the world's anew
SUBSCRIPTION_LIFETIME = 3600.0


def reset_timers(raw: Any) -> list[float] | None:
    """The timers the portal's reset arms, in seconds from the reset: an expiry per subscribed
    abonent of each enterprise (one subscription an abonent: a later one replaces an earlier) and
    a CHECK_ALIVE probe at once per active mechanism with a URL. None unless every value it reads
    has exactly the type the document gives (anything else builds the portal at start, as before)."""
    if raw is None:
        return []
    timers: list[float] = []
    enterprises = raw.get("enterprises") if isinstance(raw, dict) else None
    if not isinstance(enterprises, dict | None):
        return None
    for ent in (enterprises or {}).values():
        if not isinstance(ent, dict):
            return None
        subscriptions = ent.get("subscriptions") or {}
        if not isinstance(subscriptions, dict):
            return None
        abonents = set()
        for sub in subscriptions.values():
            abonent = sub.get("abonentId") if isinstance(sub, dict) else None
            if type(abonent) is not int:
                return None
            abonents.add(abonent)
        timers += [SUBSCRIPTION_LIFETIME] * len(abonents)
        for kind in ("apicrm", "webhook"):
            svc = ent.get(kind)
            if svc is None:
                continue
            if not isinstance(svc, dict) or not isinstance(svc.get("active", False), bool) \
                    or not isinstance(svc.get("callbackUrl"), str | None):
                return None
            if svc.get("active") and svc.get("callbackUrl"):
                timers.append(0.0)
    return timers


LISTING = Listing(
    slug="mts-vpbx",
    title="MTS virtual PBX API CRM",
    hosts=("vpbx.mts.ru",),
    provider=f"{__package__}.provider:MtsVpbx",
    section=f"{__package__}.world:MtsVpbxWorld",
    build_at_start=arms_timers,
    reset_timers=reset_timers,
)
