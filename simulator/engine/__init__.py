from .causes import Cause
from .bus import LEG_ENDED, Event, EventBus, EventHandlers, EventType, on
from .calls import Call, CallRecord, Leg, LegState
from .clock import VirtualClock
from .contexts import CallContexts
from .engine import CallEngine, CallNotFound

__all__ = ["Cause", "PartyBehaviour", "Event", "EventBus", "EventHandlers", "EventType", "on",
           "LEG_ENDED", "Call", "CallRecord", "Leg", "LegState", "VirtualClock", "CallContexts",
           "CallEngine", "CallNotFound"]


def __getattr__(name: str):
    # a pydantic model: imported on first use, not at start-up (docs/decisions.md "start-up")
    if name == "PartyBehaviour":
        from .behaviour import PartyBehaviour

        return PartyBehaviour
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
