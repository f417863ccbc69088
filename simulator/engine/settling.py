"""What the virtual clock waits for before it moves time on: work in flight.

Work comes in two kinds. *Held* work (:meth:`Settling.track`: a flow a timer spawned, a routing
question's attempt) is always finished before time moves on, so a timeline runs in real order.
*Background* work (:meth:`Settling.track_background`: the delivery of fire-and-forget callbacks)
is too, except inside :meth:`Settling.overlapping`: there time moves on while callbacks are on
their way, as a real provider's day does not wait for the application's answers, until their
bound says there are enough of them in flight (a ``traffic:`` step replays a day so).
"""
from __future__ import annotations

import asyncio
import types
from contextlib import contextmanager
from typing import Callable, Iterator


@types.coroutine
def next_turn():
    """Let every other ready callback of the event loop run once, then go on: one pass of the
    loop (as asyncio's zero-second sleep does), no timer and no wall-clock wait."""
    yield


class Settling:
    """The in-flight half of :class:`~simulator.engine.clock.VirtualClock` (its base class)."""

    def __init__(self) -> None:
        self._inflight: set[asyncio.Future] = set()  # held work
        self._background: set[asyncio.Future] = set()  # fire-and-forget callbacks' delivery
        #: inside overlapping(): says whether the background work is at its bound
        self._full: Callable[[], bool] | None = None
        self._idle_waiters: list[asyncio.Future] = []  # settle()s waiting for _busy() to clear

    def track(self, fut: asyncio.Future) -> asyncio.Future:
        """Register work in flight (a spawned step, a routing question) that ``advance``
        must let finish before moving time on, so a timeline runs in real order."""
        self._inflight.add(fut)
        fut.add_done_callback(self._untrack)
        return fut

    def track_background(self, fut: asyncio.Future) -> asyncio.Future:
        """Register the delivery of fire-and-forget callbacks: waited for as :meth:`track`'s
        work is, except inside :meth:`overlapping` (while its bound is not reached)."""
        self._background.add(fut)
        fut.add_done_callback(self._untrack_background)
        return fut

    @contextmanager
    def overlapping(self, full: Callable[[], bool]) -> Iterator[None]:
        """Inside, ``settle`` (and so ``advance`` between instants) does not wait for background
        work unless ``full()`` says it is at its bound; then it waits until ``full()`` turns
        False (the delivery calls :meth:`eased` when a callback is done) or the background work
        is done. Held work is waited for as always."""
        outer, self._full = self._full, full
        try:
            yield
        finally:
            self._full = outer

    def eased(self) -> None:
        """The background work's load fell (a callback is done): a ``settle`` held by the
        overlap's bound looks again."""
        if self._idle_waiters and self._full is not None and not self._busy():
            self._wake()

    def _busy(self) -> bool:
        """Work in flight that ``settle`` must wait for."""
        if self._inflight:
            return True
        if not self._background:
            return False
        full = self._full
        return full is None or full()

    def _untrack(self, fut: asyncio.Future) -> None:
        inflight = self._inflight
        inflight.discard(fut)
        if not inflight and self._idle_waiters and not self._busy():
            self._wake()

    def _untrack_background(self, fut: asyncio.Future) -> None:
        background = self._background
        background.discard(fut)
        if not background and self._idle_waiters and not self._inflight:
            self._wake()

    def _wake(self) -> None:
        waiters, self._idle_waiters = self._idle_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def settle(self, max_rounds: int = 10_000) -> None:
        """Run the event loop until nothing runnable or in flight is left (background work
        inside :meth:`overlapping`: until it is below its bound)."""
        loop = asyncio.get_running_loop()
        busy = self._busy
        for _ in range(max_rounds):
            await next_turn()
            if busy():
                # one future woken when the last work in flight is done: cheaper than an
                # asyncio.wait over the set per round (a waiter and a callback on each member)
                waiter = loop.create_future()
                self._idle_waiters.append(waiter)
                try:
                    await waiter
                finally:
                    if waiter.cancelled() and waiter in self._idle_waiters:
                        self._idle_waiters.remove(waiter)
                continue
            ready = getattr(loop, "_ready", None)
            if ready is not None and len(ready) == 0:
                await next_turn()
                if len(ready) == 0 and not busy():
                    return
            elif ready is None:
                for _ in range(20):
                    await next_turn()
                if not busy():
                    return
