"""Call flows of the portal on the engine: find-me routing, IVR (Голосовое меню), queue
(Очередь), click-to-dial, transfers. Each abonent leg is registered as an AbonentCall."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Optional

from ...engine import Call, Cause, Leg, LegState
from ...engine.behaviour import PartyBehaviour
from ...numbers import digits
from .calls import META, AbonentCall
from .findme import PLAIN_RING_TIMEOUT, SELF, Forward, RingStep, plan_for

if TYPE_CHECKING:
    from .provider import MtsVpbx
    from .backend import AbonentState, Enterprise

MAX_FORWARDS = 5
IVR_PROMPT = "Здравствуйте! Вы позвонили в компанию. Нажмите 2, чтобы связаться с оператором."


class Flows:
    def __init__(self, provider: "MtsVpbx"):
        self.p = provider

    @property
    def engine(self):
        return self.p.sim.engine

    @property
    def now(self) -> float:
        return self.p.sim.clock.now()

    # ------------------------------------------------------------------ helpers
    def behaviour(self, call: Call, ab: "AbonentState") -> Optional[PartyBehaviour]:
        """The call's script wins (tests, scenarios); else the abonent's phone as the world says."""
        phone = digits(ab.cfg.phoneNumber) if ab.cfg.phoneNumber else None
        for key, b in call.script.items():
            if key == ab.cfg.extension or (phone and digits(key) == phone):
                return b
        return ab.cfg.party

    def conversation(self, call: Call) -> str:
        data = call.meta.setdefault(META, {})
        if "ext" not in data:
            data["ext"] = self.p.registry.next_conversation()
        return data["ext"]

    def register(self, ent: "Enterprise", call: Call, leg: Leg, ab: "AbonentState", direction: str,
                 remote: Optional[str], calling: str, called: str, redirecting_number: str = "",
                 redirecting_reason: Optional[str] = None, call_group: Optional[str] = None) -> AbonentCall:
        half = self.p.registry.next_callhalf()
        remote_ab = ent.find_abonent_by_number(remote) if remote else None
        ac = AbonentCall(
            callId=f"callhalf-{half}:0", callhalf=half, userId=ab.userId, enterprise_id=ent.id, leg_id=leg.id,
            engine_call_id=call.id, extTrackingId=self.conversation(call), callDirection=direction,
            remote_number=remote, remote_name=remote_ab.name if remote_ab else None,
            startTime=int(round(leg.created_at * 1000)), calling=calling, called=called,
            redirectingNumber=redirecting_number, redirectingReason=redirecting_reason,
            callGroupId=call_group or str(half))
        if remote_ab is not None:
            ac.extra["recordAbonentId"] = remote_ab.userId
            ac.extra["abonentName"] = remote_ab.name
        leg.meta[META] = {"callId": ac.callId, "userId": ab.userId}
        self.p.registry.add(ac)
        if direction == "Terminator":
            ab.last_received = remote
        else:
            ab.last_dialed = remote
        return ac

    def dial_abonent(self, ent, call: Call, ab: "AbonentState", *, caller: str, called: str,
                     timeout: Optional[float], redirecting_number: str = "", redirecting_reason: Optional[str] = None,
                     call_group: Optional[str] = None, remote: Optional[str] = None) -> Leg:
        """Ring an abonent; ``caller`` is what its phone and the record show, ``remote`` the party
        it will talk to (they differ for later queue offers, which show the queue's number)."""
        leg = self.engine.dial(call, ab.number, caller_id=caller, behaviour=self.behaviour(call, ab),
                               timeout=timeout)
        self.register(ent, call, leg, ab, "Terminator", remote or caller, caller, called,
                      redirecting_number, redirecting_reason, call_group)
        return leg

    def segment(self, call: Call, **data) -> dict:
        """A service of the enterprise (IVR, queue) that handled the call: one history record."""
        half = self.p.registry.next_callhalf()
        seg = {"callhalf": half, "start": self.now, **data}
        call.meta.setdefault(META, {}).setdefault("segments", []).append(seg)
        return seg

    async def ring(self, call: Call, legs: list[Leg]) -> tuple[Optional[Leg], str]:
        """Wait until one leg answers (the others are cancelled) or all end.
        Returns (winner, outcome) with outcome answered|busy|no_answer|unavailable|rejected|gone,
        or transferred when a ringing leg was blind-transferred (the engine completes that transfer,
        so the flow must leave the caller alone)."""
        if not legs:
            return None, "no_answer"
        waits = {asyncio.ensure_future(self.engine.wait_answer(leg)): leg for leg in legs}
        winner = None
        transferred = False
        pending = set(waits)
        try:
            while pending and winner is None and not transferred:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for d in done:
                    if d.result() and winner is None:
                        winner = waits[d]
                    elif waits[d].state == LegState.DETACHED:
                        transferred = True
        finally:
            for t in pending:
                t.cancel()
        if transferred and winner is None:
            for leg in legs:
                if not leg.ended:
                    self.engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
            return None, "transferred"
        if winner is not None:
            for leg in legs:
                if leg is not winner and not leg.ended:
                    self.engine.hangup(leg, Cause.NORMAL_CLEARING, by="system")
            return winner, "answered"
        causes = {leg.cause for leg in legs}
        if Cause.USER_BUSY in causes:
            return None, "busy"
        if causes & {Cause.SUBSCRIBER_ABSENT, Cause.UNASSIGNED_NUMBER, Cause.DESTINATION_OUT_OF_ORDER}:
            return None, "unavailable"
        if Cause.CALL_REJECTED in causes:
            return None, "rejected"
        if any(leg.ended_by == "peer" for leg in legs):
            return None, "gone"
        return None, "no_answer"

    def _end_peer(self, peer: Leg, outcome: str) -> None:
        cause = {"busy": Cause.USER_BUSY, "unavailable": Cause.SUBSCRIBER_ABSENT, "rejected": Cause.CALL_REJECTED,
                 "no_answer": Cause.NO_ANSWER}.get(outcome, Cause.NORMAL_CLEARING)
        if not peer.ended:
            self.engine.hangup(peer, cause, by="system")

    def _connect(self, peer: Leg, leg: Leg) -> None:
        if not peer.ended and not leg.ended:
            self.engine.bridge(peer, leg)

    # ------------------------------------------------------------ find me (4.11)
    async def to_abonent(self, ent, call: Call, peer: Leg, ab: "AbonentState", *, caller: str, called: str,
                         redirecting_number: str = "", redirecting_reason: Optional[str] = None,
                         call_group: Optional[str] = None, depth: int = 0) -> bool:
        """Route a call for ``ab`` through its find-me rules and connect it to ``peer``."""
        plan = plan_for(ent, ab.userId, self.now, called)
        call.meta.setdefault(META, {}).setdefault("plans", []).append(
            {"userId": ab.userId, "kind": plan.kind, "rule": plan.rule_id})
        if plan.always is not None:
            return await self.forward(ent, call, peer, plan.always, ab, caller=caller, depth=depth)
        outcome = "no_answer"
        for step in plan.steps:
            winner, outcome = await self._ring_step(ent, call, ab, step, caller=caller, called=called,
                                                    redirecting_number=redirecting_number,
                                                    redirecting_reason=redirecting_reason, call_group=call_group,
                                                    follow_me=plan.follow_me)
            if winner is not None:
                self._connect(peer, winner)
                return True
            if peer.ended or outcome in ("gone", "transferred"):
                return False
            if outcome == "busy" and not step.continue_if_busy:
                break
        fwd = {"busy": plan.on_busy, "no_answer": plan.on_no_answer, "unavailable": plan.on_unreachable,
               "rejected": plan.on_busy}.get(outcome)
        if fwd is not None and not peer.ended:
            return await self.forward(ent, call, peer, fwd, ab, caller=caller, depth=depth)
        self._end_peer(peer, outcome)
        return False

    async def _ring_step(self, ent, call: Call, ab, step: RingStep, *, caller, called, redirecting_number,
                         redirecting_reason, call_group, follow_me: bool) -> tuple[Optional[Leg], str]:
        legs = []
        for target in step.targets:
            if target == SELF:
                legs.append(self.dial_abonent(ent, call, ab, caller=caller, called=called, timeout=step.timeout,
                                              redirecting_number=redirecting_number,
                                              redirecting_reason=redirecting_reason, call_group=call_group))
                continue
            other = ent.find_abonent_by_number(target)
            if other is not None and other.userId != ab.userId:
                legs.append(self.dial_abonent(ent, call, other, caller=caller, called=other.number,
                                              timeout=step.timeout, redirecting_number=ab.number,
                                              redirecting_reason="FOLLOW_ME" if follow_me else redirecting_reason,
                                              call_group=call_group))
            elif other is None:
                legs.append(self.engine.dial(call, target, caller_id=caller, timeout=step.timeout,
                                             meta={"redirectingNumber": ab.number, "redirectingReason": "FOLLOW_ME"}))
        return await self.ring(call, legs)

    async def forward(self, ent, call: Call, peer: Leg, fwd: Forward, ab, *, caller: str, depth: int) -> bool:
        if depth >= MAX_FORWARDS:
            self._end_peer(peer, "unavailable")
            return False
        target = ent.find_abonent_by_number(fwd.number)
        if target is not None:
            return await self.to_abonent(ent, call, peer, target, caller=caller, called=target.number,
                                         redirecting_number=ab.number, redirecting_reason=fwd.reason,
                                         depth=depth + 1)
        leg = self.engine.dial(call, fwd.number, caller_id=caller, timeout=PLAIN_RING_TIMEOUT,
                               meta={"redirectingNumber": ab.number, "redirectingReason": fwd.reason})
        winner, outcome = await self.ring(call, [leg])
        if winner is not None:
            self._connect(peer, winner)
            return True
        if outcome != "transferred":
            self._end_peer(peer, outcome)
        return False

    # --------------------------------------------------------- enterprise numbers
    async def inbound(self, ent, call: Call, origin: Leg, to: str) -> None:
        """An external call to a number or extension of the enterprise."""
        caller = origin.number
        target = ent.resolve(to)
        if target is None:
            self._end_peer(origin, "unavailable")
            return
        kind, obj = target
        if kind == "abonent":
            await self.to_abonent(ent, call, origin, obj, caller=caller, called=to)
        elif kind == "ivr":
            await self.ivr(ent, call, origin, obj, caller=caller, called=to)
        elif kind == "queue":
            await self.queue(ent, call, origin, obj, caller=caller, called=to, redirecting_number="",
                             reason=None, call_group=None)

    async def ivr(self, ent, call: Call, origin: Leg, aa, *, caller: str, called: str) -> None:
        seg = self.segment(call, kind="ivr", userId=aa.bwksUserId, calling=caller, called=called,
                           redirectingNumber="", redirectingReason=None, callGroupId=None)
        seg["callGroupId"] = str(seg["callhalf"])
        self.engine.answer(origin)
        seg["answered"] = self.now
        await self.engine.play(origin, "ivr-greeting", text=IVR_PROMPT)
        key = await self.engine.collect_dtmf(origin, max_digits=1, timeout=aa.timeout)
        destination = aa.keys.get(key) if key else None
        if origin.ended:
            return
        if destination is None:
            self.engine.hangup(origin, Cause.NORMAL_CLEARING, by="system")
            return
        target = ent.resolve(destination)
        if target is None:
            self.engine.hangup(origin, Cause.UNASSIGNED_NUMBER, by="system")
            return
        kind, obj = target
        if kind == "queue":
            await self.queue(ent, call, origin, obj, caller=caller, called=destination, redirecting_number=called,
                             reason="DEFLECTION", call_group=seg["callGroupId"])
        elif kind == "abonent":
            await self.to_abonent(ent, call, origin, obj, caller=caller, called=destination,
                                  redirecting_number=called, redirecting_reason="DEFLECTION",
                                  call_group=seg["callGroupId"])
        else:
            self.engine.hangup(origin, Cause.NORMAL_CLEARING, by="system")

    async def queue(self, ent, call: Call, origin: Leg, cc, *, caller: str, called: str, redirecting_number: str,
                    reason: Optional[str], call_group: Optional[str]) -> None:
        """Offer the call to the agents one by one (circular: continuing after the last agent
        that got a call). The first offer shows the caller and the enterprise number; later
        offers show the queue's number and the previous agent, as the portal's records do."""
        seg = self.segment(call, kind="queue", userId=cc.bwksUserId, calling=caller, called=cc.extension,
                           redirectingNumber=redirecting_number, redirectingReason=reason, callGroupId=call_group)
        if seg["callGroupId"] is None:
            seg["callGroupId"] = str(seg["callhalf"])
        if origin.answered_at is None:
            self.engine.answer(origin)
        seg["answered"] = self.now
        agents = [ent.abonents[a] for a in cc.agents if a in ent.abonents]
        if not agents:
            self.engine.hangup(origin, Cause.NORMAL_CLEARING, by="system")
            return
        deadline = self.now + cc.max_wait
        start = self.p.queue_cursor.get(cc.bwksUserId, 0) if cc.distribution == "circular" else 0
        offer = 0
        previous: Optional[str] = None
        enterprise_number = redirecting_number or called
        while not origin.ended and self.now < deadline:
            agent = agents[(start + offer) % len(agents)]
            if offer == 0:
                calling, redirect_from = caller, enterprise_number
            else:
                calling, redirect_from = cc.extension, previous or enterprise_number
            leg = self.dial_abonent(ent, call, agent, caller=calling, called=agent.number,
                                    timeout=cc.agent_ring_timeout, redirecting_number=redirect_from,
                                    redirecting_reason="CALL_CENTER", call_group=str(seg["callhalf"]),
                                    remote=caller)
            winner, outcome = await self.ring(call, [leg])
            if winner is not None:
                self.p.queue_cursor[cc.bwksUserId] = (start + offer + 1) % len(agents)
                self._connect(origin, winner)
                return
            if origin.ended or outcome == "transferred":
                return
            previous = agent.number
            offer += 1
            await self.p.sim.clock.sleep(cc.offer_interval)
        if not origin.ended:
            self.engine.hangup(origin, Cause.NORMAL_CLEARING, by="system")

    # ------------------------------------------------------------- originated
    async def originate(self, ent, call: Call, origin: Leg, ab, to: str) -> None:
        """The abonent dials ``to`` (an extension of the enterprise or an outside number)."""
        target = ent.resolve(to)
        if target is not None:
            kind, obj = target
            if kind == "abonent":
                await self.to_abonent(ent, call, origin, obj, caller=ab.number, called=to)
            elif kind == "queue":
                await self.queue(ent, call, origin, obj, caller=ab.number, called=to, redirecting_number="",
                                 reason=None, call_group=None)
            else:
                await self.ivr(ent, call, origin, obj, caller=ab.number, called=to)
            return
        leg = self.engine.dial(call, to, caller_id=ab.cfg.callingLineIdPhoneNumber or ab.number,
                               timeout=PLAIN_RING_TIMEOUT)
        winner, outcome = await self.ring(call, [leg])
        if winner is not None:
            self._connect(origin, winner)
        elif outcome != "transferred":
            self._end_peer(origin, outcome)

    async def click_to_dial(self, ent, call: Call, ab_leg: Leg, ab, to: str) -> None:
        """4.8.2: the abonent's phone rings first; when it answers, ``to`` is dialled."""
        if not await self.engine.wait_answer(ab_leg):
            return
        await self.originate(ent, call, ab_leg, ab, to)
