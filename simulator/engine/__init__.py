from .behaviour import Cause, PartyBehaviour
from .bus import Event, EventBus
from .calls import Call, CallRecord, Leg, LegState
from .clock import VirtualClock
from .engine import CallEngine, CallNotFound

__all__ = ["Cause", "PartyBehaviour", "Event", "EventBus", "Call", "CallRecord", "Leg",
           "LegState", "VirtualClock", "CallEngine", "CallNotFound"]
