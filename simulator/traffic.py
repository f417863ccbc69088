"""The ``traffic:`` step of a scenario: a span of simulated time (a day by default) of calls drawn
from a seeded distribution, and the REST requests an application makes at intervals, played
on the manual clock in time order. The same seed gives the same day: the same calls at the
same instants with the same numbers and outcomes.

    - traffic:
        seed: 13
        duration: 86400                 # simulated seconds (a day)
        calls: 1200
        profile: [1, 1, 1, 1, 1, 1, 2, 5, 10, 14, 15, 14, 9, 12, 15, 14, 11, 7, 4, 3, 2, 2, 1, 1]
        mix:
          - {weight: 50, provider: mts-vpbx, from: "+7916#######", to: "+79160001735",
             outcomes: {answered: 70, no_answer: 20, busy: 10}, ring: [2, 15], talk: 150}
          - {weight: 20, provider: mts-vpbx, direction: outbound, from: "+79160001234",
             to: "+7495#######"}
          - {weight: 10, provider: mts-vpbx, from: "+7903#######", to: "+79165817777",
             outcomes: null, caller: {dtmf: [{at: 15, digits: "2"}]}}
        requests:
          - every: 900
            between: [8, 20]            # hours of the span
            request: {provider: mts-vpbx, method: GET, path: /api/abonents,
                      headers: {X-AUTH-TOKEN: ...}, expect: {status: 200}}

``profile`` weighs equal slices of the span (24 numbers: the hours of a day); a call falls in
a slice by its weight and at a uniform instant inside it. ``#`` in ``from``/``to`` is a random
digit. ``outcomes`` weigh what the party at ``party`` (default: ``to``) does: answers after
a ring drawn from ``ring`` (uniform, seconds) and talks an exponential ``talk`` (mean seconds,
5 s to an hour), rings ``no_answer_after`` seconds unanswered, or is busy; ``outcomes: null``
leaves the behaviour to ``caller``, ``script`` and the world. After the span the clock runs up
to ``drain`` seconds more until the step's calls have ended.

Fire-and-forget callbacks do not hold the replay: the clock moves on to the next instant while
earlier ones are still on their way, as a real provider's day does not wait for the
application's answers (each call's callbacks still reach a target in the order sent). At most
``callbacks_in_flight`` of them are outstanding (default: 8 × the world's
``callbacks.connections``): at the bound, the replay waits until one is done. Routing questions
and the engine's own work are waited for at every instant, and the step ends with every
callback delivered or given up. ``wait_for_callbacks: true`` waits for every callback before
the next instant instead (what ``advance`` does).
"""
from __future__ import annotations

import random
import time
from contextlib import nullcontext
from typing import Any, Awaitable, Callable

import math

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from .engine.behaviour import PartyBehaviour
from .providers.base import CallRequest

OUTCOMES = ("answered", "no_answer", "busy")
MAX_TALK = 3600.0
MIN_TALK = 5.0
MAX_REQUESTS = 100_000
#: callbacks outstanding during a replay by default, per callback connection of the world
IN_FLIGHT_PER_CONNECTION = 8


