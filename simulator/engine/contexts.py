"""Per-call provider state with one life cycle for every provider.

A provider keeps what it knows about a call (its own ids, the tracker of a routing question,
the flow's phase) in a :class:`CallContexts` store keyed by the engine's call id::

    self.calls = CallContexts(sim.bus, self.slug)        # in the provider's __init__
    self.calls.open(call.id, MyCallState(...))            # when the call starts
    state = self.calls.get(event.call_id)                 # in event handlers (None: not ours)

The store drops a call's context by itself once every listener has handled that call's
``call.finished`` (so the provider's own ``call.finished`` handler still finds it), and
``clear()`` empties it (call it from ``reset()``). Nothing else needs to remember to pop it.
"""
from __future__ import annotations

from typing import Callable, Generic, Iterator, TypeVar

from .bus import Event, EventBus, EventType

T = TypeVar("T")


class CallContexts(Generic[T]):
    def __init__(self, bus: EventBus | None = None, provider: str | None = None):
        self._by_call: dict[str, T] = {}
        self._unsubscribe: Callable[[], None] | None = None
        if bus is not None:
            self._unsubscribe = bus.subscribe(self._on_event, provider, late=True)

    def _on_event(self, event: Event) -> None:
        if event.type == EventType.CALL_FINISHED and event.call_id is not None:
            self._by_call.pop(event.call_id, None)

    def open(self, call_id: str, context: T) -> T:
        """Attach ``context`` to a call (replacing any earlier one) and return it."""
        self._by_call[call_id] = context
        return context

    def get(self, call_id: str | None) -> T | None:
        return self._by_call.get(call_id) if call_id is not None else None

    def pop(self, call_id: str) -> T | None:
        """Drop a call's context early (the call is no longer the provider's business)."""
        return self._by_call.pop(call_id, None)

    def clear(self) -> None:
        self._by_call.clear()

    def close(self) -> None:
        """Stop listening to the bus (the provider is shut down)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._by_call

    def __len__(self) -> int:
        return len(self._by_call)

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_call)

    def items(self):
        return self._by_call.items()
