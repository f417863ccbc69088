"""Sends callbacks to the application under test.

Each target (scheme, host, port) has up to ``connections`` callbacks in flight (the world's
``callbacks.connections``, 8 by default), one per call: a call's callbacks go one after
another in the order they were sent, a failing one is retried by its policy on the virtual
clock before that call's next one goes, and other calls' callbacks go on meanwhile. With
``connections: 1`` every callback to a target waits for the one before it. Every attempt is a
journal entry, stamped with the simulated time it was sent at. The workers' deliveries are the
clock's *background* work (engine/settling.py): a replay may move time on while they are on
their way (a failed attempt's retry then counts from the instant its failure is known), and
``outstanding()`` says how many callbacks are not done yet, for its bound. ``request`` is the synchronous variant for callbacks whose
answer drives the call (a routing question): it returns the response to the caller.

Plain-http callbacks go through the lean keep-alive client of ``http1`` (the same request
bytes as aiohttp's, a fraction of its CPU); the rest, and every connection that cannot be
opened, through one shared aiohttp session, so the journal's errors read the same. The
workers and their direct path (an answer starts the lane's next callback without a task's
turn) are in ``lanes``; the coroutines here deliver what must wait.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any, Callable

import aiohttp

from ..engine.clock import VirtualClock
from ..journal import MAX_BODY, Journal, body_text
from . import http1
from .allow import host_allowed
from .callback import Callback, DeliveryResult
from .lanes import Target, Worker, target_key

log = logging.getLogger("simulator.delivery")


class Deliverer:
    def __init__(self, clock: VirtualClock, journal: Journal,
                 allow_hosts: Callable[[], list[str]], default_timeout: Callable[[], float],
                 connections: Callable[[], int] = lambda: CONNECTIONS):
        self.clock = clock
        self.journal = journal
        self._allow_hosts = allow_hosts
        self._default_timeout = default_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._pool = http1.Pool()
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}
        self._allowed: tuple[list[str], list[str], dict[str, bool]] | None = None
        self._targets: dict[tuple, Target] = {}
        self._keys: dict[str, tuple] = {}  # url -> its target
        #: (url, method, content type, auth, no body) -> (the callback's headers and params,
        #: the headers sent, http1's head): see _shape
        self._shapes: dict[tuple, tuple] = {}
        self._queued = 0
        self._outstanding = 0  # sent and not yet delivered or given up
        self.sent = 0

    async def start(self) -> None:
        if self._session is None:
            # no cookie jar: a provider's callback sender does not keep the application's cookies
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, limit_per_host=64),
                auto_decompress=True, cookie_jar=aiohttp.DummyCookieJar())

    async def stop(self) -> None:
        cancelled = self._cancel_workers()
        if cancelled:  # their clean-up runs on this loop, not when the loop is gone
            await asyncio.wait(cancelled, timeout=5)
        self._pool.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def reset(self) -> None:
        self._cancel_workers()

    def _cancel_workers(self) -> list[asyncio.Task]:
        tasks = [task for target in self._targets.values() for worker in list(target.workers)
                 if (task := worker.cancel()) is not None]
        self._targets.clear()
        self._queued = 0
        self._outstanding = 0
        return tasks

    def pending(self) -> int:
        """Callbacks queued and not yet started (attempts in flight and retry waits excluded)."""
        return self._queued

    def outstanding(self) -> int:
        """Fire-and-forget callbacks sent and not done (queued, being delivered, or waiting
        for a retry): what a ``traffic:`` step's ``callbacks_in_flight`` bounds."""
        return self._outstanding

    def connections(self) -> int:
        """Callbacks in flight per target at most (the world's ``callbacks.connections``)."""
        return self._connections()

    # ------------------------------------------------------------------ API
    def send(self, cb: Callback) -> None:
        """Queue ``cb`` for its target; a call's callbacks are delivered in order, with retries."""
        key = self._keys.get(cb.url)
        if key is None:
            if len(self._keys) >= 4096:
                self._keys.clear()
            key = self._keys[cb.url] = target_key(cb.url)
        target = self._targets.get(key)
        if target is None:
            target = self._targets[key] = Target(key)
        limit = self._connections()
        # one lane per call; callbacks of no call share one; a single connection: one lane
        lane_key = cb.call_id if limit > 1 else None
        lane = target.lanes.get(lane_key)
        if lane is None:
            lane = target.lanes[lane_key] = deque()
            target.ready.append(lane_key)
        lane.append(cb)
        self._queued += 1
        self._outstanding += 1
        if len(target.workers) < limit and target.ready:
            worker = Worker(self, target)
            target.workers.add(worker)
            # it starts on the loop's next turn, as a task would: not inside the sender's code
            asyncio.get_running_loop().call_soon(worker.run)

    async def request(self, cb: Callback) -> DeliveryResult:
        """Deliver now (no queue) and return the answer; retries by ``cb.policy``."""
        return await self._deliver(cb)

    # ------------------------------------------------------------- internals
    def _busy(self, target: Target) -> None:
        """A worker of ``target`` delivers: work in flight for clock.advance. One tracked
        future per target for as long as any of its workers delivers (a future per attempt
        cost more than its request's head); a worker waiting for a retry does not count.
        Background work: a replay's ``traffic:`` step lets time move on meanwhile."""
        if target.active == 0:
            target.mark = self.clock.track_background(asyncio.get_running_loop().create_future())
        target.active += 1

    def _rest(self, target: Target) -> None:
        target.active -= 1
        if target.active == 0 and target.mark is not None:
            if not target.mark.done():
                target.mark.set_result(None)
            target.mark = None

    async def _deliver(self, cb: Callback, target: Target | None = None, attempt: int = 1,
                       delay: float | None = None) -> DeliveryResult:
        """Every attempt of ``cb`` by its policy from ``attempt`` on (after a wait of
        ``delay``, a retry's); ``target``: the queue whose worker delivers it (its mark
        covers the attempts), None for ``request``."""
        while True:
            if delay is not None:
                if target is not None:
                    self._rest(target)
                try:
                    await self.clock.sleep(delay)
                finally:
                    if target is not None:
                        self._busy(target)
            if cb.still_wanted is not None and not cb.still_wanted():
                return self._dropped(cb, attempt)
            if target is None:
                # the attempt is work in flight for clock.advance (the retry wait above is not)
                mark = self.clock.track(asyncio.get_running_loop().create_future())
                try:
                    result = await self._attempt(cb, attempt)
                finally:
                    mark.set_result(None)
            else:
                result = await self._attempt(cb, attempt)
            delay = self._judge(cb, result, attempt)
            if delay is None:
                return result
            attempt += 1

    def _dropped(self, cb: Callback, attempt: int) -> DeliveryResult:
        self.journal.add("out", cb.kind, cb.provider, cb.tenant, call_id=cb.call_id,
                         method=cb.method, url=cb.url, attempt=attempt, status=None,
                         error="dropped", detail="the provider no longer wants it sent")
        return DeliveryResult(False, attempt, error="dropped")

    def _judge(self, cb: Callback, result: DeliveryResult, attempt: int) -> float | None:
        """``result`` told to the provider; the wait before the next attempt, None if none."""
        delay = None if result.ok or result.error == "refused" else cb.policy.delay_before(attempt + 1)
        result.final = delay is None
        if cb.on_result is not None:
            # the provider may count the error and switch the target off here; still_wanted
            # is asked again before the retry
            try:
                cb.on_result(result)
            except Exception:
                log.exception("on_result of %s failed", cb.kind)
        if result.final:
            return None
        if cb.still_wanted is not None and not cb.still_wanted():
            return None  # switched off by what on_result just counted: no more waiting
        return delay

    def _begin(self, cb: Callback, attempt: int) -> tuple[dict[str, str], bytes | None, float] | DeliveryResult:
        """An attempt's headers, body and network timeout; or, for a target not allowed,
        its journalled refusal."""
        body = cb.body.encode("utf-8") if isinstance(cb.body, str) else cb.body
        headers = cb.typed_headers()
        if not self._host_allowed(cb.url):
            self.journal.add("out", cb.kind, cb.provider, cb.tenant, call_id=cb.call_id,
                             method=cb.method, url=cb.url, attempt=attempt, params=cb.params,
                             request_headers=headers, request_body=body_text(body), status=None,
                             error="refused", detail="target host is not allowed "
                             "(loopback or callbacks.allow_hosts only)")
            return DeliveryResult(False, attempt, error="refused")
        return cb.authorized(headers), body, cb.timeout or self._default_timeout()

    async def _attempt(self, cb: Callback, attempt: int) -> DeliveryResult:
        begun = self._begin(cb, attempt)
        if not isinstance(begun, tuple):
            return begun
        return await self._finish_attempt(cb, attempt, *begun)

    async def _finish_attempt(self, cb: Callback, attempt: int, headers: dict[str, str],
                              body: bytes | None, total: float, retried: Any = None) -> DeliveryResult:
        """Send a begun attempt and journal it; ``retried``: the direct path's exchange whose
        kept-alive connection had closed (one try left, its deadline and its times)."""
        if retried is None:
            sent_at = self.clock.now()  # the clock may have moved on by the answer (a replay)
            started = time.perf_counter()
            result = await self._send(cb, attempt, headers, body, total)
        else:
            sent_at, started = retried.sent_at, retried.started
            result = await self._send(cb, attempt, headers, body, total, tries=1,
                                      deadline=retried.deadline)
        self._record(cb, attempt, headers, body, result.status, result.headers, result.body,
                     result.error, started, sent_at)
        return result

    def _record(self, cb: Callback, attempt: int, headers: dict[str, str], body: bytes | None,
                status: int | None, answer_headers: dict[str, str], answer: bytes | None,
                error: str | None, started: float, sent_at: float) -> None:
        """The attempt's journal entry (the answer's parts: a DeliveryResult's, or the lean
        client's Response where no DeliveryResult is made)."""
        self.sent += 1
        # the bodies as the entry keeps them: the bytes (made text when the entry is read) up
        # to the journal's MAX_BODY, the cut text beyond
        self.journal.add_out(cb.kind, cb.provider, cb.tenant, cb.call_id, cb.method, cb.url,
                             attempt, cb.params, headers,
                             body if body is None or len(body) <= MAX_BODY else body_text(body),
                             status, answer_headers if status is not None else None,
                             answer if answer is None or len(answer) <= MAX_BODY else body_text(answer),
                             error, round((time.perf_counter() - started) * 1000, 3), sent_at)

    def _shape(self, cb: Callback) -> tuple[dict[str, str], tuple] | None:
        """What ``_begin`` and ``http1.prepare`` make of ``cb``'s headers for the direct path
        (the headers sent and the lean client's head), kept per URL and kind of callback, so a
        provider's every callback to a target is not rebuilt; None when the direct path may
        not send it (a target not allowed, aiohttp's kind of request)."""
        key = (cb.url, cb.method, cb.content_type, cb.auth, cb.body is None)
        shape = self._shapes.get(key)
        if shape is None or shape[0] != cb.headers or shape[1] != cb.params:
            headers = cb.authorized(cb.typed_headers())
            if headers is cb.headers:
                headers = dict(headers)  # the entries' own: not the caller's, changed later
            head = http1.head_of(cb.method, cb.url, headers, cb.body is not None, cb.params)
            if len(self._shapes) >= 1024:
                self._shapes.clear()
            params = dict(cb.params) if cb.params is not None else None
            shape = self._shapes[key] = (dict(cb.headers), params, headers, head)
        if shape[3] is None or not self._host_allowed(cb.url):
            return None
        return shape[2], shape[3]

    async def _send(self, cb: Callback, attempt: int, headers: dict[str, str],
                    body: bytes | None, total: float, lean: bool = True, tries: int = 2,
                    deadline: float | None = None) -> DeliveryResult:
        try:
            result = await self._lean(cb, attempt, headers, body, total, tries, deadline) \
                if lean else None
            if result is None:
                result = await self._aiohttp(cb, attempt, headers, body, total)
        except (asyncio.TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            result = _network_failure(attempt, exc)
        return result

    async def _lean(self, cb: Callback, attempt: int, headers: dict[str, str],
                    body: bytes | None, total: float, tries: int = 2,
                    deadline: float | None = None) -> DeliveryResult | None:
        """Send by the lean client; None when aiohttp must (see ``http1.prepare``), or when
        no connection could be opened (aiohttp then tries and words the error)."""
        prepared = http1.prepare(cb.method, cb.url, headers, body, cb.params)
        if prepared is None:
            return None
        target, data = prepared
        pool = self._pool
        loop = asyncio.get_running_loop()
        # one deadline for the whole attempt (a new connection, a second try), as
        # asyncio.timeout(total) had it; the answer's wait is timed by the pool's Deadlines
        if deadline is None:
            deadline = loop.time() + total
        for _ in range(tries):
            conn = pool.idle(target)
            if conn is None:
                try:
                    async with asyncio.timeout_at(deadline):
                        conn = await pool.open(target)
                except TimeoutError:
                    raise  # an OSError too, but the attempt's: "timeout"
                except OSError:
                    return None
            try:
                waiter = conn.start(cb.method, data)
                pool.deadlines.watch(loop, deadline, conn, waiter)
                resp = await waiter
            except (http1.Disconnected, http1.ResponseError) as exc:
                result = self._lean_failure(cb, attempt, conn, exc)
                if result is None:
                    continue
                return result
            except BaseException:
                conn.close()
                raise
            pool.release(target, conn)
            return self._answer(cb, attempt, resp)
        return DeliveryResult(False, attempt, error="ServerDisconnectedError: Server disconnected")

    @staticmethod
    def _answer(cb: Callback, attempt: int, resp: http1.Response) -> DeliveryResult:
        return DeliveryResult(cb.policy.is_success(resp.status), attempt, resp.status,
                              resp.body, resp.headers)

    @staticmethod
    def _lean_failure(cb: Callback, attempt: int, conn: Any,
                      exc: BaseException) -> DeliveryResult | None:
        """What a lean exchange's error makes of the attempt, as aiohttp words it; None: try
        once more on another connection."""
        if isinstance(exc, http1.Disconnected):
            # a kept-alive connection the server had closed: aiohttp tries an idempotent
            # request once more on a new one, and so does this
            if not exc.args[0]:
                if conn.reused and cb.method in IDEMPOTENT:
                    return None
                return DeliveryResult(False, attempt,
                                      error="ServerDisconnectedError: Server disconnected")
            return DeliveryResult(False, attempt, error="ClientPayloadError: Response "
                                  "payload is not completed")
        if isinstance(exc, http1.ResponseError):
            return DeliveryResult(False, attempt,
                                  error=f"ClientResponseError: 400, message={str(exc)!r}")
        return _network_failure(attempt, exc)

    async def _aiohttp(self, cb: Callback, attempt: int, headers: dict[str, str],
                       body: bytes | None, total: float) -> DeliveryResult:
        await self.start()
        assert self._session is not None
        timeout = self._timeouts.get(total)
        if timeout is None:
            timeout = self._timeouts[total] = aiohttp.ClientTimeout(total=total)
        async with self._session.request(cb.method, cb.url, data=body, headers=headers,
                                         params=cb.params, timeout=timeout,
                                         allow_redirects=False) as resp:
            data = await resp.read()
            return DeliveryResult(cb.policy.is_success(resp.status), attempt, resp.status,
                                  data, dict(resp.headers))

    def _host_allowed(self, url: str) -> bool:
        """``host_allowed`` remembered per URL until the world's allow-list changes."""
        allow = self._allow_hosts()
        cached = self._allowed
        if cached is None or cached[0] is not allow or cached[1] != allow:
            cached = self._allowed = (allow, list(allow), {})
        known = cached[2]
        ok = known.get(url)
        if ok is None:
            ok = host_allowed(url, allow)
            if len(known) < 4096:
                known[url] = ok
        return ok


def _network_failure(attempt: int, exc: BaseException) -> DeliveryResult:
    """A send's timeout or network error as the journal words it (aiohttp's names); anything
    else is raised again."""
    if isinstance(exc, asyncio.TimeoutError):  # before OSError: TimeoutError is one
        return DeliveryResult(False, attempt, error="timeout")
    if isinstance(exc, (aiohttp.ClientError, OSError, ValueError)):
        return DeliveryResult(False, attempt, error=f"{type(exc).__name__}: {exc}")
    raise exc


IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
#: callbacks in flight per target by default (the world's ``callbacks.connections``)
CONNECTIONS = 8
