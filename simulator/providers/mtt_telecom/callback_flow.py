"""A CallBack call in the engine: ring side A by the structure (a run of ringall rows
together, lineral/linal rows one after another), play side A's messages, call side B, play
side B's messages, connect them; end at duration / maxtime. The progress notifications go
as GET to http://<callBackURL>/event.php as the document's log shows."""
from __future__ import annotations

import asyncio
import hashlib
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from ...delivery import Callback
from ...engine import Cause, PartyBehaviour
from . import ringing
from .callback_struct import MESSAGE_TYPES, RING_TYPES
from .world import CallBackStep

if TYPE_CHECKING:
    from ...engine.calls import Call, Leg
    from .provider import MttTelecomProvider

EVENT = "CallBack progress"
#: how long side B rings (the document gives no timeout for b_number)
B_TIMEOUT = 30
DTMF_SECONDS = 0.1
TIMEOUT_CAUSES = {Cause.NO_ANSWER, Cause.NO_USER_RESPONDING, Cause.RECOVERY_ON_TIMER_EXPIRY}
#: the platform's own leg: answered at once, never hangs up by itself
PLATFORM = PartyBehaviour()


@dataclass
class CallBackRun:
    id: str
    tenant_id: str
    customer_name: str
    b_number: str
    steps: list[CallBackStep]
    url: Optional[str]
    record: bool
    caller_id: Optional[str]          # what side B sees
    client_caller_id: str             # what side A sees
    direction: int = 0
    duration: Optional[float] = None
    maxtime: Optional[float] = None
    description: str = ""
    dtmf_number: Optional[str] = None
    call_id: Optional[str] = None
    started_at: float = 0.0
    a_leg: Optional["Leg"] = None
    b_leg: Optional["Leg"] = None
    b_dialled_at: Optional[float] = None
    talk_at: Optional[float] = None
    status: str = "in progress"
    failure: Optional[str] = None     # the -32001 data of getCallBackFollowmeCallInfo
    info: Optional[dict] = None       # callBackFollowmeCallInfoStruct once finished
    recording_id: Optional[str] = None
    ended: Optional[asyncio.Future] = field(default=None, repr=False)

    def messages(self, side: str) -> list[CallBackStep]:
        return [s for s in self.steps if s.type in MESSAGE_TYPES and s.side == side]

    def ring_groups(self) -> list[tuple[bool, list[CallBackStep]]]:
        """(together?, rows): consecutive ringall rows ring at once, lineral/linal one by one."""
        groups: list[tuple[bool, list[CallBackStep]]] = []
        for step in self.steps:
            kind = RING_TYPES.get(step.type.lower()) if step.type not in MESSAGE_TYPES else None
            if kind is None:
                continue
            together = kind == "ringall"
            if together and groups and groups[-1][0]:
                groups[-1][1].append(step)
            else:
                groups.append((together, [step]))
        return groups


def token(seed: Any, *parts: str, size: int = 50) -> str:
    """A download token like the document's 75GV5LxVNdQuohMge0NMFpS2Oxwc3jKTmhjWE3987oPTOhCJ7o."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n = int(hashlib.sha512(":".join([str(seed), *parts]).encode()).hexdigest(), 16)
    out = []
    for _ in range(size):
        n, r = divmod(n, 62)
        out.append(alphabet[r])
    return "".join(out)


def notify(p: "MttTelecomProvider", run: CallBackRun, event: str, phone_a: Optional[str] = None) -> None:
    """GET http://<callBackURL>/event.php?event=...&id=...[&phone_A=+7...]: the URL is built as
    the document's log prints it (phone_A with a literal +)."""
    if not run.url:
        return
    url = f"http://{run.url}/event.php?event={event}&id={run.id}"
    if phone_a is not None:
        url += f"&phone_A=+{phone_a.lstrip('+')}"
    p.sim.delivery.send(Callback(provider=p.slug, url=url, kind=EVENT, method="GET", body=None, content_type=None,
                                 tenant=run.tenant_id, call_id=run.call_id, meta={"event": event}))


