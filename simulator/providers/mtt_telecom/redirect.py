"""Redirecting an inbound call as call control and premedia ask: a prompt to the caller (A)
before or after answer, then the redirect numbers one at a time, one after another or all
at once, a prompt to the side that answers (B) before the two are connected, and DTMF
digits dialled towards B after answer (``w`` waits 0.5 s, ``W`` 1 s).

The caller of the call hears the prompts; prompt time does not count toward a number's
TIMEOUT (the document: "длительность промтов ... не входит во время таймаута")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Optional, Protocol

from ...engine import Cause
from ...numbers import digits
from ...world import rng_for
from . import ringing

if TYPE_CHECKING:
    from ...engine.calls import Call, Leg
    from .world import PremediaPrompt

Mode = Literal["single", "sequential", "parallel", "random"]
PAUSES = {"w": 0.5, "W": 1.0}


@dataclass
class Target:
    number: str
    timeout: float = 15.0
    dtmf: Optional[str] = None


class Listener(Protocol):
    """What call control reports as events (premedia has none)."""

    def premedia(self, phase: Literal["sp", "ep"], side: Literal["A", "B"], number: str) -> None: ...
    def originate(self, number: str) -> None: ...
    def answered(self, number: str) -> None: ...
    def talk(self, number: str) -> None: ...


class Silent:
    def premedia(self, phase, side, number) -> None:
        pass

    def originate(self, number) -> None:
        pass

    def answered(self, number) -> None:
        pass

    def talk(self, number) -> None:
        pass


async def play_prompt(provider, leg: "Leg", prompt: "PremediaPrompt", side: str, number: str,
                      listener: Listener) -> bool:
    listener.premedia("sp", side, number)
    name = None if prompt.prompt_type == "text" else "prompt"
    ok = await provider.sim.engine.play(leg, name, text=prompt.text, duration=prompt.seconds)
    if ok:
        listener.premedia("ep", side, number)
    return ok


async def redirect(provider, call: "Call", origin: "Leg", targets: list[Target], mode: Mode, *,
                   prompt_a: "PremediaPrompt | None" = None, prompt_b: "PremediaPrompt | None" = None,
                   after_answer: bool = False, caller_id: Optional[str] = None, tenant_id: str = "",
                   listener: Listener | None = None, reject_cause: int = Cause.CALL_REJECTED) -> Optional["Leg"]:
    """Route ``origin`` to the first target that answers; None when nobody did (the origin is
    then released with the last failure's cause, or ``reject_cause`` when there was nobody to call)."""
    engine = provider.sim.engine
    listener = listener or Silent()
    if prompt_a is not None:
        if after_answer:
            engine.answer(origin)
        if not await play_prompt(provider, origin, prompt_a, "A", origin.number, listener):
            return None
    blocked = _blocked(provider, tenant_id)
    # a destination on the Global Black List is never dialled
    targets = [t for t in targets if digits(t.number) not in blocked]
    if not targets:
        engine.hangup(origin, reject_cause, by="system")
        return None
    rings = [ringing.Target(t.number, t.timeout, caller_id, {"redirect_number": t.number, "dtmf": t.dtmf})
             for t in targets]
    if mode == "parallel":
        for t in rings:
            listener.originate(t.number)
        outcome = await ringing.all_at_once(provider, call, rings, alive=origin)
    else:
        order = rings[:1] if mode == "single" else rings
        if mode == "random":
            rng_for(getattr(provider.sim.world, "seed", 0), call.id, "premedia-random").shuffle(order)
        outcome = ringing.Outcome(None)
        for t in order:
            if origin.ended:
                break
            listener.originate(t.number)
            step = await ringing.one_by_one(provider, call, [t], alive=origin)
            outcome.tried += step.tried
            outcome.leg, outcome.last_cause = step.leg, step.last_cause
            if step.leg is not None:
                break
    answered, last_cause = outcome.leg, outcome.last_cause
    if origin.ended:
        return None
    if answered is None:
        engine.hangup(origin, last_cause, by="system")
        return None
    listener.answered(answered.number)
    if prompt_b is not None:
        if not await play_prompt(provider, answered, prompt_b, "B", answered.number, listener):
            return None
    if origin.ended or answered.ended:
        return None
    engine.bridge(origin, answered)
    listener.talk(answered.number)
    dtmf = answered.meta.get("dtmf")
    if dtmf:
        await send_dtmf(provider, answered, dtmf)
    return answered


async def send_dtmf(provider, leg: "Leg", dtmf: str) -> None:
    """Dial ``dtmf`` towards the answered side: digits with ``w``/``W`` pauses."""
    for ch in dtmf:
        if leg.ended:
            return
        if ch in PAUSES:
            await provider.sim.clock.sleep(PAUSES[ch])
        else:
            provider.sim.engine.press_dtmf(leg, ch)


def _blocked(provider, tenant_id: str) -> set[str]:
    from .gbl import rules_of
    return rules_of(provider, tenant_id)


def extension_of(dtmf: Optional[str]) -> str:
    """The digits a DTMF string dials, without pauses."""
    return "".join(ch for ch in (dtmf or "") if ch not in PAUSES)
