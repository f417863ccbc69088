"""The virtual clock: the only owner of time in the simulator.

Modes: ``real`` (speed 1), ``accelerated`` (speed N) and ``manual`` (time moves only
through :meth:`VirtualClock.advance`). Every timer in the code base goes through
``call_at``/``call_later``/``sleep`` here; this is the one module allowed to wait on wall
time, and it does so only to pace the real and accelerated modes.

What ``advance`` waits for between instants (work in flight) is in :mod:`.settling`.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Iterator, Literal

from .settling import Settling, next_turn

log = logging.getLogger("simulator.clock")

Mode = Literal["real", "accelerated", "manual"]
#: the heap is compacted once it holds more than this many timers, most of them cancelled
COMPACT_AT = 1024


class TimerHandle:
    __slots__ = ("when", "seq", "fn", "args", "cancelled", "_clock")

    def __init__(self, when: float, seq: int, fn: Callable[..., Any], args: tuple,
                 clock: "VirtualClock | None" = None):
        self.when = when
        self.seq = seq
        self.fn = fn
        self.args = args
        self.cancelled = False
        self._clock = clock  # while queued: the clock counts the timers still pending

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            if self._clock is not None:
                self._clock._pending -= 1
                self._clock = None
                # it stays queued until its instant or a compaction: without what it would
                # have called, its leg (and bound method and arguments) is not kept alive
                self.fn, self.args = _cancelled, ()


def _cancelled() -> None:
    """A fired or cancelled timer's function (never called: such a timer does not fire again)."""

    def __lt__(self, other: "TimerHandle") -> bool:
        return (self.when, self.seq) < (other.when, other.seq)


