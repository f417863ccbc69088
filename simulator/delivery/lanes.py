"""A target's queue and the workers that deliver it (deliverer.py's ``send``).

A worker delivers the next callback of the lane first in line until none is ready; a lane
being delivered is out of line, so a call's callbacks never overtake each other. The common
case (a kept-alive connection of the lean client idle, the request bytes prepared, an answer
that needs no retry) runs without a task: the request is written, and the answer, read in the
connection's ``data_received``, is journalled and starts the lane's next callback right there,
as a plain asyncio protocol would. Anything that must wait for something else (a connection
to open, aiohttp for a request the lean client does not send, a retry's wait on the virtual
clock) goes to a task running the deliverer's coroutines for that one callback, which then
hands the worker back to the direct path.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from . import http1

if TYPE_CHECKING:
    from .deliverer import Callback, Deliverer

log = logging.getLogger("simulator.delivery")


class Target:
    """The queue of one target: a FIFO lane of callbacks per call, the lanes whose next
    callback may go (in the order they became ready), and the workers delivering them."""

    __slots__ = ("key", "lanes", "ready", "workers", "active", "mark")

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.lanes: dict[str | None, deque[Callback]] = {}
        self.ready: deque[str | None] = deque()
        self.workers: set[Worker] = set()
        self.active = 0  # workers delivering (not waiting for a retry)
        self.mark: asyncio.Future | None = None  # clock.track_background'ed while active


class Worker:
    """One of a target's delivering slots (at most ``callbacks.connections`` of them)."""

    __slots__ = ("d", "target", "task", "exchange", "busy", "over", "lane_key")

    def __init__(self, deliverer: Deliverer, target: Target) -> None:
        self.d = deliverer
        self.target = target
        self.task: asyncio.Task | None = None  # delivering one callback the slow way
        self.exchange: Exchange | None = None  # the request written and not yet answered
        self.busy = False  # counted in target.active (from its first run to its end)
        self.over = False
        self.lane_key: str | None = None  # the lane of the callback being delivered

    def run(self) -> None:
        """Deliver lanes until none is ready, or until a request is on its way (its answer
        calls ``answered``) or a task took the callback over."""
        if self.over:
            return
        d, target = self.d, self.target
        if not self.busy:
            self.busy = True
            d._busy(target)
        ready, lanes = target.ready, target.lanes
        while ready:
            lane_key = self.lane_key = ready.popleft()
            cb = lanes[lane_key].popleft()
            d._queued -= 1
            try:
                if self._start(cb):
                    return
            except Exception:
                log.exception("delivery of %s to %s failed", cb.kind, cb.url)
            if self.task is not None:
                return
            self.done_one()
        self.end()

    def _start(self, cb: Callback) -> bool:
        """The first attempt of ``cb``: True when its request is on its way or a task took it
        over, False when it is done already (dropped, refused)."""
        d = self.d
        if cb.still_wanted is not None and not cb.still_wanted():
            d._dropped(cb, 1)
            return False
        begun = d._begin(cb, 1)
        if not isinstance(begun, tuple):  # refused
            d._judge(cb, begun, 1)
            return False
        headers, body, total = begun
        prepared = http1.prepare(cb.method, cb.url, headers, body, cb.params)
        conn = d._pool.idle(prepared[0]) if prepared is not None else None
        if conn is None:  # a connection to open, or aiohttp: the slow way
            self.task = asyncio.get_running_loop().create_task(
                self._slow(cb, 1, begun, None, None))
            return True
        loop = asyncio.get_running_loop()
        sent_at = d.clock.now()  # the clock may have moved on by the answer (a replay)
        ex = Exchange(self, cb, headers, body, total, prepared, sent_at, time.perf_counter(),
                      loop.time() + total)
        ex.conn = conn
        self.exchange = ex
        try:
            conn.send(cb.method, prepared[1], ex)
        except Exception as exc:  # what the slow way's attempt would make of it
            ex.waiting = False
            conn.close()
            self.answered(ex, None, exc)
            return True
        d._pool.deadlines.watch(loop, ex.deadline, conn, ex)
        return True

    def answered(self, ex: Exchange, resp: http1.Response | None, exc: BaseException | None) -> None:
        """The answer to ``ex`` (or the error reading it), from the connection itself."""
        if self.over:
            return
        self.exchange = None
        d, cb, attempt = self.d, ex.cb, 1
        try:
            if exc is None:
                d._pool.release(ex.prepared[0], ex.conn)
                result = d._answer(cb, attempt, resp)
            else:
                result = d._lean_failure(cb, attempt, ex.conn, exc)
                if result is None:  # a kept-alive connection the server had closed: once more
                    self.task = asyncio.get_running_loop().create_task(self._slow(
                        cb, attempt, (ex.headers, ex.body, ex.total), None, ex))
                    return
            d._record(cb, attempt, ex.headers, ex.body, result, ex.started, ex.sent_at)
            delay = d._judge(cb, result, attempt)
            if delay is not None:
                self.task = asyncio.get_running_loop().create_task(
                    self._slow(cb, attempt + 1, None, delay, None))
                return
        except Exception:
            log.exception("delivery of %s to %s failed", cb.kind, cb.url)
        self.done_one()
        self.run()

    async def _slow(self, cb: Callback, attempt: int, begun: tuple | None, delay: float | None,
                    retried: Exchange | None) -> None:
        """The rest of ``cb`` by the deliverer's coroutines: ``begun``, attempt ``attempt``
        from its send on (``retried``: the exchange whose connection had closed, once more on
        another), else the wait of ``delay`` and attempt ``attempt`` on; then the lanes."""
        d = self.d
        try:
            if begun is not None:
                result = await d._finish_attempt(cb, attempt, *begun, retried)
                delay = d._judge(cb, result, attempt)
                attempt += 1
            if delay is not None:
                await d._deliver(cb, self.target, attempt, delay)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery of %s to %s failed", cb.kind, cb.url)
        self.task = None
        if self.over:
            return
        self.done_one()
        self.run()

    def done_one(self) -> None:
        d, target = self.d, self.target
        d._outstanding -= 1
        d.clock.eased()
        lane_key = self.lane_key
        lane = target.lanes[lane_key]
        if lane:
            target.ready.append(lane_key)  # behind the lanes that waited meanwhile
        else:
            del target.lanes[lane_key]

    def end(self) -> None:
        """No lane ready: the worker stops (a later ``send`` starts another)."""
        if self.over:
            return
        self.over = True
        d, target = self.d, self.target
        if self.busy:
            d._rest(target)
        target.workers.discard(self)
        if not target.workers and not target.lanes and d._targets.get(target.key) is target:
            del d._targets[target.key]

    def cancel(self) -> None:
        """The deliverer is reset: stop now (a request on its way is abandoned with its
        connection, as a cancelled task's was)."""
        ex, self.exchange = self.exchange, None
        if ex is not None:
            ex.waiting = False
            ex.conn.close()
        task = self.task
        if task is not None:
            # the task's own clean-up (a retry wait's bookkeeping) runs first
            task.cancel()
            task.add_done_callback(lambda _: self.end())
        else:
            self.end()


class Exchange:
    """One request of the direct path, on its way: the waiter its connection answers (a
    future's ``done``/``set_result``/``set_exception``, called at once, no loop turn)."""

    __slots__ = ("worker", "cb", "headers", "body", "total", "prepared", "sent_at", "started",
                 "deadline", "conn", "waiting")

    def __init__(self, worker: Worker, cb: Callback, headers: dict[str, str], body: bytes | None,
                 total: float, prepared: tuple, sent_at: float, started: float,
                 deadline: float) -> None:
        self.worker = worker
        self.cb = cb
        self.headers = headers
        self.body = body
        self.total = total
        self.prepared = prepared  # http1.prepare's (target, request bytes)
        self.sent_at = sent_at
        self.started = started
        self.deadline = deadline
        self.conn: Any = None
        self.waiting = True

    def done(self) -> bool:
        return not self.waiting

    def set_result(self, resp: http1.Response) -> None:
        self.waiting = False
        self.worker.answered(self, resp, None)

    def set_exception(self, exc: BaseException) -> None:
        self.waiting = False
        self.worker.answered(self, None, exc)
