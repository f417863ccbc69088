"""The abonent's view of engine calls (4.7 events, 4.8 call methods): one AbonentCall per
abonent leg, indexed by abonent and by engine leg."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Optional

from .models import CallDetails, CallSummary, EventPayload

META = "vpbx"   # key of the provider's data in engine leg/call meta


def ms(epoch: Optional[float]) -> Optional[int]:
    return None if epoch is None else int(round(epoch * 1000))


def address(number: Optional[str]) -> Optional[str]:
    """remotePartyAddress in the portal's (BroadWorks) form: ``tel:+79161234567``."""
    if not number:
        return None
    return number if number.startswith("tel:") else f"tel:{number}"


@dataclass
class AbonentCall:
    callId: str
    callhalf: int
    userId: int
    enterprise_id: int
    leg_id: str
    engine_call_id: str
    extTrackingId: str                  # conversation id, "20105616:1"
    callDirection: str                  # Originator | Terminator | Click-to-Dial
    remote_number: Optional[str]
    remote_name: Optional[str] = None
    state: str = "Idle"
    startTime: Optional[int] = None
    answerTime: Optional[int] = None
    endTime: Optional[int] = None
    inConference: bool = False
    announced: bool = False             # an event was sent for this call (RELEASED follows)
    answered_announced: bool = False
    # for the history record
    calling: str = ""
    called: str = ""
    redirectingNumber: str = ""
    redirectingReason: Optional[str] = None
    callGroupId: Optional[str] = None
    extra: dict = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.state not in ("Released", "Detached")

    def payload(self) -> EventPayload:
        # an outside party has no name on the portal: its number stands in for it, as on a phone's display
        return EventPayload(callId=self.callId, extTrackingId=self.extTrackingId, state=self.state,
                            remotePartyName=self.remote_name or self.remote_number,
                            remotePartyAddress=address(self.remote_number),
                            callDirection=self.callDirection, startTime=self.startTime,
                            answerTime=self.answerTime, endTime=self.endTime)

    def details(self) -> CallDetails:
        p = self.payload()
        return CallDetails(answerTime=p.answerTime, callDirection=p.callDirection, callId=p.callId,
                           endTime=p.endTime, remotePartyAddress=p.remotePartyAddress,
                           remotePartyName=p.remotePartyName, startTime=p.startTime, state=p.state)

    def summary(self) -> CallSummary:
        return CallSummary(callId=self.callId, inConference=self.inConference)


class CallRegistry:
    FIRST_CALLHALF = 3659200001
    FIRST_CONVERSATION = 20200001

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.by_user: dict[int, dict[str, AbonentCall]] = {}
        self.by_leg: dict[str, AbonentCall] = {}
        self._callhalf = itertools.count(self.FIRST_CALLHALF)
        self._conversation = itertools.count(self.FIRST_CONVERSATION)

    def next_callhalf(self) -> int:
        return next(self._callhalf)

    def next_conversation(self) -> str:
        return f"{next(self._conversation)}:1"

    def add(self, ac: AbonentCall) -> AbonentCall:
        self.by_user.setdefault(ac.userId, {})[ac.callId] = ac
        self.by_leg[ac.leg_id] = ac
        return ac

    def live_for(self, user_id: int) -> list[AbonentCall]:
        return [c for c in self.by_user.get(user_id, {}).values() if c.live]

    def get(self, user_id: int, call_id: str) -> Optional[AbonentCall]:
        return self.by_user.get(user_id, {}).get(call_id)

    def forget(self, ac: AbonentCall) -> None:
        calls = self.by_user.get(ac.userId)
        if calls is not None:
            calls.pop(ac.callId, None)
        self.by_leg.pop(ac.leg_id, None)