class VirtualClock(Settling):
    def __init__(self, start: float, mode: Mode = "manual", speed: float = 1.0):
        self._start = start
        # (when, seq, handle): tuples compare in C, a handle's __lt__ would be a Python call
        self._heap: list[tuple[float, int, TimerHandle]] = []
        self._pending = 0  # queued timers not cancelled (describe() must not scan the heap)
        self._seq = itertools.count()
        Settling.__init__(self)
        self._runner: asyncio.Task | None = None
        self._wakeup: asyncio.Event | None = None
        self._advancing = False
        self._advance_target: float | None = None
        self.reset(start, mode, speed)

    @property
    def advance_target(self) -> float | None:
        """The simulated time an ``advance`` in progress will end at; None outside an advance."""
        return self._advance_target if self._advancing else None

    # ------------------------------------------------------------------ state
    def reset(self, start: float | None = None, mode: Mode | None = None,
              speed: float | None = None) -> None:
        """Back to the start time with no timers (used by POST /_sim/reset)."""
        for _, _, handle in self._heap:
            handle.cancelled = True
            handle._clock = None
        self._heap = []
        self._pending = 0
        if start is not None:
            self._start = start
        self._sim_base = self._start
        self._wall_base = time.monotonic()
        if mode is not None:
            self.mode: Mode = mode
        if speed is not None:
            self.speed = float(speed)
        if self.mode == "real":
            self.speed = 1.0
        self._poke()

    def now(self) -> float:
        """Simulated time, Unix seconds (UTC)."""
        if self.mode == "manual" or self._advancing:
            return self._sim_base
        return self._sim_base + (time.monotonic() - self._wall_base) * self.speed

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def set_mode(self, mode: Mode, speed: float | None = None) -> None:
        self._sim_base = self.now()
        self._wall_base = time.monotonic()
        self.mode = mode
        if mode == "real":
            self.speed = 1.0
        elif speed is not None:
            self.speed = float(speed)
        self._poke()

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.set_mode("real" if speed == 1 else "accelerated", speed)

    def describe(self) -> dict:
        return {
            "mode": self.mode,
            "speed": self.speed,
            "now": self.datetime().isoformat(),
            "epoch": round(self.now(), 6),
            "start": datetime.fromtimestamp(self._start, tz=timezone.utc).isoformat(),
            "pending_timers": self._pending,
            "next_due": self.next_due(),  # epoch of the next timer: clients step a manual clock by it
        }

    @contextmanager
    def frozen_at(self, when: float) -> Iterator[None]:
        """Time reads ``when`` inside, and timers armed meanwhile count from it: a provider
        built on first use resets as of the simulator's last reset (simulator/providers/lazy.py).
        A timer that is due by then fires once time runs again."""
        mode, base = self.mode, self._sim_base
        self.mode, self._sim_base = "manual", when
        try:
            yield
        finally:
            self.mode, self._sim_base = mode, base

    @contextmanager
    def adopting(self, handles: list[TimerHandle]) -> Iterator[None]:
        """Inside, a timer armed at the instant of one of ``handles`` takes that handle (its
        place in the (instant, sequence) order; the first free one of the instant) instead of a
        new place: a provider built on first use arms its reset's timers in the places its
        stand-ins held since the reset (simulator/providers/lazy.py). Outside, ``_arm`` (what
        ``call_at`` and ``call_later`` go through) is the plain method: the shadow is an
        instance attribute only while inside."""
        if not handles:
            yield
            return
        free: dict[float, list[TimerHandle]] = {}
        for handle in handles:
            free.setdefault(handle.when, []).append(handle)
        arm = self._arm

        def adopt(when: float, fn: Callable[..., Any], args: tuple) -> TimerHandle:
            waiting = free.get(when)
            if waiting:
                handle = waiting.pop(0)
                handle.fn, handle.args = fn, args
                return handle
            return arm(when, fn, args)

        self._arm = adopt  # type: ignore[method-assign]
        try:
            yield
        finally:
            del self._arm

    # ----------------------------------------------------------------- timers
    def call_at(self, when: float, fn: Callable[..., Any], *args: Any) -> TimerHandle:
        return self._arm(when, fn, args)

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> TimerHandle:
        now = self._sim_base if self.mode == "manual" or self._advancing else self.now()
        return self._arm(now + delay if delay > 0 else now, fn, args)

    def _arm(self, when: float, fn: Callable[..., Any], args: tuple) -> TimerHandle:
        """Queue ``fn(*args)`` at ``when`` (call_at and call_later: one frame each, not two)."""
        seq = next(self._seq)
        handle = TimerHandle(when, seq, fn, args, self)
        heap = self._heap
        if len(heap) > COMPACT_AT and self._pending * 2 < len(heap):
            self._compact()
        heapq.heappush(heap, (when, seq, handle))
        self._pending += 1
        if heap[0][2] is handle:
            if self._wakeup is not None:  # self._poke(), inlined
                self._wakeup.set()
            if self.mode == "manual" and not self._advancing and when <= self._sim_base:
                # due now: runs at once, without waiting for time to be advanced
                try:
                    asyncio.get_running_loop().call_soon(self._drain_due)
                except RuntimeError:
                    pass
        return handle

    def _compact(self) -> None:
        """Drop the cancelled timers when they are most of the heap (a caller's 60 s hang-up
        timer cancelled by an earlier hang-up stays queued until its instant otherwise: the
        heap grew to ten times the live timers, and every push and pop paid for its depth).
        In place: ``advance`` holds the list. The firing order is (when, seq) either way."""
        heap = self._heap
        heap[:] = [entry for entry in heap if not entry[2].cancelled]
        heapq.heapify(heap)

    def _drain_due(self) -> None:
        if self._advancing:
            return
        while True:
            self._drop_cancelled()
            if not self._heap or self._heap[0][0] > self.now():
                return
            self._fire(self._pop())

    async def sleep(self, delay: float) -> None:
        if delay <= 0:
            await next_turn()
            return
        fut = asyncio.get_running_loop().create_future()
        handle = self.call_later(delay, _resolve, fut)
        try:
            await fut
        finally:
            handle.cancel()

    async def wait_for(self, aw: Awaitable, timeout: float | None):
        """``asyncio.wait_for`` with a timeout in simulated seconds."""
        if timeout is None:
            return await aw
        task = asyncio.ensure_future(aw)
        handle = self.call_later(timeout, _cancel_for_timeout, task)
        try:
            return await task
        except asyncio.CancelledError:
            if getattr(task, "_sim_timed_out", False):
                raise asyncio.TimeoutError() from None
            raise
        finally:
            handle.cancel()

    def next_due(self) -> float | None:
        self._drop_cancelled()
        return self._heap[0][0] if self._heap else None

    def _drop_cancelled(self) -> None:
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)

    def _pop(self) -> TimerHandle:
        """The head of the heap, no longer pending (it fires now or was cancelled)."""
        handle = heapq.heappop(self._heap)[2]
        if handle._clock is not None:
            handle._clock = None
            self._pending -= 1
        return handle

    def _fire(self, handle: TimerHandle) -> None:
        fn = handle.fn
        try:
            result = fn(*handle.args)
        except Exception:  # a timer's own bug must not stop time
            log.exception("timer %r failed", fn)
            return
        finally:  # a leg keeps its timers' handles until it ends: not what they called
            handle.fn, handle.args = _cancelled, ()
        if result is not None and asyncio.iscoroutine(result):
            self.track(asyncio.ensure_future(result))

    async def advance(self, seconds: float) -> int:
        """Move simulated time forward, firing every timer due in the span in time order.

        Returns the number of timers fired. Works in every mode (in real and accelerated
        mode it jumps ahead, then time keeps flowing from the new point).
        """
        if seconds < 0:
            raise ValueError("cannot advance by a negative amount")
        target = self.now() + seconds
        fired = 0
        self._sim_base = self.now()
        self._advancing = True
        self._advance_target = target
        try:
            await self.settle()
            while True:
                self._drop_cancelled()
                heap = self._heap
                if not heap or heap[0][0] > target:
                    break
                # every timer of one simulated instant fires, then the loop settles once:
                # callbacks they cause are queued in firing order either way
                instant = heap[0][0]
                self._sim_base = max(self._sim_base, instant)
                pop = heapq.heappop
                while heap and heap[0][0] == instant:
                    # self._pop() inlined: the hot loop of every advance
                    handle = pop(heap)[2]
                    if handle.cancelled:
                        continue
                    if handle._clock is not None:
                        handle._clock = None
                        self._pending -= 1
                    fired += 1
                    self._fire(handle)
                await self.settle()
            self._sim_base = target
        finally:
            self._wall_base = time.monotonic()
            self._advancing = False
        self._poke()
        return fired

    # ------------------------------------------- real / accelerated pacing
    def start(self) -> None:
        """Start the pacing task (needs a running loop); harmless in manual mode."""
        if self._runner is None or self._runner.done():
            self._wakeup = asyncio.Event()
            self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            try:
                await self._runner
            except (asyncio.CancelledError, Exception):
                pass
            self._runner = None

    def _poke(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            self._drop_cancelled()
            delay: float | None = None
            if self.mode != "manual" and self._heap and not self._advancing:
                delay = (self._heap[0][0] - self.now()) / self.speed
                if delay <= 0:
                    self._fire(self._pop())
                    await next_turn()
                    continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass


def _resolve(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)


def _cancel_for_timeout(task: asyncio.Task) -> None:
    if not task.done():
        task._sim_timed_out = True  # type: ignore[attr-defined]
        task.cancel()


def parse_time(value: str | float | int | datetime) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()
