"""The answers a pool of callback connections awaits, timed out by one loop timer
(http1.py's :class:`~simulator.delivery.http1.Pool` holds one). ``conn`` is anything with a
``time_out()``: the connection whose answer is late."""
from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from typing import Any


class Deadlines:
    """The wall-clock deadlines of the answers awaited, with one loop timer for the earliest.
    ``asyncio.timeout`` per attempt costs a timer handle pushed on the loop's heap and
    cancelled again for every callback; attempts share one timeout, so their deadlines come
    in order and the one timer fires about once per timeout."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, asyncio.Future, Any]] = []
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._at = math.inf
        self._compact_at = 256

    def watch(self, loop: asyncio.AbstractEventLoop, deadline: float, conn: Any,
              waiter: asyncio.Future) -> None:
        """Time ``conn`` out at ``deadline`` (loop time) unless ``waiter`` is done by then."""
        heap = self._heap
        while heap and heap[0][2].done():
            heapq.heappop(heap)
        if len(heap) > self._compact_at:
            # answered ones behind a long-waiting one (a target that never answers, an hour's
            # timeout): drop them, so the heap holds about what is in flight
            heap[:] = [entry for entry in heap if not entry[2].done()]
            heapq.heapify(heap)
            self._compact_at = max(256, 2 * len(heap))
        heapq.heappush(heap, (deadline, next(self._seq), waiter, conn))
        if deadline < self._at:
            self._arm(loop, deadline)

    def _arm(self, loop: asyncio.AbstractEventLoop, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._at = at
        self._timer = loop.call_at(at, self._fire, loop)

    def _fire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer, self._at = None, math.inf
        heap, now = self._heap, loop.time()
        while heap and (heap[0][0] <= now or heap[0][2].done()):
            _, _, waiter, conn = heapq.heappop(heap)
            if not waiter.done():
                conn.time_out()
        if heap:
            self._arm(loop, heap[0][0])

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._at = None, math.inf
        self._heap.clear()
