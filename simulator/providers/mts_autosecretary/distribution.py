"""How the service distributes an inbound call to a UN over its DN list (an engine call flow).

1. A disabled UN rejects the call (cause 21). Otherwise the service answers, plays the greeting
   (need_begin_ivr) and the own advert (need_advert); with ab_ext_enabled the caller may dial a
   DN's short number (ext) meanwhile. When no DN is on duty and there is no voice mail, the call
   ends at once after a short announcement (NO_DNS).
2. Candidates are the DNs on duty now (schedule.py), by priority. Each is dialled for at most
   make_call_time seconds, if it has a free channel; busy / no answer moves on to the next one.
3. When every untried candidate has all its channels taken, the call waits in the UN's queue until
   a channel frees up, at most max_queue_time seconds in total (0: no queue, NoChannels).
4. Nobody took the call: with need_record the caller leaves a voice message (recorded, e-mailed to
   voice_email); otherwise the service says so and hangs up.

Every step is logged in the CDR ``log`` string; the CDR itself is written when the call finishes
(events.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from ...engine import Cause
from . import calllog
from .models import DN, UN
from .schedule import dn_by_ext, eligible_dns

if TYPE_CHECKING:
    from .provider import MtsAutosecretaryProvider

ANNOUNCE_SECONDS = 1.0  # "no operators available", "leave a message after the tone"
WHISPER_SECONDS = 2.0  # say_tone / say_ani announcement to the operator
EXT_DIAL_WINDOW = 3.0  # seconds the caller has to start dialling a short number


@dataclass
class FlowState:
    """What the provider remembers about one live call until its CDR is written."""

    cdr_id: int
    un: str
    an: str
    tenant: str
    start: datetime
    log: calllog.CallLog
    phase: str = "setup"  # setup, greeting, dialing, queue, connected, voicemail, done
    voicemail: bool = False
    recorded_dn: Optional[str] = None
    tried: set[str] = field(default_factory=set)
    queue_ticket: Optional[int] = None  # place in the UN's queue, kept while the call waits


def _failure_token(cause: Optional[int], number: str) -> str:
    if cause in (Cause.USER_BUSY, Cause.CALL_REJECTED):
        return calllog.busy(number)
    return calllog.NO_ANSWER


class Distributor:
    def __init__(self, provider: "MtsAutosecretaryProvider"):
        self.provider = provider

    @property
    def engine(self):
        return self.provider.sim.engine

    @property
    def clock(self):
        return self.provider.sim.clock

    def _un(self, state: FlowState) -> Optional[UN]:
        return self.provider.backend.uns.get(state.un)

    async def run(self, call, origin, state: FlowState) -> None:
        engine = self.engine
        un = self._un(state)
        if un is None or not un.enabled:
            state.log.add(calllog.UN_DISABLED)
            state.phase = "done"
            engine.hangup(origin, Cause.CALL_REJECTED)
            return
        engine.answer(origin)
        if not un.need_record and not eligible_dns(un, self.clock.datetime()) and not un.ab_ext_enabled:
            # nobody on duty and no voice mail: the service says so at once (the document's NO_DNS sample
            # lasts 1 s)
            state.log.add(calllog.NO_DNS)
            await self._finish_unanswered(call, origin, state, un, announce_only=True)
            return
        state.phase = "greeting"
        greeting = self.provider.section.dial.greeting
        if un.need_begin_ivr and greeting > 0:
            if not await engine.play(origin, "begin_ivr", duration=greeting):
                return
        if un.need_advert and greeting > 0:
            if not await engine.play(origin, "advert", duration=greeting):
                return
        if un.ab_ext_enabled:
            digits = await engine.collect_dtmf(origin, max_digits=6, timeout=EXT_DIAL_WINDOW)
            if origin.ended:
                return
            un = self._un(state) or un
            target = dn_by_ext(un, digits, self.clock.datetime()) if digits else None
            if target is not None and self.provider.channels.has_free(un.phone, target.phone, target.channels):
                state.log.add(calllog.extension(digits))
                if await self._attempt(call, origin, state, un, target):
                    return
                if origin.ended:
                    return
        await self._hunt(call, origin, state)

    async def _hunt(self, call, origin, state: FlowState) -> None:
        engine = self.engine
        channels = self.provider.channels
        queue_deadline: Optional[float] = None
        while not origin.ended:
            un = self._un(state)
            if un is None:  # the UN was removed from the world meanwhile
                state.log.add(calllog.NO_DNS)
                state.phase = "done"
                engine.hangup(origin)
                return
            now = self.clock.datetime()
            candidates = [dn for dn in eligible_dns(un, now) if dn.phone not in state.tried]
            if not candidates:
                if not state.tried:
                    state.log.add(calllog.NO_DNS)
                    await self._finish_unanswered(call, origin, state, un, announce_only=not un.need_record)
                    return
                state.log.add(calllog.NO_AV_DNS)
                await self._finish_unanswered(call, origin, state, un)
                return
            free = [dn for dn in candidates if channels.has_free(un.phone, dn.phone, dn.channels)]
            if not free:
                if un.max_queue_time <= 0:
                    state.log.add(calllog.NO_CHANNELS)
                    await self._finish_unanswered(call, origin, state, un)
                    return
                if queue_deadline is None:
                    queue_deadline = self.clock.now() + un.max_queue_time
                    state.queue_ticket = channels.ticket()
                remaining = queue_deadline - self.clock.now()
                if remaining <= 0:
                    state.log.add(calllog.MAX_QUEUE_EXCEEDED)
                    await self._finish_unanswered(call, origin, state, un)
                    return
                state.phase = "queue"
                await channels.wait(un.phone, self.clock, remaining, state.queue_ticket)
                continue
            for dn in free:
                if origin.ended:
                    return
                if not channels.has_free(un.phone, dn.phone, dn.channels):
                    continue
                if await self._attempt(call, origin, state, un, dn):
                    return
        # the caller hung up; events.py notes it in the log

    async def _attempt(self, call, origin, state: FlowState, un: UN, dn: DN) -> bool:
        """Dial one DN; True when the caller is connected to it."""
        engine = self.engine
        channels = self.provider.channels
        state.tried.add(dn.phone)
        state.phase = "dialing"
        state.log.add(calllog.try_to_call(dn.phone))
        channels.take(un.phone, dn.phone)
        leg = engine.dial(
            call,
            dn.phone,
            caller_id=state.an,
            timeout=un.make_call_time,
            meta={"un": un.phone, "dn": dn.phone, "aa_channel": True},
        )
        answered = await engine.wait_answer(leg)
        if not answered:
            if not origin.ended:
                state.log.add(_failure_token(leg.cause, dn.phone))
            return False
        if origin.ended:
            engine.hangup(leg)
            return False
        if un.say_tone or un.say_ani:
            text = f"Звонок на {un.phone}" + (f" от {state.an}" if un.say_ani else "")
            if not await engine.play(leg, "announce", text=text, duration=WHISPER_SECONDS):
                if not origin.ended:
                    state.log.add(calllog.NO_ANSWER)
                return False
            if origin.ended:
                engine.hangup(leg)
                return False
        state.log.add(calllog.CONN)
        state.phase = "connected"
        engine.bridge(origin, leg)
        if dn.record:
            state.recorded_dn = dn.phone
            engine.start_recording(call)
        return True

    async def _finish_unanswered(self, call, origin, state: FlowState, un: UN, announce_only: bool = False) -> None:
        engine = self.engine
        if un.need_record and not announce_only:
            state.phase = "voicemail"
            if not await engine.play(origin, "leave_message", duration=ANNOUNCE_SECONDS):
                return
            state.voicemail = True
            state.log.add(calllog.REC_START)
            engine.start_recording(call)
            # the caller talks until they hang up, at most voicemail_max seconds
            if await engine.play(origin, "recording", duration=self.provider.section.dial.voicemail_max):
                state.log.add(calllog.REC_STOP)
                engine.stop_recording(call)
                state.phase = "done"
                engine.hangup(origin)
            return
        state.phase = "done"
        await engine.play(origin, "nobody_available", duration=ANNOUNCE_SECONDS)
        if not origin.ended:
            engine.hangup(origin)
