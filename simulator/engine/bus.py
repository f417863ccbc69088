"""Event bus: the engine publishes generic events; provider adapters and the SSE stream listen."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

log = logging.getLogger("simulator.bus")


@dataclass(slots=True)
class Event:
    """One thing that happened in the engine, in no provider's vocabulary.

    type: call.created, leg.dialing, leg.alerting, leg.answered, leg.held, leg.unheld,
    leg.dtmf, leg.detached, leg.released, leg.failed, call.bridged, call.ended,
    call.finished (data["record"]), recording.started, recording.stopped, prompt.started,
    prompt.finished, call.parked, call.unparked.
    """

    type: str
    time: float
    provider: str | None = None
    tenant: str | None = None
    call_id: str | None = None
    leg_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {"type": self.type, "time": self.time, "provider": self.provider,
               "tenant": self.tenant, "call_id": self.call_id, "leg_id": self.leg_id}
        out["data"] = {k: v for k, v in self.data.items() if k != "record"}
        return out


Listener = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._by_provider: dict[str | None, list[Listener]] = {}
        self._all: list[Listener] = []

    def subscribe(self, listener: Listener, provider: str | None = None) -> Callable[[], None]:
        """Listen to one provider's events (``provider``) or to all (``None``)."""
        bucket = self._all if provider is None else self._by_provider.setdefault(provider, [])
        bucket.append(listener)
        return lambda: bucket.remove(listener) if listener in bucket else None

    def publish(self, event: Event) -> None:
        for listener in (*self._by_provider.get(event.provider, ()), *self._all):
            try:
                listener(event)
            except Exception:  # one listener's bug must not break a call
                log.exception("listener %r failed on %s", listener, event.type)
