"""Calls, legs and the record a finished call leaves."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from .causes import Cause
from .clock import TimerHandle

if TYPE_CHECKING:
    from .behaviour import PartyBehaviour


class LegState(str, Enum):
    DIALING = "dialing"
    ALERTING = "alerting"
    ACTIVE = "active"
    HELD = "held"
    DETACHED = "detached"  # left the call by a transfer
    RELEASED = "released"  # ended after it had been answered, or cancelled
    FAILED = "failed"  # never answered: busy, no answer, unavailable, rejected ...

    @property
    def ended(self) -> bool:
        return self is _DETACHED or self is _RELEASED or self is _FAILED


# identity checks: an Enum's __hash__ and property lookups are Python calls, and a call asks
# whether its legs have ended a dozen times in its life
_DETACHED, _RELEASED, _FAILED = LegState.DETACHED, LegState.RELEASED, LegState.FAILED
_ACTIVE, _HELD = LegState.ACTIVE, LegState.HELD

#: what a leg's waiter lists and a call's bridges, recording segments and flows are until their
#: first member (most calls never have some of them: a list or set each is one more object to
#: build and for the cyclic collector to scan while the call lives); the engine makes the real
#: one on first use, and a finished call's empty ones go back to these
EMPTY: tuple = ()
NO_TASKS: frozenset = frozenset()


@dataclass(eq=False)
class Leg:
    """One party of a call: its number, behaviour and state."""

    id: str
    call_id: str
    number: str
    caller_id: str | None
    role: str  # "origin" (the party that placed the call) or "dialled"
    behaviour: PartyBehaviour
    created_at: float
    state: LegState = LegState.DIALING
    alerting_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    cause: int | None = None
    ended_by: str | None = None  # "party", "system", "peer", "transfer", "timeout"
    held: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    dtmf_buffer: str = ""
    _timers: list[TimerHandle] = field(default_factory=list, repr=False)
    _answer_waiters: list[asyncio.Future] = field(default=EMPTY, repr=False)  # type: ignore[assignment]
    _dtmf_waiters: list[asyncio.Future] = field(default=EMPTY, repr=False)  # type: ignore[assignment]

    @property
    def ended(self) -> bool:
        state = self.state
        return state is _DETACHED or state is _RELEASED or state is _FAILED

    @property
    def connected(self) -> bool:
        state = self.state
        return state is _ACTIVE or state is _HELD

    def cancel_timers(self) -> None:
        timers = self._timers
        if timers:  # a finished call's legs hold an empty tuple here
            for t in timers:
                if t._clock is not None:  # still queued (a fired or cancelled one has none)
                    t.cancel()
            timers.clear()

    def to_json(self) -> dict:
        return {
            "id": self.id, "number": self.number, "caller_id": self.caller_id, "role": self.role,
            "state": self.state.value, "held": self.held, "cause": self.cause,
            "ended_by": self.ended_by, "created_at": self.created_at,
            "alerting_at": self.alerting_at, "answered_at": self.answered_at,
            "ended_at": self.ended_at, "meta": _jsonable(self.meta),
        }


@dataclass(eq=False)
class Call:
    """A call the engine runs: its legs, which of them talk to each other (bridges), its
    recording and the flows it runs."""

    id: str
    provider: str | None
    tenant: str | None
    direction: str  # "inbound" (from the network to the tenant), "outbound", "internal"
    from_: str
    to: str
    started_at: float
    legs: dict[str, Leg] = field(default_factory=dict)
    bridges: list[set[str]] = EMPTY  # type: ignore[assignment]
    answered_at: float | None = None
    ended_at: float | None = None
    cause: int | None = None
    record: bool = False
    recording_segments: list[list[float | None]] = EMPTY  # type: ignore[assignment]
    recording_id: str | None = None
    script: dict[str, PartyBehaviour] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict] = field(default_factory=list)
    tasks: set[asyncio.Task] = field(default=NO_TASKS, repr=False)  # type: ignore[assignment]  # flows run by engine.spawn

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def state(self) -> str:
        if self.ended:
            return "ended"
        return "active" if self.bridges else "setup"

    def live_legs(self) -> list[Leg]:
        return [leg for leg in self.legs.values()
                if not (leg.state is _DETACHED or leg.state is _RELEASED or leg.state is _FAILED)]

    def has_live_legs(self) -> bool:
        for leg in self.legs.values():
            state = leg.state
            if not (state is _DETACHED or state is _RELEASED or state is _FAILED):
                return True
        return False

    def peers(self, leg: Leg) -> list[Leg]:
        for bridge in self.bridges:
            if leg.id in bridge:
                return [self.legs[i] for i in bridge if i != leg.id]
        return []

    def unbridge(self, *leg_ids: str) -> None:
        """Take legs out of their bridges; a bridge left with one leg is gone."""
        bridges = self.bridges
        if not bridges:
            return
        broken = False
        for bridge in bridges:
            bridge.difference_update(leg_ids)
            if len(bridge) < 2:
                broken = True
        if broken:
            self.bridges = [b for b in bridges if len(b) > 1]

    def public_meta(self) -> dict[str, Any]:
        """``meta`` without the keys providers keep to themselves (``_``-prefixed)."""
        meta = self.meta
        return {k: v for k, v in meta.items() if not k.startswith("_")} if meta else {}

    def to_json(self, timeline: bool = True) -> dict:
        out = {
            "id": self.id, "provider": self.provider, "tenant": self.tenant,
            "direction": self.direction, "from": self.from_, "to": self.to,
            "state": self.state, "started_at": self.started_at,
            "answered_at": self.answered_at, "ended_at": self.ended_at, "cause": self.cause,
            "record": self.record, "recording_id": self.recording_id,
            "legs": [leg.to_json() for leg in self.legs.values()],
            "bridges": [sorted(b) for b in self.bridges], "meta": _jsonable(self.public_meta()),
        }
        if timeline:
            out["timeline"] = self.timeline
        return out

    def failure_cause(self) -> int:
        """The cause a call ends with: normal clearing once answered, else the last dialled
        leg's, else the last leg's."""
        if self.answered_at is not None:
            return Cause.NORMAL_CLEARING
        dialled = [l for l in self.legs.values() if l.role == "dialled" and l.cause is not None]
        if dialled:
            return dialled[-1].cause  # type: ignore[return-value]
        causes = [l.cause for l in self.legs.values() if l.cause is not None]
        return causes[-1] if causes else Cause.NORMAL_CLEARING

    def finished_record(self, now: float) -> "CallRecord":
        """The record the call leaves, ended at ``now``."""
        return CallRecord(
            id=self.id, provider=self.provider, tenant=self.tenant, direction=self.direction,
            from_=self.from_, to=self.to, started_at=self.started_at,
            answered_at=self.answered_at, ended_at=now, cause=self.cause,
            # ._value_: an Enum's .value is a Python-level descriptor
            legs=[LegRecord(l.id, l.number, l.caller_id, l.role, l.state._value_, l.cause,
                            l.ended_by, l.created_at, l.alerting_at, l.answered_at,
                            l.ended_at, l.meta) for l in self.legs.values()],
            recording_id=self.recording_id, meta=self.public_meta(),
        )

    def shed_empties(self) -> None:
        """A finished, kept call's empty lists become the shared EMPTY: its legs take no timers
        or waiters again (every operation checks ``ended`` first), and start_recording and
        bridge refuse an ended call, so fewer lists for the cyclic collector to scan."""
        for leg in self.legs.values():
            if not (leg._timers or leg._answer_waiters or leg._dtmf_waiters):
                leg._timers = leg._answer_waiters = leg._dtmf_waiters = EMPTY  # type: ignore[assignment]
        if not self.bridges:
            self.bridges = EMPTY  # type: ignore[assignment]
        if not self.recording_segments:
            self.recording_segments = EMPTY  # type: ignore[assignment]


@dataclass(slots=True)
class LegRecord:
    """A leg of a finished call, as its CallRecord keeps it."""

    id: str
    number: str
    caller_id: str | None
    role: str
    state: str
    cause: int | None
    ended_by: str | None
    created_at: float
    alerting_at: float | None
    answered_at: float | None
    ended_at: float | None
    meta: dict[str, Any]


@dataclass(slots=True)
class CallRecord:
    """What a finished call leaves; providers turn it into their history/CDR rows."""

    id: str
    provider: str | None
    tenant: str | None
    direction: str
    from_: str
    to: str
    started_at: float
    answered_at: float | None
    ended_at: float
    cause: int | None
    legs: list[LegRecord]
    recording_id: str | None
    meta: dict[str, Any]

    @property
    def duration(self) -> float:
        return self.ended_at - self.started_at

    @property
    def talk_duration(self) -> float:
        return self.ended_at - self.answered_at if self.answered_at is not None else 0.0

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def to_json(self) -> dict:
        return {
            "id": self.id, "provider": self.provider, "tenant": self.tenant,
            "direction": self.direction, "from": self.from_, "to": self.to,
            "started_at": self.started_at, "answered_at": self.answered_at,
            "ended_at": self.ended_at, "cause": self.cause, "recording_id": self.recording_id,
            "duration": self.duration, "talk_duration": self.talk_duration,
            "legs": [{k: getattr(leg, k) for k in LegRecord.__slots__} for leg in self.legs],
            "meta": _jsonable(self.meta),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
