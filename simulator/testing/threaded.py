"""A simulator served from a background thread (like moto's ThreadedMotoServer), for code
that is not async: plain pytest tests, unittest, other frameworks, a REPL.

    with ThreadedSimulator() as server:             # manual clock, the default world
        server.client.patch_world({...: server.sink_url("/hook")})
        server.client.start_call("mts-vpbx", "+79161234567", "+79160001735")
        server.client.wait_for_callback(kind="CALL_RECEIVED")
        assert server.received("/hook")

The simulator and a callback sink (standing in for the application under test) run on their
own event loop in that thread; everything is reached over loopback HTTP.
"""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Coroutine

from .client import SimulatorClient
from .harness import SimulatorHarness
from .sink import CallbackSink, SinkRequest

START_TIMEOUT = 60.0  # wall seconds to build the world and bind the ports


class ThreadedSimulator:
    def __init__(self, world: str | Path | dict | None = None, patch: dict | None = None,
                 manual_clock: bool = True):
        self._args = (world, patch, manual_clock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.harness: SimulatorHarness | None = None
        self.sink: CallbackSink | None = None
        self.base_url = ""
        self.client: SimulatorClient | None = None

    # ------------------------------------------------------------- life cycle
    def start(self) -> "ThreadedSimulator":
        if self._thread is not None:
            raise RuntimeError("already started")
        ready: Future = Future()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="telsim", daemon=True)
        self._thread.start()
        try:
            ready.result(START_TIMEOUT)
        except BaseException:
            self._thread.join(5)
            self._thread = None
            raise
        assert self.harness is not None
        self.base_url = self.harness.base_url
        self.client = SimulatorClient(self.base_url)
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)
        self._thread = None
        self._loop = None

    def __enter__(self) -> "ThreadedSimulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _serve(self, ready: Future) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: Future) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            self.harness = await SimulatorHarness(*self._args).start()
            self.sink = await CallbackSink().start()
        except BaseException as exc:
            if self.harness is not None:
                await self.harness.stop()
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            await self._stopping.wait()
        finally:
            await self.sink.stop()
            await self.harness.stop()

    # --------------------------------------------------------------- helpers
    def run(self, coro: Coroutine) -> Any:
        """Run a coroutine on the simulator's loop and wait for its result (e.g. a direct
        call into ``server.harness.sim``, which is not thread-safe otherwise)."""
        assert self._loop is not None, "not started"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def url(self, slug: str, path: str = "") -> str:
        """Base URL of a provider (with ``path`` appended)."""
        return f"{self.base_url}/{slug}{path}"

    def sink_url(self, path: str = "/") -> str:
        """A URL of the callback sink, to put in the world as the application's webhook."""
        assert self.sink is not None, "not started"
        return self.sink.url(path)

    def respond(self, path: str = "*", status: int = 200, body: bytes | str | None = b"", **kw: Any) -> None:
        """Script the sink's answer for ``path`` (see CallbackSink.respond)."""
        assert self.sink is not None and self._loop is not None, "not started"
        done: Future = Future()

        def script() -> None:
            try:
                self.sink.respond(path, status, body, **kw)  # type: ignore[union-attr]
                done.set_result(None)
            except BaseException as exc:
                done.set_exception(exc)

        self._loop.call_soon_threadsafe(script)
        done.result(10)

    def received(self, path: str | None = None, method: str | None = None) -> list[SinkRequest]:
        """Requests the sink received (a copy, safe to read from this thread)."""
        assert self.sink is not None, "not started"
        return [r for r in list(self.sink.requests)
                if (path is None or r.path == path) and (method is None or r.method == method)]