class Outcomes(BaseModel):
    """Relative weights of what the called party does."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    answered: float = Field(70, ge=0)
    no_answer: float = Field(20, ge=0)
    busy: float = Field(10, ge=0)

    @property
    def weights(self) -> tuple[float, float, float]:
        return self.answered, self.no_answer, self.busy


class CallMix(BaseModel):
    """One kind of call of the span, drawn with ``weight``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    weight: float = Field(1, gt=0)
    provider: str
    direction: str = Field("inbound", pattern="^(inbound|outbound|internal)$")
    tenant: str | None = None
    from_: str = Field(alias="from", min_length=1, description="'#' is a random digit")
    to: str = Field(min_length=1, description="'#' is a random digit")
    party: str | None = Field(None, description="the number the outcome applies to (default: to)")
    outcomes: Outcomes | None = Field(default_factory=Outcomes)
    ring: tuple[float, float] = Field((3.0, 20.0), description="seconds before an answer, uniform")
    talk: float = Field(120, gt=0, description="mean seconds of talk (exponential)")
    no_answer_after: float = Field(30, gt=0)
    caller: PartyBehaviour | None = None
    script: dict[str, PartyBehaviour] = Field(default_factory=dict)
    record: StrictBool = False
    allow_unknown: StrictBool = False

    @field_validator("ring")
    @classmethod
    def _ring_order(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 <= value[0] <= value[1]:
            raise ValueError("ring is [shortest, longest] seconds, 0 <= shortest <= longest")
        return value


class Every(BaseModel):
    """A request repeated every ``every`` simulated seconds (inside ``between`` hours)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    every: float = Field(gt=0)
    between: tuple[float, float] | None = Field(None, description="hours of the span, [from, until)")
    request: dict[str, Any]

    @field_validator("request")
    @classmethod
    def _has_path(cls, value: dict) -> dict:
        if not isinstance(value.get("path"), str):
            raise ValueError("a request needs a path")
        return value

    @field_validator("between")
    @classmethod
    def _hours_order(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        if value is not None and not 0 <= value[0] < value[1]:
            raise ValueError("between is [from, until) hours, 0 <= from < until")
        return value

    def window(self, duration: float) -> tuple[float, float]:
        lo, hi = (self.between[0] * 3600, self.between[1] * 3600) if self.between else (0.0, duration)
        return lo, min(hi, duration)


class Traffic(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    seed: int = 0
    duration: float = Field(86400, gt=0, le=31 * 86400)
    calls: int = Field(ge=0, le=1_000_000)
    profile: list[float] = Field(default_factory=lambda: [1.0], min_length=1, max_length=10_000)
    mix: list[CallMix] = Field(min_length=1)
    requests: list[Every] = Field(default_factory=list)
    drain: float = Field(7200, ge=0)
    wait_for_callbacks: StrictBool = False
    callbacks_in_flight: int | None = Field(None, ge=1, le=100_000, description=(
        "fire-and-forget callbacks outstanding at most while the replay moves on "
        f"(default {IN_FLIGHT_PER_CONNECTION} x callbacks.connections)"))

    @field_validator("profile")
    @classmethod
    def _some_weight(cls, value: list[float]) -> list[float]:
        if any(w < 0 for w in value) or not sum(value) > 0:
            raise ValueError("profile weights are >= 0 and not all 0")
        return value

    @model_validator(mode="after")
    def _bounded_requests(self) -> "Traffic":
        n = sum(max(0, math.ceil((hi - lo) / e.every)) for e in self.requests
                for lo, hi in [e.window(self.duration)])
        if n > MAX_REQUESTS:
            raise ValueError(f"the requests would be {n} in the span; at most {MAX_REQUESTS:,}")
        return self

    def request_times(self) -> list[tuple[float, int]]:
        """(offset in the span, index into ``requests``) in time order."""
        out = []
        for k, e in enumerate(self.requests):
            lo, hi = e.window(self.duration)
            out += [(lo + n * e.every, k) for n in range(max(0, math.ceil((hi - lo) / e.every)))]
        return sorted(out)


def _digits(pattern: str, rng: random.Random) -> str:
    if "#" not in pattern:
        return pattern
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def plan(spec: Traffic) -> list[tuple[float, CallRequest, str]]:
    """The span's calls in time order: (offset, request, planned outcome or "scripted")."""
    rng = random.Random(spec.seed)
    width = spec.duration / len(spec.profile)
    slices = rng.choices(range(len(spec.profile)), weights=spec.profile, k=spec.calls)
    times = sorted((s + rng.random()) * width for s in slices)
    kinds = rng.choices(spec.mix, weights=[m.weight for m in spec.mix], k=spec.calls)
    out = []
    for t, m in zip(times, kinds):
        data: dict[str, Any] = {"provider": m.provider, "direction": m.direction, "tenant": m.tenant,
                                "from": _digits(m.from_, rng), "to": _digits(m.to, rng),
                                "record": m.record, "allow_unknown": m.allow_unknown,
                                "caller": m.caller, "script": dict(m.script)}
        outcome = "scripted"
        if m.outcomes is not None:
            outcome = rng.choices(OUTCOMES, weights=m.outcomes.weights)[0]
            if outcome == "answered":
                talk = min(MAX_TALK, max(MIN_TALK, round(rng.expovariate(1 / m.talk))))
                behaviour = PartyBehaviour(answer_after=round(rng.uniform(*m.ring), 1),
                                           hangup_after=float(talk))
            elif outcome == "no_answer":
                behaviour = PartyBehaviour(no_answer=m.no_answer_after)
            else:
                behaviour = PartyBehaviour(busy=True)
            data["script"][m.party or data["to"]] = behaviour
        out.append((t, CallRequest.model_validate(data), outcome))
    return out


async def run_traffic(spec: Traffic, sim, request: Callable[[dict], Awaitable[tuple[bool, str]]]) -> dict:
    """Play the span; ``request(arg)`` makes one request as a ``request:`` step does and says
    whether its expectations were met. Returns the step's figures (``ok`` among them)."""
    t0 = time.perf_counter()
    sent0 = sim.delivery.sent
    with _overlap(spec, sim):
        out = await _play(spec, sim, request)
    await sim.clock.settle()  # every callback delivered or given up before the figures
    out["callbacks_sent"] = sim.delivery.sent - sent0
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    return out


def _overlap(spec: Traffic, sim):
    """Fire-and-forget callbacks overlap the replay's instants, up to the step's bound."""
    if spec.wait_for_callbacks:
        return nullcontext()
    delivery = sim.delivery
    bound = spec.callbacks_in_flight or IN_FLIGHT_PER_CONNECTION * max(1, delivery.connections())
    return sim.clock.overlapping(lambda: delivery.outstanding() >= bound)


async def _play(spec: Traffic, sim, request: Callable[[dict], Awaitable[tuple[bool, str]]]) -> dict:
    calls = plan(spec)
    ask_at = spec.request_times()
    placed: list[str] = []
    outcomes = dict.fromkeys((*OUTCOMES, "scripted"), 0)
    failures: list[str] = []
    now = 0.0
    i = j = 0
    while i < len(calls) or j < len(ask_at):
        # requests go first at an instant they share with a call
        if j < len(ask_at) and (i >= len(calls) or ask_at[j][0] <= calls[i][0]):
            at, k = ask_at[j]
            j += 1
        else:
            at, k = calls[i][0], -1
        if at > now:
            await sim.clock.advance(at - now)
            now = at
        if k >= 0:
            ok, detail = await request(spec.requests[k].request)
            if not ok:
                failures.append(f"at {now:.0f} s: {detail}")
            continue
        _, req, outcome = calls[i]
        i += 1
        placed.append((await sim.start_call(req)).id)
        outcomes[outcome] += 1
    if spec.duration > now:
        await sim.clock.advance(spec.duration - now)
    drained = 0.0
    live = sum(1 for cid in placed if cid in sim.engine.calls)
    while live and drained < spec.drain:
        step = min(60.0, spec.drain - drained)
        await sim.clock.advance(step)
        drained += step
        live = sum(1 for cid in placed if cid in sim.engine.calls)
    return {"ok": not failures and not live, "calls": len(placed), "outcomes": outcomes,
            "still_live": live, "requests": len(ask_at), "request_failures": len(failures),
            "failures": failures[:10], "callbacks_sent": None,  # run_traffic's, once settled
            "simulated_s": spec.duration + drained}