async def run_flow(p: "MttTelecomProvider", run: CallBackRun, call: "Call", platform: "Leg") -> None:
    engine = p.sim.engine
    engine.answer(platform)
    run.ended = asyncio.get_running_loop().create_future()
    notify(p, run, "start_side_A")
    a_targets = _side_a(run)
    a_out = await _ring(p, call, a_targets, platform)
    if a_out.leg is None:
        run.failure = ("Call ended by timeout on side A" if a_out.last_cause in TIMEOUT_CAUSES
                       else "Call ended by cancel on side A")
        notify(p, run, "end_side_A")
        engine.hangup(platform, a_out.last_cause)
        return
    run.a_leg = a_leg = a_out.leg
    notify(p, run, "pickup_side_A", a_leg.number)
    if not await _play(p, run, a_leg, "A"):
        return await _finish_early(p, run, platform, "Call ended by cancel on side A", b_started=False)
    notify(p, run, "start_side_B")
    run.b_dialled_at = p.sim.clock.now()
    b_out = await _ring(p, call, _side_b(run), a_leg)
    if a_leg.ended:
        if b_out.leg is not None:
            engine.hangup(b_out.leg)
        return await _finish_early(p, run, platform, "Call ended by cancel on side A", b_started=True)
    if b_out.leg is None:
        cause = b_out.last_cause
        run.failure = ("Call ended by timeout on side B" if cause in TIMEOUT_CAUSES
                       else "Call ended by cancel on side B")
        engine.hangup(a_leg, Cause.NORMAL_CLEARING)
        notify(p, run, "end_side_B")
        notify(p, run, "end_side_A")
        engine.hangup(platform, Cause.NORMAL_CLEARING)
        return
    run.b_leg = b_leg = b_out.leg
    if run.dtmf_number:
        # the extension is dialled towards side B as tones once it answers (DTMF_SECONDS per digit)
        await engine.play(b_leg, f"dtmf:{run.dtmf_number}", duration=DTMF_SECONDS * len(run.dtmf_number))
    if not await _play(p, run, b_leg, "B") or a_leg.ended:
        engine.hangup(a_leg)
        engine.hangup(b_leg)
        return await _finish_early(p, run, platform, "Call ended by cancel on side B", b_started=True)
    engine.bridge(a_leg, b_leg)
    run.talk_at = p.sim.clock.now()
    notify(p, run, "start_talk")
    limit = _limit(run, a_leg)
    try:
        if limit is None:
            await asyncio.shield(run.ended)
        else:
            await p.sim.clock.wait_for(asyncio.shield(run.ended), max(limit, 0.0))
    except asyncio.TimeoutError:
        engine.hangup(b_leg, Cause.NORMAL_CLEARING)
        engine.hangup(a_leg, Cause.NORMAL_CLEARING)
    notify(p, run, "end_side_B")
    notify(p, run, "end_side_A")
    run.status = "ok"
    engine.hangup(platform, Cause.NORMAL_CLEARING)


async def _finish_early(p, run: CallBackRun, platform: "Leg", failure: str, *, b_started: bool) -> None:
    run.failure = failure
    if b_started:
        notify(p, run, "end_side_B")
    notify(p, run, "end_side_A")
    p.sim.engine.hangup(platform, Cause.NORMAL_CLEARING)


def _limit(run: CallBackRun, a_leg: "Leg") -> Optional[float]:
    """Seconds of talk left: ``duration`` limits the talk; ``maxtime`` the sum of both sides'
    lengths (side A has been connected since its pickup)."""
    limits = []
    if run.duration:
        limits.append(run.duration)
    if run.maxtime and run.talk_at is not None and a_leg.answered_at is not None:
        limits.append((run.maxtime - (run.talk_at - a_leg.answered_at)) / 2)
    return min(limits) if limits else None


def _side_a(run: CallBackRun) -> list[tuple[bool, list[ringing.Target]]]:
    if run.direction == 1:
        return [(False, [ringing.Target(run.b_number, B_TIMEOUT, run.caller_id or run.client_caller_id)])]
    return [(together, [ringing.Target(s.redirect_number, s.timeout or 15, s.caller_id or run.client_caller_id,
                                       {"callback": s.name or ""}) for s in rows])
            for together, rows in run.ring_groups()]


def _side_b(run: CallBackRun) -> list[tuple[bool, list[ringing.Target]]]:
    if run.direction == 1:
        return [(together, [ringing.Target(s.redirect_number, s.timeout or 15, run.b_number,
                                           {"callback": s.name or ""}) for s in rows])
                for together, rows in run.ring_groups()]
    return [(False, [ringing.Target(run.b_number, B_TIMEOUT, run.caller_id)])]


async def _ring(p, call: "Call", groups, alive: "Leg") -> ringing.Outcome:
    out = ringing.Outcome(None)
    for together, targets in groups:
        if alive.ended:
            break
        step = await (ringing.all_at_once if together else ringing.one_by_one)(p, call, targets, alive=alive)
        out.tried.extend(step.tried)
        out.last_cause = step.last_cause
        if step.leg is not None:
            out.leg = step.leg
            break
    return out


async def _play(p: "MttTelecomProvider", run: CallBackRun, leg: "Leg", side: str) -> bool:
    ref = p.state.customer(run.customer_name)
    prompts = ref.customer.callback_prompts if ref is not None else {}
    for step in run.messages(side):
        if step.type == "text":
            ok = await p.sim.engine.play(leg, None, text=step.value)
        else:
            prompt = prompts.get(step.value) or next(
                (v for k, v in prompts.items() if k.rsplit(".", 1)[0] == step.value), None)
            ok = await p.sim.engine.play(leg, step.value, duration=prompt.seconds if prompt else 3.0)
        if not ok:
            return False
    return True


def charged(seconds: float) -> int:
    return int(math.ceil(seconds / 60.0) * 60) if seconds > 0 else 0
