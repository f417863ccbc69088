"""How the ВАТС handles a call: parking (§10.1.1, §10.2), the number's scheme of workplaces,
the terminals of a workplace, outgoing calls and makeCall (§10.3.1), and the commands of
§10.3.2–§10.3.3. Notifications are sent as the call moves (notify.py); the end of a call and
its record are seen on the engine's bus (events.py)."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Optional

from simulator.engine import Call, Cause, PartyBehaviour
from simulator.engine.calls import Leg

from . import parties
from .calls import BizCall, BizLeg
from .directory import Pbx
from .world import ExternalNumber, Terminal, Workplace

if TYPE_CHECKING:
    from simulator.sim import CallRequest

    from .provider import MttBusinessProvider

#: terminal kinds that give only trying and finished (§6.1)
QUIET_KINDS = {"sip", "external"}
#: the second leg of makeCall / an outgoing call rings the outside number this long at most
OUTSIDE_RING = 60.0
BUSY = PartyBehaviour(busy=True)


class Flows:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    @property
    def engine(self):
        return self.p.sim.engine

    @property
    def settings(self):
        return self.p.directory.settings

    def now(self) -> float:
        return self.p.sim.clock.now()

    # ------------------------------------------------------------ behaviour
    def _behaviour(self, call: Call, number: str, wid: Optional[str], tid: Optional[str],
                   terminal: Optional[Terminal], wp: Optional[Workplace]) -> Optional[PartyBehaviour]:
        for key in (number, tid, wid):
            if key and key in call.script:
                return call.script[key]
        if terminal is not None and terminal.party is not None:
            return terminal.party
        return wp.party if wp is not None else None

    def _dial_terminal(self, bc: BizCall, leg: BizLeg, wid: str, tid: str, caller_id: str,
                       timeout: Optional[float]) -> Leg:
        wp = bc.pbx.workplace(wid)
        terminal = wp.terminals.get(tid) if wp is not None else None
        number = terminal.number if terminal is not None and terminal.number else tid
        behaviour = self._behaviour(bc.call, number, wid, tid, terminal, wp)
        if self.settings.busy_in_call and self.p.registry.in_call.get(tid):
            behaviour = BUSY   # already in a conversation
        el = self.engine.dial(bc.call, number, caller_id=caller_id, timeout=timeout, behaviour=behaviour,
                              meta={"workplace": wid, "terminal": tid})
        bc.mtt_side.add(el.id)
        self.p.registry.watch(leg, el)
        return el

    async def _ring(self, bc: BizCall, leg: BizLeg, wid: str, tids: list[str], caller_id: str) -> Optional[Leg]:
        """Ring the workplace's terminals (all at once, or one by one); the leg that answered."""
        wp = bc.pbx.workplace(wid)
        ring = self.settings.ring_timeout
        if wp is not None and wp.distribution == "sequential" and len(tids) > 1:
            for tid in tids:
                el = self._dial_terminal(bc, leg, wid, tid, caller_id, ring)
                if await self.engine.wait_answer(el):
                    return el
                if leg.command is not None or (bc.origin is not None and bc.origin.ended):
                    return None
            return None
        legs = [self._dial_terminal(bc, leg, wid, tid, caller_id, ring) for tid in tids]
        waits = {asyncio.ensure_future(self.engine.wait_answer(el)): el for el in legs}
        pending = set(waits)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            winner = next((waits[d] for d in done if d.result()), None)
            if winner is not None:
                for other in legs:
                    if other is not winner:
                        self.engine.hangup(other, Cause.NORMAL_CLEARING, by="system")
                return winner
        return None

    def _new_leg(self, bc: BizCall, caller, callee, wid: Optional[str], kinds: list[str]) -> BizLeg:
        leg = BizLeg(self.p.registry.next_leg_id(bc), self.p.registry.incoming_tag() if bc.type == "incoming"
                     else bc.first.tag, caller, callee, self.now(), workplace=wid)
        leg.quiet = bool(kinds) and all(k in QUIET_KINDS for k in kinds)
        leg.twice = "mobile_app" in kinds
        self.p.registry.add_leg(bc, leg)
        return leg

    def _connect(self, bc: BizCall, leg: BizLeg, stay: Leg, answered: Leg) -> None:
        wid = answered.meta.get("workplace")
        wp = bc.pbx.workplace(wid) if wid else None
        number_cfg = bc.pbx.cfg.numbers.get(bc.number) if bc.number else None
        if wp is not None and not leg.quiet and (wp.record or (number_cfg is not None and number_cfg.record)):
            bc.call.record = True   # §6.3: a record only when the call passed a workplace
            bc.record_account = wid
        self.engine.bridge(stay, answered)
        leg.answered = answered
        leg.connected_at = self.now()
        leg.terminal_kind = self._kind(bc.pbx, wid, answered.meta.get("terminal"))
        if wid is not None:
            leg.callee = leg.callee.model_copy(update={"accountId": answered.meta.get("terminal") or wid})
        bc.connected = leg
        self.p.notifier.state(bc, leg, "connected")

    @staticmethod
    def _kind(pbx: Pbx, wid: Optional[str], tid: Optional[str]) -> Optional[str]:
        wp = pbx.workplace(wid) if wid else None
        t = wp.terminals.get(tid) if wp is not None and tid else None
        return t.kind if t is not None else None

    # -------------------------------------------------------------- incoming
    def incoming(self, pbx: Pbx, number: str, cfg: ExternalNumber, req: "CallRequest") -> Call:
        call = self.engine.create_call(self.p.slug, pbx.centrex_id, "inbound", req.from_, req.to,
                                       script=req.script, meta={**req.meta, "number": number})
        origin = self.engine.add_origin(call, req.from_, behaviour=req.caller)
        reg = self.p.registry
        first = BizLeg(f"{reg.incoming_base()}~1o", reg.incoming_tag(), parties.outside(req.from_),
                       parties.external_number(pbx, req.to), self.now())
        first.parked = self.settings.parking_mode == "always" or pbx.parking.get(number, False)
        bc = BizCall(call, pbx, "incoming", self.settings.inbound_transport_id, first, number=number, origin=origin)
        reg.add(bc)
        self.p.notifier.state(bc, first, "trying")
        self.engine.spawn(call, self._incoming(bc, cfg))
        return call

    async def _incoming(self, bc: BizCall, cfg: ExternalNumber) -> None:
        first = bc.first
        if first.parked:
            decision = await self.engine.park(bc.call, first.id, self.settings.parking_timeout, None)
            first.parked = False
            if bc.origin.ended:
                return
            if decision is not None and decision[0] == "transfer" and await self.offer(bc, decision[1]):
                return
        for wid in cfg.routes_to:
            if bc.origin.ended:
                return
            if await self.offer(bc, wid):
                return
        if not bc.origin.ended:
            tried = [el for leg in bc.legs for el in leg.engine_legs]
            busy = bool(tried) and all(el.cause == Cause.USER_BUSY for el in tried)
            bc.fail_cause = Cause.USER_BUSY if busy else Cause.NO_ANSWER
            self.engine.hangup(bc.origin, bc.fail_cause, by="system")

    def _target(self, pbx: Pbx, target: str) -> tuple[Optional[str], list[str]]:
        """A transfer target — a workplace SIP ID, a terminal SIP ID or a workplace's short number:
        (workplace, its terminals to ring); (None, []) for an outside number."""
        wp = pbx.workplace(target)
        if wp is not None:
            return target, list(wp.terminals)
        wid = pbx.extensions.get(target)
        if wid is not None:
            return wid, list(pbx.cfg.workplaces[wid].terminals)
        found = self.p.directory.by_caller(target)
        if found is not None and found[0] is pbx and found[2] is not None:
            return found[1], [found[2]]
        return None, []

    async def offer(self, bc: BizCall, target: str) -> bool:
        """Offer the incoming call to a workplace (or an outside number); True once connected."""
        pbx, origin = bc.pbx, bc.origin
        wid, tids = self._target(pbx, target)
        cfg = pbx.cfg.numbers.get(bc.number) if bc.number else None
        if wid is None:
            leg = self._new_leg(bc, bc.first.caller, parties.outside(target, pstn=False), None, ["external"])
            el = self.engine.dial(bc.call, target, caller_id=origin.number, timeout=self.settings.ring_timeout,
                                  behaviour=bc.call.script.get(target))
            self.p.registry.watch(leg, el)
            answered = el if await self.engine.wait_answer(el) else None
        else:
            wp = pbx.workplace(wid)
            kinds = [wp.terminals[t].kind for t in tids]
            if cfg is not None and cfg.ivr:   # §6.6: through an IVR an fmc terminal needs a group
                kinds = [("external" if k == "fmc" and wp.terminals[t].group is None else k)
                         for k, t in zip(kinds, tids)]
            callee = parties.workplace_callee(pbx, wid, tids[0] if len(tids) == 1 else wid, bc.number,
                                              cfg.forwarders if cfg is not None else [])
            leg = self._new_leg(bc, bc.first.caller, callee, wid, kinds)
            leg.extension = target if pbx.extensions.get(target) == wid else ""
            self.p.notifier.state(bc, leg, "showing")
            bc.showing = leg
            answered = await self._ring(bc, leg, wid, tids, origin.number) if tids else None
        if answered is not None and not origin.ended and not answered.ended:
            self._connect(bc, leg, origin, answered)
            return True
        command, leg.command = leg.command, None
        leg.ended = True   # a workplace left is no longer a leg commands can name
        if not origin.ended:
            self.p.notifier.state(bc, leg, "hiding")
            bc.showing = None
            if command is not None and command[0] == "transfer":
                return await self.offer(bc, command[1])
        return False

    # -------------------------------------------------------------- outgoing
    def outgoing(self, pbx: Pbx, wid: str, tid: Optional[str], to: str, req: "CallRequest") -> Call:
        """A call placed on a workplace's phone (or a terminal of it) to ``to``."""
        wp = pbx.workplace(wid)
        tid = tid or next(iter(wp.terminals), wid)
        terminal = wp.terminals.get(tid)
        call = self.engine.create_call(self.p.slug, pbx.centrex_id, "outbound", tid, to, script=req.script,
                                       meta={**req.meta, "workplace": wid})
        origin = self.engine.add_origin(call, tid, behaviour=req.caller or wp.party,
                                        meta={"workplace": wid, "terminal": tid})
        bc = self._outgoing_call(pbx, call, wid, wp, to)
        bc.origin = origin
        bc.mtt_side.add(origin.id)
        kind = terminal.kind if terminal is not None else None
        bc.first.terminal_kind = kind
        bc.first.quiet = kind in QUIET_KINDS
        bc.first.twice = kind == "mobile_app"
        self.p.notifier.state(bc, bc.first, "trying")
        self.engine.spawn(call, self._second_leg(bc, origin, to, wp))
        return call

    def _outgoing_call(self, pbx: Pbx, call: Call, wid: str, wp: Workplace, to: str,
                       call_id: Optional[str] = None) -> BizCall:
        reg = self.p.registry
        leg_id, tag = reg.outgoing_ids()
        first = BizLeg(call_id or leg_id, tag, parties.workplace_caller(pbx, wid, wp),
                       parties.outside(to, pstn=False), self.now(), workplace=wid)
        bc = BizCall(call, pbx, "outgoing", self.settings.transport_id, first)
        reg.add(bc)
        return bc

    async def _second_leg(self, bc: BizCall, mtt: Leg, to: str, wp: Workplace) -> None:
        """Ring the outside party; showing while it rings, connected when it answers."""
        leg = bc.first
        el = self.engine.dial(bc.call, to, caller_id=leg.caller.id, timeout=OUTSIDE_RING,
                              behaviour=bc.call.script.get(to))
        self.p.registry.by_engine_leg[el.id] = leg
        if await self.engine.wait_answer(el) and not mtt.ended:
            if wp.record and not leg.quiet:
                bc.call.record = True
                bc.record_account = leg.workplace
            self.engine.bridge(mtt, el)
            leg.answered, leg.connected_at, bc.connected = mtt, self.now(), leg
            self.p.notifier.state(bc, leg, "connected")
        elif not mtt.ended:
            bc.fail_cause = el.cause
            self.engine.hangup(mtt, el.cause or Cause.NORMAL_CLEARING, by="system")

    def make_call(self, pbx: Pbx, wid: str, calleid: str) -> BizCall:
        """§10.3.1: the first leg rings the workplace; only when it answers is ``calleid`` called."""
        wp = pbx.workplace(wid)
        call = self.engine.create_call(self.p.slug, pbx.centrex_id, "outbound", wid, calleid,
                                       meta={"workplace": wid, "makeCall": True})
        bc = self._outgoing_call(pbx, call, wid, wp, calleid,
                                 call_id=self.p.registry.make_call_id(self.settings.transport_id))
        kinds = [t.kind for t in wp.terminals.values()]
        bc.first.quiet = bool(kinds) and all(k in QUIET_KINDS for k in kinds)
        bc.first.twice = "mobile_app" in kinds
        self.p.notifier.state(bc, bc.first, "trying")
        self.engine.spawn(call, self._make_call(bc, wid, calleid, wp))
        return bc

    async def _make_call(self, bc: BizCall, wid: str, calleid: str, wp: Workplace) -> None:
        answered = await self._ring(bc, bc.first, wid, list(wp.terminals), calleid)
        if answered is None:
            cause = next((el.cause for el in reversed(bc.first.engine_legs) if el.cause), Cause.NO_ANSWER)
            bc.fail_cause = cause if bc.first.command is None else None
            return
        await self._second_leg(bc, answered, calleid, wp)

    # -------------------------------------------------------------- commands
    def terminate(self, bc: BizCall, leg: BizLeg) -> None:
        """§10.3.2: a parked leg lets the call go on by the scheme at once; a ringing workplace
        leg stops ringing (the scheme goes on); otherwise the MTT Business side hangs up."""
        if leg.parked:
            self.engine.decide(leg.id, ("terminate",))
            return
        if bc.type == "incoming" and leg is bc.first:
            # the caller's own leg: the call ends
            bc.first_end = bc.first_end or "mtt"
            self.engine.hangup(bc.origin, Cause.NORMAL_CLEARING, by="api")
            return
        ringing = [el for el in leg.engine_legs if not el.ended and el.answered_at is None]
        if bc.type == "incoming" and leg.answered is None and ringing:
            leg.command = ("terminate",)
            for el in ringing:
                self.engine.hangup(el, Cause.NORMAL_CLEARING, by="api")
            return
        if bc.first_end is None:
            bc.first_end = "mtt"
        mtt = [l for l in bc.call.live_legs() if l.id in bc.mtt_side] or bc.call.live_legs()
        for el in mtt:
            self.engine.hangup(el, Cause.NORMAL_CLEARING, by="api")

    def transfer(self, bc: BizCall, leg: BizLeg, target: str) -> Optional[str]:
        """§10.3.3; None when done, else why not (409)."""
        if leg.parked:
            self.engine.decide(leg.id, ("transfer", target))
            return None
        ringing = [el for el in leg.engine_legs if not el.ended and el.answered_at is None]
        if bc.type == "incoming" and leg is not bc.first and leg.answered is None and ringing:
            leg.command = ("transfer", target)
            for el in ringing:
                self.engine.hangup(el, Cause.NORMAL_CLEARING, by="api")
            return None
        if leg.answered is None or leg.answered.ended or bc.connected is not leg:
            return "the call leg is not connected: only a parked, ringing or connected leg can be transferred"
        if leg.terminal_kind == "fmc":
            # §6.2: a transfer from an FMC terminal is not possible and the call ends
            bc.first_end = bc.first_end or "mtt"
            self.engine.hangup(leg.answered, Cause.NORMAL_CLEARING, by="api")
            return None
        return self._blind_transfer(bc, leg, target)

    def _blind_transfer(self, bc: BizCall, leg: BizLeg, target: str) -> Optional[str]:
        mtt = leg.answered   # the side that leaves: the workplace (or forward) that answered
        peers = bc.call.peers(mtt)
        if not peers:
            return "the call leg has no other party to transfer"
        stay = peers[0]
        wid, tids = self._target(bc.pbx, target)
        self.p.notifier.state(bc, leg, "hiding")
        caller = leg.caller if bc.type == "incoming" else parties.outside(stay.number)
        if wid is None:
            new = self._new_leg(bc, caller, parties.outside(target, pstn=False), None, ["external"])
            el = self.engine.blind_transfer(bc.call, mtt, target, caller_id=stay.number,
                                            timeout=self.settings.ring_timeout, behaviour=bc.call.script.get(target))
        else:
            wp = bc.pbx.workplace(wid)
            tid = tids[0]
            callee = parties.workplace_callee(bc.pbx, wid, tid, bc.number, [])
            new = self._new_leg(bc, caller, callee, wid, [wp.terminals[tid].kind])
            new.extension = target if bc.pbx.extensions.get(target) == wid else ""
            number = wp.terminals[tid].number or tid
            el = self.engine.blind_transfer(bc.call, mtt, number, caller_id=stay.number,
                                            timeout=self.settings.ring_timeout,
                                            behaviour=self._behaviour(bc.call, number, wid, tid, wp.terminals[tid], wp),
                                            meta={"workplace": wid, "terminal": tid})
            bc.mtt_side.add(el.id)
            self.p.notifier.state(bc, new, "showing")
        self.p.registry.watch(new, el)
        leg.ended = True
        self.engine.spawn(bc.call, self._transferred(bc, new, el))
        return None

    async def _transferred(self, bc: BizCall, leg: BizLeg, el: Leg) -> None:
        if await self.engine.wait_answer(el):
            wid = el.meta.get("workplace")
            wp = bc.pbx.workplace(wid) if wid else None
            if wp is not None and wp.record and not leg.quiet and not bc.call.record:
                bc.call.record = True
                bc.record_account = wid
                self.engine.start_recording(bc.call)
            leg.answered, leg.connected_at, bc.connected = el, self.now(), leg
            leg.terminal_kind = self._kind(bc.pbx, wid, el.meta.get("terminal"))
            self.p.notifier.state(bc, leg, "connected")
