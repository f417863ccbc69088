"""pytest plugin (entry point ``telsim``): ``simulator`` and ``callback_sink`` fixtures.

    @pytest.mark.asyncio                     # not needed with asyncio_mode = "auto"
    async def test_something(simulator, callback_sink):
        simulator.patch_world({...callback URL: callback_sink.url("/hook")...})
        call = await simulator.start_call("mts-vpbx", "+74951234567", "+74950000000")
        await simulator.advance(10)
        assert callback_sink.received("/hook")

The two fixtures are async and run in the test's own event loop, under whichever runner
runs the test: pytest-asyncio (strict or auto mode, 1.0 or newer) or anyio (``@pytest.mark.anyio``
on the asyncio backend). The plugin imports neither, so it loads in any pytest environment.
Plain (non-async) tests use ``telsim_server``: a simulator in a background thread with a
synchronous :class:`~simulator.testing.client.SimulatorClient` (``telsim_server.client``).

A world other than the default: ``@pytest.mark.telsim_world("path.yaml")`` (a path or a
dict), ``@pytest.mark.telsim_patch({...})``, or override the ``simulator_world`` fixture.
"""
from __future__ import annotations

import inspect
import types
from functools import lru_cache

import pytest

from .harness import SimulatorHarness
from .sink import CallbackSink
from .threaded import ThreadedSimulator


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


def _async_fixture(func):
    """A plain pytest fixture over an async generator; :func:`pytest_fixture_setup` hands it
    to the runner of the test that requests it."""
    func._telsim_async = True
    return pytest.fixture(func)


@_async_fixture
async def simulator(simulator_world, simulator_patch):
    harness = SimulatorHarness(simulator_world, simulator_patch, manual_clock=True)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@_async_fixture
async def callback_sink():
    sink = CallbackSink()
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()


@pytest.fixture
def telsim_server(simulator_world, simulator_patch):
    """For plain tests: a simulator (manual clock, fresh world) served from a background
    thread, with a synchronous client (``telsim_server.client``) and a callback sink
    (``telsim_server.sink_url(path)``, ``telsim_server.received(path)``)."""
    with ThreadedSimulator(simulator_world, simulator_patch, manual_clock=True) as server:
        yield server


# ------------------------------------------------------------ runner choice
NO_RUNNER = (
    "telsim's {name!r} fixture is async and runs in the test's event loop, but no async "
    "runner runs {test!r}: {why}. Mark the test @pytest.mark.asyncio (pytest-asyncio; or set "
    "asyncio_mode = \"auto\") or @pytest.mark.anyio (anyio), or use the synchronous "
    "`telsim_server` fixture from a plain test.")


@pytest.hookimpl(tryfirst=True, wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    func = fixturedef.func
    if not getattr(func, "_telsim_async", False):
        return (yield)
    replacement = None
    if not _is_async_function(getattr(request.node, "obj", None)):
        replacement = _failing(fixturedef.argname, request, "it is not an async test")
    elif "anyio_backend" in request.fixturenames:
        pass  # anyio's own fixture hook runs the async generator
    else:
        pytest_asyncio = request.config.pluginmanager.get_plugin("asyncio")
        if pytest_asyncio is None:
            replacement = _failing(fixturedef.argname, request, "pytest-asyncio is not installed "
                                   "(or disabled) and the test uses no anyio_backend")
        elif not _is_asyncio_test(pytest_asyncio, request.node):
            replacement = _failing(fixturedef.argname, request, "pytest-asyncio runs only tests "
                                   "marked @pytest.mark.asyncio in its strict mode")
        else:
            replacement = _marked_for_pytest_asyncio(func, _test_loop_scope(request))
    if replacement is None:
        return (yield)
    fixturedef.func = replacement
    try:
        return (yield)
    finally:
        fixturedef.func = func


def _failing(name: str, request, why: str):
    """A fixture function that fails the setup with NO_RUNNER (raised inside pytest's own
    fixture call, so the fixture's state is kept as for any failing fixture)."""
    message = NO_RUNNER.format(name=name, test=request.node.name, why=why)

    def fail(**_kwargs):
        pytest.fail(message, pytrace=False)

    return fail


def _is_async_function(obj) -> bool:
    inner = getattr(getattr(obj, "hypothesis", None), "inner_test", None)  # @given wraps the test
    return inspect.iscoroutinefunction(inner or obj)


def _is_asyncio_test(pytest_asyncio, node) -> bool:
    is_async_test = getattr(pytest_asyncio, "is_async_test", None)
    if is_async_test is not None:
        return bool(is_async_test(node))
    return node.get_closest_marker("asyncio") is not None


def _test_loop_scope(request) -> str | None:
    """The loop scope of the requesting test (``@pytest.mark.asyncio(loop_scope=...)`` or the
    ini default), so that the fixture runs in the very loop the test runs in."""
    marker = request.node.get_closest_marker("asyncio")
    scope = marker.kwargs.get("loop_scope") if marker is not None else None
    if scope is None:
        try:
            scope = request.config.getini("asyncio_default_test_loop_scope") or None
        except ValueError:  # an older pytest-asyncio without that setting
            scope = None
    return scope


@lru_cache(maxsize=None)
def _marked_for_pytest_asyncio(func, loop_scope: str | None):
    """A copy of ``func`` declared with ``pytest_asyncio.fixture``, so that pytest-asyncio
    (whose fixture hook runs inside this one) runs it in the test's loop in strict mode too."""
    import pytest_asyncio

    copy = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                              func.__defaults__, func.__closure__)
    copy.__qualname__, copy.__module__ = func.__qualname__, func.__module__
    pytest_asyncio.fixture(copy, loop_scope=loop_scope)  # marks ``copy``; the definition it returns is unused
    return copy
