"""pytest plugin (entry point ``telsim``): ``simulator`` and ``callback_sink`` fixtures.

    async def test_something(simulator, callback_sink):
        simulator.patch_world({...callback URL: callback_sink.url("/hook")...})
        call = await simulator.start_call("mts-vpbx", "+74951234567", "+74950000000")
        await simulator.advance(10)
        assert callback_sink.received("/hook")

A world other than the default: ``@pytest.mark.telsim_world("path.yaml")`` (a path or a
dict), ``@pytest.mark.telsim_patch({...})``, or override the ``simulator_world`` fixture.
"""
from __future__ import annotations

import pytest
import pytest_asyncio

from .harness import SimulatorHarness
from .sink import CallbackSink


def pytest_configure(config):
    config.addinivalue_line("markers", "telsim_world(world): world file path or dict for `simulator`")
    config.addinivalue_line("markers", "telsim_patch(patch): JSON merge patch applied to the world")


@pytest.fixture
def simulator_world(request):
    """The world for the ``simulator`` fixture: None = default world."""
    marker = request.node.get_closest_marker("telsim_world")
    return marker.args[0] if marker else None


@pytest.fixture
def simulator_patch(request):
    marker = request.node.get_closest_marker("telsim_patch")
    return marker.args[0] if marker else None


@pytest_asyncio.fixture
async def simulator(simulator_world, simulator_patch):
    harness = SimulatorHarness(simulator_world, simulator_patch, manual_clock=True)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest_asyncio.fixture
async def callback_sink():
    sink = CallbackSink()
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()
