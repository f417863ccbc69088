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
from urllib.parse import urlsplit

from . import http1

if TYPE_CHECKING:
    from .callback import Callback
    from .deliverer import Deliverer

log = logging.getLogger("simulator.delivery")


def target_key(url: str) -> tuple:
    """The target a callback URL goes to: (scheme, host, port)."""
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


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

    def run(self, finished: bool = False) -> None:
        """Deliver lanes until none is ready, or until a request is on its way (its answer
        calls ``answered``) or a task took the callback over; ``finished``: the callback of
        ``lane_key`` is done first."""
        if self.over:
            return
        d, target = self.d, self.target
        if finished:
            self.done_one()
        elif not self.busy:
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
        shape = d._shape(cb)
        conn = d._pool.idle(shape[1][0]) if shape is not None else None
        if conn is None:
            # a target not allowed (refused), aiohttp's kind of request, a connection to open
            begun = d._begin(cb, 1)
            if not isinstance(begun, tuple):  # refused
                d._judge(cb, begun, 1)
                return False
            self.task = asyncio.get_running_loop().create_task(
                self._slow(cb, 1, begun, None, None))
            return True
        headers, head = shape
        body = cb.body.encode("utf-8") if isinstance(cb.body, str) else cb.body
        total = cb.timeout or d._default_timeout()
        loop = asyncio.get_running_loop()
        sent_at = d.clock.now()  # the clock may have moved on by the answer (a replay)
        ex = self.exchange = Exchange(self, cb, headers, body, total, head[0], sent_at,
                                      time.perf_counter(), loop.time() + total, conn)
        try:
            conn.send(cb.method, http1.request_bytes(head, body), ex)
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
        d, cb = self.d, ex.cb
        taken = False  # by a task: a retry, or a second try on another connection
        try:
            if exc is None:
                d._pool.release(ex.target, ex.conn)
                if cb.on_result is None and cb.policy.is_success(resp.status):
                    # nobody to tell and nothing to retry: the entry only, no DeliveryResult
                    d._record(cb, 1, ex.headers, ex.body, resp.status, resp.headers, resp.body,
                              None, ex.started, ex.sent_at)
                else:
                    taken = self._judged(ex, d._answer(cb, 1, resp))
            else:
                result = d._lean_failure(cb, 1, ex.conn, exc)
                if result is None:  # a kept-alive connection the server had closed: once more
                    self.task = asyncio.get_running_loop().create_task(self._slow(
                        cb, 1, (ex.headers, ex.body, ex.total), None, ex))
                    taken = True
                else:
                    taken = self._judged(ex, result)
        except Exception:
            log.exception("delivery of %s to %s failed", cb.kind, cb.url)
        if not taken:
            self.run(True)

    def _judged(self, ex: Exchange, result: Any) -> bool:
        """The first attempt's entry and its result told to the provider; True when a task
        took the callback over for its retries."""
        d, cb = self.d, ex.cb
        d._record(cb, 1, ex.headers, ex.body, result.status, result.headers, result.body,
                  result.error, ex.started, ex.sent_at)
        delay = d._judge(cb, result, 1)
        if delay is None:
            return False
        self.task = asyncio.get_running_loop().create_task(self._slow(cb, 2, None, delay, None))
        return True

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
        self.run(True)

    def done_one(self) -> None:
        """The callback of ``lane_key`` is done: its lane back in line if it has more."""
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

    def cancel(self) -> asyncio.Task | None:
        """The deliverer is reset: stop now (a request on its way is abandoned with its
        connection, as a cancelled task's was). Returns the task cancelled, if any."""
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
        return task


class Exchange:
    """One request of the direct path, on its way: the waiter its connection answers (a
    future's ``done``/``set_result``/``set_exception``, called at once, no loop turn)."""

    __slots__ = ("worker", "cb", "headers", "body", "total", "target", "sent_at", "started",
                 "deadline", "conn", "waiting")

    def __init__(self, worker: Worker, cb: Callback, headers: dict[str, str], body: bytes | None,
                 total: float, target: tuple[str, int], sent_at: float, started: float,
                 deadline: float, conn: Any) -> None:
        self.worker = worker
        self.cb = cb
        self.headers = headers
        self.body = body
        self.total = total
        self.target = target  # the lean client's (host, port)
        self.sent_at = sent_at
        self.started = started
        self.deadline = deadline
        self.conn = conn
        self.waiting = True

    def done(self) -> bool:
        return not self.waiting

    def set_result(self, resp: http1.Response) -> None:
        self.waiting = False
        self.worker.answered(self, resp, None)

    def set_exception(self, exc: BaseException) -> None:
        self.waiting = False
        self.worker.answered(self, None, exc)
