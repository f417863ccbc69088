"""Channels in use per (UN, DN) and the FIFO queue of calls waiting for one."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class ChannelBook:
    def __init__(self) -> None:
        self._busy: dict[tuple[str, str], int] = {}
        self._waiters: dict[str, deque[asyncio.Future]] = {}

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

    def wake(self, un: str) -> None:
        """A channel of ``un`` freed up (or its DN list changed): the first queued call re-checks."""
        queue = self._waiters.get(un)
        while queue:
            fut = queue.popleft()
            if not fut.done():
                fut.set_result(True)
                break
        if queue is not None and not queue:
            self._waiters.pop(un, None)

    async def wait(self, un: str, clock: Any, timeout: float) -> bool:
        """Wait in ``un``'s queue for a channel, at most ``timeout`` simulated seconds. True if woken."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(un, deque()).append(fut)
        try:
            await clock.wait_for(fut, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            queue = self._waiters.get(un)
            if queue is not None and fut in queue:
                queue.remove(fut)
                if not queue:
                    self._waiters.pop(un, None)

    def queued(self, un: str) -> int:
        return len(self._waiters.get(un, ()))

    def reset(self) -> None:
        for queue in self._waiters.values():
            for fut in queue:
                if not fut.done():
                    fut.cancel()
        self._busy.clear()
        self._waiters.clear()
