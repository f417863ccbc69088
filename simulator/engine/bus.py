"""Event bus: the engine publishes generic events; provider adapters and the SSE stream listen.

Two idioms every provider uses (see docs/core-api.md):

* :class:`EventHandlers` — an adapter whose methods are picked by event type::

      class Adapter(EventHandlers):
          @on(EventType.LEG_ANSWERED)
          def _answered(self, event): ...

          @on(EventType.LEG_RELEASED, EventType.LEG_FAILED)
          def _leg_ended(self, event): ...

      bus.subscribe(Adapter(...), provider=slug)

* :class:`CallContexts` (simulator/engine/contexts.py) — per-call provider state, dropped
  by the core once ``call.finished`` has been handled.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, ClassVar

log = logging.getLogger("simulator.bus")


class EventType(str, Enum):
    """The engine's event names. Members are ``str``: ``EventType.LEG_ANSWERED == "leg.answered"``,
    so older code comparing with strings and everything on the wire (SSE, timelines) is unchanged."""

    CALL_CREATED = "call.created"
    CALL_BRIDGED = "call.bridged"
    CALL_PARKED = "call.parked"
    CALL_UNPARKED = "call.unparked"
    CALL_ENDED = "call.ended"
    #: the last event of a call; ``data["record"]`` is its CallRecord
    CALL_FINISHED = "call.finished"
    LEG_DIALING = "leg.dialing"
    LEG_ALERTING = "leg.alerting"
    LEG_ANSWERED = "leg.answered"
    LEG_HELD = "leg.held"
    LEG_UNHELD = "leg.unheld"
    LEG_DTMF = "leg.dtmf"
    LEG_DETACHED = "leg.detached"
    LEG_RELEASED = "leg.released"
    LEG_FAILED = "leg.failed"
    PROMPT_STARTED = "prompt.started"
    PROMPT_FINISHED = "prompt.finished"
    RECORDING_STARTED = "recording.started"
    RECORDING_STOPPED = "recording.stopped"
    RECORDING_READY = "recording.ready"

    def __str__(self) -> str:
        return self.value


#: a leg that will never carry audio again (released after answer, failed, transferred away)
LEG_ENDED = frozenset({EventType.LEG_RELEASED, EventType.LEG_FAILED, EventType.LEG_DETACHED})


@dataclass(slots=True)
class Event:
    """One thing that happened in the engine, in no provider's vocabulary.

    ``type`` is an :class:`EventType` (a ``str``); see its members for the list.
    """

    type: str
    time: float
    provider: str | None = None
    tenant: str | None = None
    call_id: str | None = None
    leg_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = {"type": str(self.type), "time": self.time, "provider": self.provider,
               "tenant": self.tenant, "call_id": self.call_id, "leg_id": self.leg_id}
        out["data"] = {k: v for k, v in self.data.items() if k != "record"}
        return out


Listener = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._by_provider: dict[str | None, list[Listener]] = {}
        self._all: list[Listener] = []
        self._late: dict[str | None, list[Listener]] = {}
        self._listeners: dict[str | None, tuple[Listener, ...]] = {}  # per provider, in call order

    def subscribe(self, listener: Listener, provider: str | None = None, *,
                  late: bool = False) -> Callable[[], None]:
        """Listen to one provider's events (``provider``) or to all (``None``).

        ``late`` listeners of a provider run after all of its ordinary listeners for the
        same event (the core uses this to drop per-call state after ``call.finished``)."""
        if late:
            bucket = self._late.setdefault(provider, [])
        else:
            bucket = self._all if provider is None else self._by_provider.setdefault(provider, [])
        bucket.append(listener)
        self._listeners.clear()

        def unsubscribe() -> None:
            if listener in bucket:
                bucket.remove(listener)
                self._listeners.clear()
        return unsubscribe

    def publish(self, event: Event) -> None:
        self.deliver(self._listeners_of(event.provider), event)

    def emit(self, type: str, time: float, provider: str | None, tenant: str | None,
             call_id: str | None, leg_id: str | None, data: dict[str, Any]) -> None:
        """:meth:`publish` of a new :class:`Event`, built only when someone listens."""
        listeners = self._listeners_of(provider)
        if listeners:
            self.deliver(listeners, Event(type, time, provider, tenant, call_id, leg_id, data))

    def deliver(self, listeners: tuple[Listener, ...], event: Event) -> None:
        """Hand ``event`` to ``listeners``, each in turn; one listener's bug must not break a call."""
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("listener %r failed on %s", listener, event.type)

    def _listeners_of(self, provider: str | None) -> tuple[Listener, ...]:
        """Who hears ``provider``'s events, in call order (cached until the next subscribe)."""
        listeners = self._listeners.get(provider)
        if listeners is None:
            listeners = self._listeners[provider] = (
                *self._by_provider.get(provider, ()), *self._all, *self._late.get(provider, ()))
        return listeners


# ----------------------------------------------------------------- dispatch by type
def on(*types: EventType | str) -> Callable[[Callable], Callable]:
    """Mark a method of an :class:`EventHandlers` subclass as the handler of ``types``."""
    marked = tuple(EventType(t) for t in types)  # an unknown name fails here, at import

    def mark(fn: Callable) -> Callable:
        fn.__event_types__ = marked  # type: ignore[attr-defined]
        return fn
    return mark


class EventHandlers:
    """Base of a provider's engine adapter: calling the instance with an event runs the
    methods marked ``@on(<its type>)`` (in definition order; subclasses may add handlers
    for a type a base class handles). Events nobody handles cost one dict lookup.

    Subscribe the instance itself: ``sim.bus.subscribe(adapter, provider=self.slug)``.
    """

    _handlers: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        table: dict[str, list[str]] = {}
        for klass in reversed(cls.__mro__):
            for name, member in vars(klass).items():
                for t in getattr(member, "__event_types__", ()):
                    names = table.setdefault(t.value, [])
                    if name not in names:
                        names.append(name)
        cls._handlers = {t: tuple(names) for t, names in table.items()}

    def __call__(self, event: Event) -> None:
        for name in self._handlers.get(event.type, ()):
            getattr(self, name)(event)
