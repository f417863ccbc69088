"""Channels in use per (UN, DN) and the FIFO queue of calls waiting for one."""

from __future__ import annotations

import asyncio
import bisect
import itertools
from typing import Any


class ChannelBook:
    def __init__(self) -> None:
        self._busy: dict[tuple[str, str], int] = {}
        # per UN: (ticket, future) sorted by ticket; a ticket is taken once per call, when it first
        # queues, so a call that is woken but finds nothing it can use keeps its place
        self._waiters: dict[str, list[tuple[int, asyncio.Future]]] = {}
        self._tickets = itertools.count(1)

    def in_use(self, un: str, dn_phone: str) -> int:
        return self._busy.get((un, dn_phone), 0)

    def has_free(self, un: str, dn_phone: str, channels: int) -> bool:
        return self.in_use(un, dn_phone) < channels

    def take(self, un: str, dn_phone: str) -> None:
        key = (un, dn_phone)
        self._busy[key] = self._busy.get(key, 0) + 1

    def release(self, un: str, dn_phone: str) -> None:
        key = (un, dn_phone)
        count = self._busy.get(key, 0) - 1
        if count > 0:
            self._busy[key] = count
        else:
            self._busy.pop(key, None)
        self.wake(un)

    def ticket(self) -> int:
        return next(self._tickets)

    def wake(self, un: str) -> None:
        """A channel of ``un`` freed up (or its DN list changed): every queued call re-checks, in queue
        order. Each resumes in the order its future is resolved and takes a channel before yielding, so
        the first one that can use the freed channel gets it and the others wait on with their places
        (waking only the head would strand a later call that could use a channel the head cannot)."""
        waiters = self._waiters.pop(un, None)
        for _, fut in waiters or ():
            if not fut.done():
                fut.set_result(True)

    async def wait(self, un: str, clock: Any, timeout: float, ticket: int) -> bool:
        """Wait in ``un``'s queue for a channel, at most ``timeout`` simulated seconds. True if woken."""
        fut = asyncio.get_running_loop().create_future()
        entry = (ticket, fut)
        waiters = self._waiters.setdefault(un, [])
        bisect.insort(waiters, entry, key=lambda item: item[0])
        try:
            await clock.wait_for(fut, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            waiters = self._waiters.get(un)
            if waiters is not None and entry in waiters:
                waiters.remove(entry)
                if not waiters:
                    self._waiters.pop(un, None)

    def in_use_by_un(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (un, dn_phone), count in self._busy.items():
            out.setdefault(un, {})[dn_phone] = count
        return out

    def queued(self, un: str) -> int:
        return len(self._waiters.get(un, ()))

    def reset(self) -> None:
        for waiters in self._waiters.values():
            for _, fut in waiters:
                if not fut.done():
                    fut.cancel()
        self._busy.clear()
        self._waiters.clear()
