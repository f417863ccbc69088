from .bus import LEG_ENDED, Event, EventBus, EventHandlers, EventType, on
from .clock import VirtualClock

__all__ = ["Cause", "PartyBehaviour", "Event", "EventBus", "EventHandlers", "EventType", "on",
           "LEG_ENDED", "Call", "CallRecord", "Leg", "LegState", "VirtualClock", "CallContexts",
           "CallEngine", "CallNotFound"]

#: imported on first use, not at start-up (docs/decisions.md "start-up"): the simulator builds
#: its engine for the first call, and PartyBehaviour is a pydantic model
_LATER = {"Cause": ".causes", "Call": ".calls", "CallRecord": ".calls", "Leg": ".calls",
          "LegState": ".calls", "CallContexts": ".contexts", "CallEngine": ".engine",
          "CallNotFound": ".engine", "PartyBehaviour": ".behaviour"}


def __getattr__(name: str):
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = globals()[name] = getattr(import_module(module, __name__), name)  # once
    return value
