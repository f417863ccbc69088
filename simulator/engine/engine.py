"""The call engine: places, rings, answers, transfers and hangs up simulated calls.

It knows nothing of providers. Every change is published on the event bus as a generic
:class:`~simulator.engine.bus.Event`; a provider's adapter renders its own callbacks from
them. Provider call flows (IVR, find-me, routing questions) are coroutines started with
:meth:`CallEngine.spawn` that use the operations below and the virtual clock.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from collections import OrderedDict
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Coroutine

from .audio import RecordingStore
from .causes import Cause
from .bus import EventBus
from .bus import EventType as E
from .calls import EMPTY, NO_TASKS, Call, CallRecord, Leg, LegState
from .clock import VirtualClock
from .features import TEXT_SECONDS_PER_CHAR, CallFeatures, _wake  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from .behaviour import PartyBehaviour

log = logging.getLogger("simulator.engine")

BehaviourLookup = Callable[[str], "PartyBehaviour | None"]



class CallNotFound(KeyError):
    pass


class CallEngine(CallFeatures):
    def __init__(self, clock: VirtualClock, bus: EventBus,
                 behaviour_lookup: BehaviourLookup | None = None,
                 keep_finished: int = 2000):
        self.clock = clock
        self._now = clock.now  # bound once: read on every event and leg
        self.bus = bus
        self.behaviour_lookup = behaviour_lookup or (lambda number: None)
        self.recordings = RecordingStore()
        self.keep_finished = keep_finished
        self.reset()

    def reset(self) -> None:
        for call in list(getattr(self, "calls", {}).values()):
            for leg in call.legs.values():
                leg.cancel_timers()
            for task in call.tasks:
                task.cancel()
        self.calls: dict[str, Call] = {}
        self.finished: OrderedDict[str, Call] = OrderedDict()
        self.records_total = 0
        self._call_seq = itertools.count(1)
        self._decisions: dict[str, asyncio.Future] = {}
        self.recordings.clear()

    # ---------------------------------------------------------------- lookup
    def get(self, call_id: str) -> Call:
        call = self.calls.get(call_id) or self.finished.get(call_id)
        if call is None:
            raise CallNotFound(call_id)
        return call

    def live(self, provider: str | None = None) -> list[Call]:
        return [c for c in self.calls.values() if provider is None or c.provider == provider]

    def behaviour_for(self, call: Call, number: str,
                      explicit: PartyBehaviour | dict | None = None) -> PartyBehaviour:
        if explicit is not None:
            return _behaviour(explicit)
        return call.script.get(number) or self.behaviour_lookup(number) or _default_behaviour()

    # ------------------------------------------------------------- creation
    def create_call(self, provider: str | None, tenant: str | None, direction: str,
                    from_: str, to: str, *, record: bool = False,
                    script: dict[str, PartyBehaviour | dict] | None = None,
                    meta: dict[str, Any] | None = None, call_id: str | None = None) -> Call:
        now = self._now()
        call = Call(
            id=call_id or f"call-{next(self._call_seq):06d}", provider=provider, tenant=tenant,
            direction=direction, from_=from_, to=to, started_at=now, record=record,
            script={n: _behaviour(b) for n, b in script.items()} if script else {},
            meta=dict(meta) if meta else {},
        )
        self.calls[call.id] = call
        self._emit(E.CALL_CREATED, call, None, {"direction": direction, "from": from_, "to": to}, now)
        return call

    def add_origin(self, call: Call, number: str, *, caller_id: str | None = None,
                   behaviour: PartyBehaviour | dict | None = None,
                   meta: dict[str, Any] | None = None) -> Leg:
        """The party that placed the call. It waits (alerting towards the system) until the
        system answers it (:meth:`answer`, e.g. an IVR) or bridges it to a dialled party."""
        leg = self._new_leg(call, number, caller_id or number, "origin",
                            self.behaviour_for(call, number, behaviour), meta)
        leg.state = LegState.ALERTING
        leg.alerting_at = leg.created_at
        self._emit(E.LEG_ALERTING, call, leg, {"number": number, "role": "origin"}, leg.created_at)
        give_up = leg.behaviour.give_up_after
        if give_up:
            leg._timers.append(self.clock.call_later(give_up, self._origin_gives_up, leg))
        return leg

    def dial(self, call: Call, number: str, *, caller_id: str | None = None,
             behaviour: PartyBehaviour | dict | None = None, timeout: float | None = None,
             meta: dict[str, Any] | None = None) -> Leg:
        """Ring ``number``; its party behaves as the call script, the world or ``behaviour``
        says. ``timeout`` cancels the leg (cause 19) when it has not answered in time."""
        b = self.behaviour_for(call, number, behaviour)
        leg = self._new_leg(call, number, caller_id, "dialled", b, meta)
        self._emit(E.LEG_DIALING, call, leg, {"number": number, "caller_id": caller_id}, leg.created_at)
        later = self.clock.call_later
        outcome = b.outcome()
        if outcome == "unassigned":
            leg._timers.append(later(0, self._fail, leg, Cause.UNASSIGNED_NUMBER, "network"))
        elif outcome == "unavailable":
            leg._timers.append(later(0, self._fail, leg, Cause.SUBSCRIBER_ABSENT, "network"))
        elif outcome == "busy":
            leg._timers.append(later(0, self._fail, leg, Cause.USER_BUSY, "party"))
        else:
            leg._timers.append(later(0, self._alert, leg))
            if outcome == "reject":
                leg._timers.append(later(b.reject or 0, self._fail, leg, Cause.CALL_REJECTED, "party"))
            elif outcome == "answer":
                leg._timers.append(later(b.answer_after or 0, self._party_answers, leg))
            elif b.no_answer:
                leg._timers.append(later(b.no_answer, self._fail, leg, Cause.NO_ANSWER, "network"))
        if timeout is not None:
            leg._timers.append(later(timeout, self._dial_timeout, leg))
        return leg

    def _new_leg(self, call: Call, number: str, caller_id: str | None, role: str,
                 behaviour: PartyBehaviour, meta: dict | None) -> Leg:
        legs = call.legs
        call_id = call.id
        # positional: Leg's first seven fields, in their order
        leg = Leg(f"{call_id}-L{len(legs) + 1}", call_id, number, caller_id, role, behaviour,
                  self._now(), meta=dict(meta) if meta else {})
        legs[leg.id] = leg
        return leg

    # ------------------------------------------------------ party reactions
    def _alert(self, leg: Leg) -> None:
        if leg.state is LegState.DIALING:
            leg.state = LegState.ALERTING
            leg.alerting_at = now = self._now()
            self._emit(E.LEG_ALERTING, self._call(leg), leg, {"number": leg.number, "role": leg.role}, now)

    def _party_answers(self, leg: Leg) -> None:
        if leg.state in (LegState.DIALING, LegState.ALERTING):
            self.answer(leg)

    def _dial_timeout(self, leg: Leg) -> None:
        if not leg.ended and leg.answered_at is None:
            self._fail(leg, Cause.NO_ANSWER, "timeout")

    def _origin_gives_up(self, leg: Leg) -> None:
        call = self._call(leg)
        if not leg.ended and not call.peers(leg):
            self.hangup(leg, Cause.NORMAL_CLEARING, by="party")

    def _fail(self, leg: Leg, cause: int, by: str) -> None:
        if not leg.ended and leg.answered_at is None:
            self._end_leg(leg, LegState.FAILED, cause, by)

    # ------------------------------------------------------------ operations
    def answer(self, leg: Leg) -> None:
        """The leg's party picks up (or, for an origin leg, the system answers it)."""
        if leg.ended or leg.answered_at is not None:
            return
        now = self._now()
        leg.state = LegState.ACTIVE
        leg.answered_at = now
        if leg.alerting_at is None:
            leg.alerting_at = now
        b = leg.behaviour
        later = self.clock.call_later
        for press in b.dtmf:
            leg._timers.append(later(press.at, self.press_dtmf, leg, press.digits))
        for period in b.hold:
            leg._timers.append(later(period.at, self.hold, leg, "party"))
            leg._timers.append(later(period.at + period.duration, self.unhold, leg, "party"))
        if b.hangup_after:
            leg._timers.append(later(b.hangup_after, self.hangup, leg, Cause.NORMAL_CLEARING, "party"))
        self._emit(E.LEG_ANSWERED, self._call(leg), leg, {"number": leg.number, "role": leg.role}, now)
        if leg._answer_waiters:
            _wake(leg._answer_waiters, True)

    async def wait_answer(self, leg: Leg) -> bool:
        """True once the leg is answered, False if it ends first."""
        if leg.answered_at is not None:
            return True
        if leg.ended:
            return False
        fut = asyncio.get_running_loop().create_future()
        waiters = leg._answer_waiters
        if waiters is EMPTY:
            waiters = leg._answer_waiters = []
        waiters.append(fut)
        return await fut

    def bridge(self, a: Leg, b: Leg) -> None:
        """Connect two legs of one call (answering an origin leg that still waits)."""
        call = self._call(a)
        if b.call_id != call.id:
            raise ValueError("legs of different calls: use consult_transfer")
        for leg in (a, b):
            if leg.ended:
                raise ValueError(f"leg {leg.id} has ended")
            if leg.answered_at is None:
                self.answer(leg)
        call.unbridge(a.id, b.id)
        if call.bridges:
            call.bridges.append({a.id, b.id})
        else:  # calls.EMPTY, or an empty list unbridge left
            call.bridges = [{a.id, b.id}]
        now = self._now()
        if call.answered_at is None:
            call.answered_at = now
        self._emit(E.CALL_BRIDGED, call, None, {"legs": [a.id, b.id],
                                                "numbers": [a.number, b.number]}, now)
        if call.record and not self.is_recording(call):
            self.start_recording(call)

    def hangup(self, leg: Leg, cause: int = Cause.NORMAL_CLEARING, by: str = "system") -> None:
        if leg.ended:
            return
        state = LegState.RELEASED if leg.answered_at is not None else LegState.FAILED
        self._end_leg(leg, state, cause, by)

    def hangup_call(self, call: Call, cause: int = Cause.NORMAL_CLEARING, by: str = "system") -> None:
        for leg in call.live_legs():
            self.hangup(leg, cause, by)

    # ----------------------------------------------------------------- flows
    def spawn(self, call: Call, coro: Coroutine) -> asyncio.Task:
        """Run a provider's call flow; cancelled when the call ends."""
        # the Task itself, not loop.create_task (three Python frames: closed check, task factory,
        # name); without a factory a flow never starts eagerly (3.12+), so the events' order holds
        task = asyncio.Task(self._guard(call, coro), loop=asyncio.get_running_loop())
        tasks = call.tasks
        if tasks is NO_TASKS:  # the call's first flow (calls.EMPTY)
            tasks = call.tasks = set()
        tasks.add(task)
        # one done-callback (one loop handle); a partial: two objects for the collector, a closure four
        task.add_done_callback(partial(_flow_done, tasks, coro))
        return task

    async def _guard(self, call: Call, coro: Coroutine) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("call flow of %s failed; releasing the call", call.id)
            self.hangup_call(call, Cause.TEMPORARY_FAILURE)

    # ------------------------------------------------------------- internals
    def _call(self, leg: Leg) -> Call:
        return self.calls.get(leg.call_id) or self.finished[leg.call_id]

    def _detach(self, leg: Leg, data: dict, finish: bool = True) -> None:
        call = self._call(leg)
        leg.cancel_timers()
        leg.state = LegState.DETACHED
        leg.ended_at = self._now()
        leg.ended_by = "transfer"
        leg.cause = Cause.NORMAL_CLEARING
        call.unbridge(leg.id)
        self._emit(E.LEG_DETACHED, call, leg, data)
        if leg._answer_waiters:
            _wake(leg._answer_waiters, False)
        if leg._dtmf_waiters:
            _wake(leg._dtmf_waiters, None)
        if finish:
            self._maybe_finish(call)

    def _end_leg(self, leg: Leg, state: LegState, cause: int, by: str) -> None:
        call = self._call(leg)
        was_connected = leg.connected
        leg.cancel_timers()
        leg.state = state
        leg.cause = cause = int(cause)
        leg.ended_by = by
        leg.ended_at = now = self._now()
        peers = call.peers(leg) if call.bridges else EMPTY
        call.unbridge(leg.id)
        kind = E.LEG_RELEASED if state is LegState.RELEASED else E.LEG_FAILED
        self._emit(kind, call, leg, {"cause": cause, "by": by, "number": leg.number,
                                     "role": leg.role}, now)
        if leg._answer_waiters:
            _wake(leg._answer_waiters, False)
        if leg._dtmf_waiters:
            _wake(leg._dtmf_waiters, None)
        for peer in peers:
            self.hangup(peer, Cause.NORMAL_CLEARING, by="peer")
        if (leg.role == "origin" or was_connected) and call.has_live_legs():
            live = call.live_legs()
            if not any(l.connected for l in live):
                for other in live:
                    self.hangup(other, Cause.NORMAL_CLEARING, by="peer")
        self._maybe_finish(call)

    def _maybe_finish(self, call: Call) -> None:
        if call.ended_at is not None or not call.legs or call.has_live_legs():
            return
        now = self._now()
        segments = call.recording_segments
        if segments:
            self.stop_recording(call)
        call.ended_at = now
        # a plain int: the timeline's entry stays untracked
        call.cause = _CLEARED if call.answered_at is not None else int(call.failure_cause())
        if segments:
            duration = sum((end or now) - start for start, end in segments)
            if duration > 0:
                rec = self.recordings.add(call.id, call.provider, call.tenant, segments[0][0], duration)
                call.recording_id = rec.id
                self._emit(E.RECORDING_READY, call, None, {"recording_id": rec.id, "duration": duration}, now)
        tasks = call.tasks
        if tasks:
            current = asyncio.current_task()
            for task in list(tasks):
                if task is not current:
                    task.cancel()
        else:  # the kept call's empty set is shared (spawn gives a finished call a new one)
            call.tasks = NO_TASKS  # type: ignore[assignment]
        record = call.finished_record(now)
        call.shed_empties()
        self.calls.pop(call.id, None)
        self.finished[call.id] = call
        while len(self.finished) > self.keep_finished:
            self.finished.popitem(last=False)
        self.records_total += 1
        self._emit(E.CALL_ENDED, call, None, {"cause": call.cause}, now)
        self._emit(E.CALL_FINISHED, call, None, None, now, record)

    def _emit(self, kind: E, call: Call, leg: Leg | None = None, data: dict | None = None,
              now: float | None = None, record: CallRecord | None = None) -> None:
        """One timeline entry and one bus event. ``now``: the instant the caller already read
        for the change (its ``ended_at``...); ``record``: call.finished's, on the bus only."""
        if now is None:
            now = self._now()
        event = kind._value_  # ._value_: .value is a Python-level descriptor
        # one dict display instead of a dict, a key set and .update(): the same keys in the same order
        if leg is None:
            leg_id = None
            entry = {"t": now, "event": event, **data} if data else {"t": now, "event": event}
        else:
            leg_id = leg.id
            entry = ({"t": now, "event": event, "leg": leg_id, **data} if data
                     else {"t": now, "event": event, "leg": leg_id})
        call.timeline.append(entry)  # call.finished's: a dict without the record, untracked
        # bus.emit builds the Event only when the provider has a listener (most calls have none)
        self.bus.emit(kind, now, call.provider, call.tenant, call.id, leg_id,
                      {"record": record} if record is not None else data if data else {})


_CLEARED = int(Cause.NORMAL_CLEARING)  # an answered call's cause (failure_cause's first case)


def _flow_done(tasks: set, coro: Coroutine, task: asyncio.Task) -> None:
    tasks.discard(task)
    coro.close()  # never started when cancelled early


# behaviour.py's pydantic models, imported by the first call that needs them (not at start-up)
# and kept here: a function-level import costs ~2 µs each time, the check ~20 ns
_Party: "type[PartyBehaviour] | None" = None
_DEFAULT: "PartyBehaviour | None" = None


def _behaviour(value: "PartyBehaviour | dict") -> "PartyBehaviour":
    global _Party
    if _Party is None:
        from .behaviour import PartyBehaviour as _Party
    return value if isinstance(value, _Party) else _Party(**value)


def _default_behaviour() -> "PartyBehaviour":
    global _DEFAULT
    if _DEFAULT is None:
        from .behaviour import DEFAULT_BEHAVIOUR as _DEFAULT
    return _DEFAULT
