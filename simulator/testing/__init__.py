from .client import SimulatorClient, SimulatorError
from .harness import SimulatorHarness
from .sink import CallbackSink, SinkRequest
from .threaded import ThreadedSimulator

__all__ = ["SimulatorHarness", "CallbackSink", "SinkRequest", "SimulatorClient", "SimulatorError",
           "ThreadedSimulator"]
