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


LISTING = Listing(
    slug="mts-vpbx",
    title="MTS virtual PBX API CRM",
    hosts=("vpbx.mts.ru",),
    provider=f"{__package__}.provider:MtsVpbx",
    section=f"{__package__}.world:MtsVpbxWorld",
    build_at_start=arms_timers,
)
