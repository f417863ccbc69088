"""callStatus sequence of one online call (2.3 and its state diagram).

Side 0 is the operator (InitCall B0, or the routed B0 of an inbound call), side 1 the
subscriber.  ``Tracker`` keeps both side states and renders a ``CallStatus`` for every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import dates
from .models import CallStatus

INTERMEDIATE_REASON = "-1"  # what clients see while the call is still in progress (wire-facts 1.1)


@dataclass
class Tracker:
    request_id: str
    script_id: str
    host_id: str
    sys_id: str
    addpar: str
    now: Callable[[], float]
    states: list[str] = field(default_factory=lambda: ["", ""])
    connected_at: float | None = None
    bridged_at: float | None = None
    finished: bool = False

    def _status(self, reason: str, duration: int = 0) -> CallStatus:
        return CallStatus(
            request_id=self.request_id,
            b0_state=self.states[0],
            b1_state=self.states[1],
            Reason=reason,
            TimeStamp=dates.timestamp14(self.now()),
            CallDuration=duration,
            ScriptID=self.script_id,
            HostID=self.host_id,
            SysID=self.sys_id,
            AddPar=self.addpar,
        )

    def calling(self, side: int) -> CallStatus | None:
        if self.finished or self.states[side] == "CALLING":
            return None
        self.states[side] = "CALLING"
        return self._status(INTERMEDIATE_REASON)

    def connected(self, side: int) -> CallStatus | None:
        if self.finished or self.states[side] == "CONNECTED":
            return None
        self.states[side] = "CONNECTED"
        if self.states == ["CONNECTED", "CONNECTED"] and self.connected_at is None:
            self.connected_at = self.now()
        return self._status(INTERMEDIATE_REASON)

    def bridged(self) -> None:
        """The two sides were joined: the conversation time starts."""
        if self.bridged_at is None:
            self.bridged_at = self.now()

    @property
    def in_conversation(self) -> bool:
        return self.states == ["CONNECTED", "CONNECTED"]

    def failed(self, side: int, cause: int) -> CallStatus | None:
        """2.3.3: an unsuccessful call ends with FAILED on one side and the cause in Reason."""
        if self.finished:
            return None
        self.finished = True
        self.states[side] = "FAILED"
        return self._status(str(cause))

    def ended(self, hung_up_by: int) -> CallStatus | None:
        """2.3.5: a finished conversation is SUCCESS on both sides, Reason = who hung up."""
        if self.finished:
            return None
        self.finished = True
        if self.connected_at is None:
            # Nothing was connected on both sides: whoever left first makes the call fail.
            side = 1 if self.states[1] else 0
            self.states[side] = "FAILED"
            return self._status("16")
        duration = self.talk_seconds
        self.states = ["SUCCESS", "SUCCESS"]
        return self._status(str(hung_up_by), duration)

    @property
    def talk_seconds(self) -> int:
        start = self.bridged_at if self.bridged_at is not None else self.connected_at
        return 0 if start is None else max(0, round(self.now() - start))
