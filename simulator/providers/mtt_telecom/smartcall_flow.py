"""A smart call in the engine: ring b_number, speak the text, (IVR) act on the pressed key,
and send the notifications the document shows.

TTS notifications are query strings (``date_time=...&id=...&CallID=...&event=o_<b>``) sent
as a form body; IVR notifications are JSON objects. ``date_time`` is Moscow time, as in the
call-control events."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlencode

from ...delivery import Callback, FixedRetry
from ...engine import Cause
from ...engine.calls import Leg
from . import gbl, ringing

if TYPE_CHECKING:
    from .smartcalls import DtmfAction, SmartCall

MSK = timezone(timedelta(hours=3))
#: seconds b_number rings before the platform gives up (cause 19)
RING_TIMEOUT = 40.0
#: seconds the IVR waits for a key after the text (keys pressed during the text count)
DTMF_WAIT = 5.0
TRANSFER_TIMEOUT = 30.0
GOODBYE = "Спасибо за Ваш выбор, до свидания!"
#: characters per second of synthesised speech at speed_speech 1.0
CHARS_PER_SECOND = 12.0
EVENT_POLICY = FixedRetry(max_attempts=3, delay=10.0)


def speech_seconds(text: str, speed: float) -> float:
    """How long the text takes to speak at ``speed`` (1.0 = normal human pace)."""
    return max(1.0, len(text) / (CHARS_PER_SECOND * speed))


def msk_stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, MSK).strftime("%Y-%m-%d-%H-%M-%S")


class SmartCallFlow:
    def __init__(self, provider):
        self.p = provider

    @property
    def engine(self):
        return self.p.sim.engine

    def start(self, sc: "SmartCall") -> None:
        engine = self.engine
        call = engine.create_call(self.p.slug, sc.tenant, "outbound", sc.a_number, sc.b_number,
                                  meta={"smart_call": sc.kind, "CallID": sc.call_id, "messId": sc.mess_id})
        engine.spawn(call, self._run(call, sc))

    async def _run(self, call, sc: "SmartCall") -> None:
        engine = self.engine
        leg = engine.dial(call, sc.b_number, caller_id=sc.a_number, timeout=RING_TIMEOUT,
                          behaviour=ringing.behaviour(self.p, call, sc.b_number), meta={"side": "b_number"})
        self._event(sc, {"event": f"o_{sc.b_number}"})
        if gbl.blocked(self.p, sc.tenant, sc.b_number):
            engine.hangup(leg, Cause.CALL_REJECTED, by="system")
        transfer: Optional[Leg] = None
        try:
            if not await engine.wait_answer(leg):
                return
            if not await engine.play(leg, text=sc.text, duration=speech_seconds(sc.text, sc.speed)):
                return
            if sc.kind == "tts":
                engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
                return
            action = await self._choice(leg, sc)
            if action is None:
                self._notify_none(sc)
                engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
            elif action.type == "notify":
                self._notify(sc, action.value, {"dtmf": action.dtmf_id, "type": "notify",
                                                "event": f"n_{sc.b_number}"})
                await engine.play(leg, text=GOODBYE, duration=speech_seconds(GOODBYE, 1.0))
                engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
            else:
                transfer = engine.dial(call, action.value, caller_id=sc.b_number, timeout=TRANSFER_TIMEOUT,
                                       behaviour=ringing.behaviour(self.p, call, action.value),
                                       meta={"side": "transfer", "dtmf": action.dtmf_id})
                self._event(sc, {"dtmf": action.dtmf_id, "type": "transfer", "event": f"o_{action.value}"})
                if gbl.blocked(self.p, sc.tenant, action.value):
                    engine.hangup(transfer, Cause.CALL_REJECTED, by="system")
                if await engine.wait_answer(transfer) and not leg.ended:
                    engine.bridge(leg, transfer)
                    # the conversation goes on; the engine cancels the flow when the call ends
                    await asyncio.get_running_loop().create_future()
                elif not leg.ended:
                    engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
        finally:
            # runs also when the engine cancels the flow because the call ended
            if transfer is not None:
                if not transfer.ended:
                    engine.hangup(transfer, Cause.NORMAL_CLEARING, by="system")
                self._event(sc, {"dtmf": transfer.meta["dtmf"], "type": "transfer",
                                 "event": f"h_{transfer.number}_{transfer.cause}_{_talk(transfer)}"})
            if not leg.ended:
                engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
            self._event(sc, {"event": f"h_{sc.b_number}_{leg.cause}_{_talk(leg)}"})

    async def _choice(self, leg: Leg, sc: "SmartCall") -> Optional["DtmfAction"]:
        """The first key with an action: pressed during the text or within DTMF_WAIT after it."""
        deadline = self.p.sim.clock.now() + DTMF_WAIT
        while not leg.ended:
            left = deadline - self.p.sim.clock.now()
            if left <= 0 and not leg.dtmf_buffer:
                return None
            digit = await self.engine.collect_dtmf(leg, max_digits=1, timeout=max(left, 0.001), terminator=None)
            if not digit:
                return None
            action = sc.action(digit)
            if action is not None:
                return action
        return None

    # ------------------------------------------------------------ notifications
    def _fields(self, sc: "SmartCall") -> dict:
        return {"date_time": msk_stamp(self.p.sim.clock.now()), "id": sc.mess_id, "CallID": sc.call_id}

    def _event(self, sc: "SmartCall", fields: dict) -> None:
        if not sc.event_url:
            return
        data = {**self._fields(sc), **fields}
        if sc.kind == "tts":
            self._send(sc, sc.event_url, "smart call event", urlencode(data), "application/x-www-form-urlencoded")
        else:
            self._send(sc, sc.event_url, "IVR event", json.dumps(data, ensure_ascii=False), "application/json")

    def _notify(self, sc: "SmartCall", url: str, fields: dict) -> None:
        self._send(sc, url, "IVR notify", json.dumps({**self._fields(sc), **fields}, ensure_ascii=False),
                   "application/json")

    def _notify_none(self, sc: "SmartCall") -> None:
        """No key chosen: the "dtmf": "null" notice to every notify URL of the request (the
        account's notification URL when the request has none)."""
        urls = list(dict.fromkeys(a.value for a in sc.dtmf if a.type == "notify")) or \
            ([sc.event_url] if sc.event_url else [])
        for url in urls:
            self._notify(sc, url, {"dtmf": "null", "type": "notify", "event": f"n_{sc.b_number}"})

    def _send(self, sc: "SmartCall", url: str, kind: str, body: str, content_type: str) -> None:
        self.p.sim.delivery.send(Callback(provider=self.p.slug, url=url, kind=kind, body=body,
                                          content_type=content_type, tenant=sc.tenant,
                                          policy=EVENT_POLICY, meta={"CallID": sc.call_id}))


def _talk(leg: Leg) -> int:
    """Seconds from answer to the end of the leg (0 when never answered)."""
    if leg.answered_at is None or leg.ended_at is None:
        return 0
    return int(round(leg.ended_at - leg.answered_at))
