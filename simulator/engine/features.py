"""What happens on a call once its legs exist: hold, DTMF, prompts, transfers, recording,
and parking a call while a provider waits for a decision (a routing question).

A mixin of :class:`~simulator.engine.engine.CallEngine`, kept apart so that each module
stays one role; it uses the engine's clock, bus and leg bookkeeping.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .causes import Cause
from .bus import EventType as E
from .calls import EMPTY, Call, Leg, LegState

if TYPE_CHECKING:
    from .behaviour import PartyBehaviour
    from .clock import VirtualClock

# seconds of speech per character when a prompt is given as text (TTS at ~12 chars/s)
TEXT_SECONDS_PER_CHAR = 1 / 12


class CallFeatures:
    clock: "VirtualClock"
    _decisions: dict

    def hold(self, leg: Leg, by: str = "system") -> None:
        self._set_held(leg, True, by)

    def unhold(self, leg: Leg, by: str = "system") -> None:
        self._set_held(leg, False, by)

    def _set_held(self, leg: Leg, held: bool, by: str) -> None:
        if leg.state is not (LegState.ACTIVE if held else LegState.HELD):
            return
        leg.state = LegState.HELD if held else LegState.ACTIVE
        leg.held = held
        call = self._call(leg)
        self._emit(E.LEG_HELD if held else E.LEG_UNHELD, call, leg,
                   {"by": by, "peers": [p.id for p in call.peers(leg)]})

    def press_dtmf(self, leg: Leg, digits: str) -> None:
        if leg.ended:
            return
        call = self._call(leg)
        for digit in digits:
            leg.dtmf_buffer += digit
            self._emit(E.LEG_DTMF, call, leg, {"digit": digit})
        _wake(leg._dtmf_waiters, None)

    async def collect_dtmf(self, leg: Leg, max_digits: int = 1, timeout: float | None = 5.0,
                           terminator: str | None = "#") -> str:
        """Digits pressed on ``leg`` (buffered since the last collect), up to ``max_digits``
        or the terminator; returns what was collected when ``timeout`` simulated seconds
        pass without a digit."""
        collected = ""
        while True:
            while leg.dtmf_buffer:
                digit, leg.dtmf_buffer = leg.dtmf_buffer[0], leg.dtmf_buffer[1:]
                if terminator and digit in terminator:
                    return collected
                collected += digit
                if len(collected) >= max_digits:
                    return collected
            if leg.ended:
                return collected
            fut = asyncio.get_running_loop().create_future()
            if leg._dtmf_waiters is EMPTY:
                leg._dtmf_waiters = []
            leg._dtmf_waiters.append(fut)
            try:
                await self.clock.wait_for(fut, timeout)
            except asyncio.TimeoutError:
                return collected

    async def play(self, leg: Leg, name: str | None = None, *, text: str | None = None,
                   duration: float | None = None) -> bool:
        """Play a prompt to the leg's party; False if the leg ended meanwhile. Duration:
        given (from the audio file), else from the text length, else one second."""
        if leg.ended:
            return False
        if duration is None:
            duration = max(1.0, len(text) * TEXT_SECONDS_PER_CHAR) if text else 1.0
        call = self._call(leg)
        data = {"name": name, "text": text, "duration": duration}
        self._emit(E.PROMPT_STARTED, call, leg, data)
        fut = asyncio.get_running_loop().create_future()
        if leg._answer_waiters is EMPTY:
            leg._answer_waiters = []
        leg._answer_waiters.append(fut)  # woken with False when the leg ends
        try:
            await self.clock.wait_for(asyncio.shield(fut), duration)
        except asyncio.TimeoutError:
            pass
        finally:
            if fut in leg._answer_waiters:
                leg._answer_waiters.remove(fut)
        if leg.ended:
            return False
        self._emit(E.PROMPT_FINISHED, call, leg, data)
        return True

    def blind_transfer(self, call: Call, transferor: Leg, number: str, *,
                       caller_id: str | None = None, behaviour: PartyBehaviour | dict | None = None,
                       timeout: float | None = None, meta: dict[str, Any] | None = None) -> Leg:
        """``transferor`` leaves the call; its peer (or, if not yet bridged, the origin) is
        connected to ``number`` when that party answers, and released if it does not."""
        peers = call.peers(transferor) or [l for l in call.live_legs()
                                           if l is not transferor and l.role == "origin"]
        self._detach(transferor, {"transfer": "blind", "target": number})
        target = self.dial(call, number, caller_id=caller_id or (peers[0].number if peers else None),
                           behaviour=behaviour, timeout=timeout, meta=meta)
        if peers:
            self.spawn(call, self._complete_transfer(peers[0], target))
        return target

    async def _complete_transfer(self, peer: Leg, target: Leg) -> None:
        if await self.wait_answer(target) and not peer.ended and not target.ended:
            self.bridge(peer, target)
        elif not peer.ended:
            self.hangup(peer, target.cause or Cause.NORMAL_CLEARING, by="transfer")

    def consult_transfer(self, leg1: Leg, leg2: Leg) -> None:
        """Join two calls of one transferor: ``leg1`` and ``leg2`` are the transferor's legs
        in the first and second call; both leave and their peers are bridged in call 1."""
        call1, call2 = self._call(leg1), self._call(leg2)
        peers1, peers2 = call1.peers(leg1), call2.peers(leg2)
        if not peers1 or not peers2:
            raise ValueError("both calls need a connected peer to join")
        self._detach(leg1, {"transfer": "consult", "target_call": call2.id})
        self._detach(leg2, {"transfer": "consult", "target_call": call1.id}, finish=False)
        call2.unbridge(*(p.id for p in peers2))
        for peer in peers2:
            del call2.legs[peer.id]
            peer.call_id = call1.id
            call1.legs[peer.id] = peer
        call2.meta["joined_into"] = call1.id
        call1.meta.setdefault("joined_from", []).append(call2.id)
        for p in (*peers1, *peers2):
            if p.held:
                self.unhold(p)
        self.bridge(peers1[0], peers2[0])
        self._maybe_finish(call2)

    # ------------------------------------------------------------- recording
    def is_recording(self, call: Call) -> bool:
        return bool(call.recording_segments) and call.recording_segments[-1][1] is None

    def start_recording(self, call: Call) -> None:
        if call.ended or self.is_recording(call):
            return
        if call.recording_segments is EMPTY:
            call.recording_segments = []
        call.recording_segments.append([self.clock.now(), None])
        self._emit(E.RECORDING_STARTED, call)

    def stop_recording(self, call: Call) -> None:
        if self.is_recording(call):
            call.recording_segments[-1][1] = self.clock.now()
            self._emit(E.RECORDING_STOPPED, call)

    # ------------------------------------------------ waiting for a decision
    async def park(self, call: Call, key: str, timeout: float, fallback: Any) -> Any:
        """Hold the call until :meth:`decide` is called with ``key`` or ``timeout``
        simulated seconds pass (then ``fallback`` is the decision)."""
        fut = asyncio.get_running_loop().create_future()
        self._decisions[key] = fut
        self._emit(E.CALL_PARKED, call, data={"key": key, "timeout": timeout})
        timed_out = False
        try:
            decision = await self.clock.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            decision, timed_out = fallback, True
        finally:
            self._decisions.pop(key, None)
        shown = decision if isinstance(decision, (str, int, float, bool, type(None))) else str(decision)
        self._emit(E.CALL_UNPARKED, call, data={"key": key, "timed_out": timed_out, "decision": shown})
        return decision

    def decide(self, key: str, decision: Any) -> bool:
        fut = self._decisions.get(key)
        if fut is None or fut.done():
            return False
        fut.set_result(decision)
        return True

    def is_parked(self, key: str) -> bool:
        return key in self._decisions


def _wake(waiters: list[asyncio.Future], value: Any) -> None:
    while waiters:
        fut = waiters.pop()
        if not fut.done():
            fut.set_result(value)
