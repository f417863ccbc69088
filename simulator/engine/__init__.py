from .behaviour import Cause, PartyBehaviour
from .bus import LEG_ENDED, Event, EventBus, EventHandlers, EventType, on
from .calls import Call, CallRecord, Leg, LegState
from .clock import VirtualClock
from .contexts import CallContexts
from .engine import CallEngine, CallNotFound

__all__ = ["Cause", "PartyBehaviour", "Event", "EventBus", "EventHandlers", "EventType", "on",
           "LEG_ENDED", "Call", "CallRecord", "Leg", "LegState", "VirtualClock", "CallContexts",
           "CallEngine", "CallNotFound"]
