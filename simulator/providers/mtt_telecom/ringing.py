"""Ringing a list of numbers for a call: one after another or all at once, each with its
own timeout and caller id; the people behind the numbers behave as the call's script, the
tenant's employees or the world's parties say."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Sequence

from ...engine import Cause

if TYPE_CHECKING:
    from ...engine.calls import Call, Leg
    from .provider import MttTelecomProvider


@dataclass
class Target:
    number: str
    timeout: float
    caller_id: Optional[str] = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    leg: Optional["Leg"]            # the leg that answered, None when nobody did
    last_cause: int = Cause.NO_ANSWER
    tried: list["Leg"] = field(default_factory=list)


def behaviour(p: "MttTelecomProvider", call: "Call", number: str):
    """The party of ``number``: the call's script wins, then the tenant's employee."""
    if number in call.script:
        return None
    tenant = p.state.world.tenants.get(call.tenant or "")
    employee = tenant.employees.get(number.lstrip("+")) if tenant is not None else None
    return employee.party if employee is not None else None


def dial(p: "MttTelecomProvider", call: "Call", target: Target) -> "Leg":
    """Ring one target; a destination on the tenant's Global Black List is refused by the
    platform at once (cause 21, as part 2's flows do), so the flow goes on to the next one."""
    from . import gbl

    leg = p.sim.engine.dial(call, target.number, caller_id=target.caller_id,
                            behaviour=behaviour(p, call, target.number), timeout=target.timeout,
                            meta=dict(target.meta))
    if gbl.blocked(p, call.tenant or "", target.number):
        p.sim.engine.hangup(leg, Cause.CALL_REJECTED, by="system")
    return leg


async def one_by_one(p: "MttTelecomProvider", call: "Call", targets: Sequence[Target],
                     alive: "Leg | None" = None) -> Outcome:
    """Ring each target in turn until one answers (stops when ``alive`` ends)."""
    out = Outcome(None)
    for target in targets:
        if alive is not None and alive.ended:
            break
        leg = dial(p, call, target)
        out.tried.append(leg)
        if await p.sim.engine.wait_answer(leg):
            out.leg = leg
            return out
        out.last_cause = leg.cause or Cause.NO_ANSWER
    return out


async def all_at_once(p: "MttTelecomProvider", call: "Call", targets: Sequence[Target],
                      alive: "Leg | None" = None) -> Outcome:
    """Ring every target together; the first to answer wins, the others are released."""
    engine = p.sim.engine
    out = Outcome(None)
    if not targets or (alive is not None and alive.ended):
        return out
    legs = [dial(p, call, t) for t in targets]
    out.tried.extend(legs)
    waits = {asyncio.ensure_future(engine.wait_answer(leg)): leg for leg in legs}
    try:
        pending = set(waits)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            winner = next((waits[f] for f in done if f.result()), None)
            if winner is not None:
                out.leg = winner
                break
    finally:
        for fut in waits:
            fut.cancel()
    for leg in legs:
        if leg is not out.leg and not leg.ended:
            engine.hangup(leg, Cause.NORMAL_CLEARING)
    if out.leg is None:
        out.last_cause = next((leg.cause for leg in reversed(legs) if leg.cause), Cause.NO_ANSWER)
    return out
