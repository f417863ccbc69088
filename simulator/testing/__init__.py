from .harness import SimulatorHarness
from .sink import CallbackSink, SinkRequest

__all__ = ["SimulatorHarness", "CallbackSink", "SinkRequest"]
