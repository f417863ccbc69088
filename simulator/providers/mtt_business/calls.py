"""Calls as the Open API shows them: each call has legs with their own Call-ID and tag
(§10.1: "Идентификатор плеча вызова"); commands name a leg (§10.3.2)."""
from __future__ import annotations

import random
import string
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional

from simulator.engine import Call
from simulator.engine.calls import Leg

from .directory import Pbx
from .models import Party

_HEX = "0123456789abcdef"
_LOWER = string.ascii_lowercase + string.digits
_MAKECALL = string.ascii_letters + string.digits + "!"


@dataclass(eq=False)
class BizLeg:
    id: str
    tag: Optional[str]
    caller: Party
    callee: Party
    started_at: float
    workplace: Optional[str] = None
    #: §6.1 / §6.6: only trying and finished are sent for this leg
    quiet: bool = False
    #: §6.5: the mobile app as the workplace: every notification twice
    twice: bool = False
    parked: bool = False
    engine_legs: list[Leg] = field(default_factory=list)
    answered: Optional[Leg] = None
    connected_at: Optional[float] = None
    #: a command given while the leg rings: ("transfer", target) or ("terminate",)
    command: Optional[tuple] = None
    terminal_kind: Optional[str] = None
    #: the short number the workplace was reached by (finished's extensionId, §10.1.7)
    extension: str = ""
    ended: bool = False


@dataclass(eq=False)
class BizCall:
    call: Call
    pbx: Pbx
    type: str                     # "incoming" / "outgoing" (callInfo/type, lower case as the examples)
    transport_id: str
    first: BizLeg
    legs: list[BizLeg] = field(default_factory=list)
    number: Optional[str] = None  # the external number an incoming call arrived on
    origin: Optional[Leg] = None  # the party the call started from
    mtt_side: set[str] = field(default_factory=set)  # engine leg ids of the MTT Business user
    first_end: Optional[str] = None   # who hung up first: "mtt" or "other"
    fail_cause: Optional[int] = None  # why the ВАТС gave up (Q.850), when it did
    connected: Optional[BizLeg] = None
    showing: Optional[BizLeg] = None   # the workplace leg shown and not hidden (yet)
    record_account: Optional[str] = None  # the workplace of the record (§6.3), when one was made
    leg_seq: int = 1


class CallRegistry:
    """Live calls indexed by leg id and by engine call id; finished ones are forgotten."""

    def __init__(self) -> None:
        self.rng = random.Random(0)
        self.legs: dict[str, tuple[BizCall, BizLeg]] = {}
        self.calls: dict[str, BizCall] = {}
        self.by_engine_leg: dict[str, BizLeg] = {}
        self.finished: OrderedDict[str, BizCall] = OrderedDict()
        self.in_call: dict[str, int] = {}   # terminal SIP ID -> conversations it is in

    def reset(self, seed: int) -> None:
        self.in_call.clear()
        self.rng = random.Random(f"mtt-business-calls-{seed}")
        self.legs.clear()
        self.calls.clear()
        self.by_engine_leg.clear()
        self.finished.clear()

    # ------------------------------------------------------------------ ids
    def _hex(self, n: int) -> str:
        return "".join(self.rng.choice(_HEX) for _ in range(n))

    def incoming_base(self) -> str:
        """``c166e238a4c211ea9d373863bb43daf8_00015ED635780FC7`` (§10.1.1)."""
        return f"{self._hex(32)}_{self._hex(16).upper()}"

    def incoming_tag(self) -> str:
        """``hswdfry52vmykfla____.o`` (§10.1.1)."""
        return "".join(self.rng.choice(_LOWER) for _ in range(16)) + "____.o"

    def outgoing_ids(self) -> tuple[str, str]:
        """``SDfe2n901-b510…c9200@127.0.0.1`` and its tag ``sdfe2n901-281028329`` (§10.1.2)."""
        prefix = "SD" + "".join(self.rng.choice(_LOWER) for _ in range(5)) + "01"
        call_id = f"{prefix}-{self._hex(32)}{self.rng.choice('12')}00@127.0.0.1"
        return call_id, f"{prefix.lower()}-{self.rng.randrange(10 ** 8, 10 ** 9)}"

    def make_call_id(self, transport_id: str) -> str:
        """``7NKe6!8fa1FMSlc6ypZdb1GSV6ZN@10.133.51.137`` (§10.3.1)."""
        return "".join(self.rng.choice(_MAKECALL) for _ in range(28)) + "@" + transport_id.split(":")[0]

    def next_leg_id(self, bc: BizCall) -> str:
        bc.leg_seq += 1
        if bc.first.id.endswith("~1o"):
            return f"{bc.first.id[:-3]}~{bc.leg_seq}o"
        return f"{bc.first.id.split('@')[0]}~{bc.leg_seq}o@{bc.first.id.split('@')[-1]}"

    # ---------------------------------------------------------------- index
    def add(self, bc: BizCall) -> None:
        self.calls[bc.call.id] = bc
        self.add_leg(bc, bc.first)

    def add_leg(self, bc: BizCall, leg: BizLeg) -> None:
        bc.legs.append(leg)
        self.legs[leg.id] = (bc, leg)

    def watch(self, leg: BizLeg, engine_leg: Leg) -> None:
        leg.engine_legs.append(engine_leg)
        self.by_engine_leg[engine_leg.id] = leg

    def leg(self, leg_id: str) -> Optional[tuple[BizCall, BizLeg]]:
        return self.legs.get(leg_id)

    def forget(self, bc: BizCall) -> None:
        self.calls.pop(bc.call.id, None)
        for leg in bc.legs:
            leg.ended = True
            self.legs.pop(leg.id, None)
            for el in leg.engine_legs:
                self.by_engine_leg.pop(el.id, None)
        self.finished[bc.call.id] = bc
        while len(self.finished) > 500:
            self.finished.popitem(last=False)
