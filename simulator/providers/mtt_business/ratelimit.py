"""§6.7: 5 requests per second per instance of the solution (one integration), counted on the
wall clock: the limit protects the real service, so clients must meet it in real time.

A fixed window per integration, opened by its first request: two numbers per key and O(1) a
request, whatever the limit (docs/decisions.md, mtt-business "rate limit")."""
from __future__ import annotations

import time
from typing import Callable, Optional


class RateLimiter:
    WINDOW = 1.0

    def __init__(self, now: Callable[[], float] = time.monotonic):
        self.now = now
        #: key -> [the start of its window, the requests counted in it]
        self._windows: dict[str, list] = {}

    def reset(self) -> None:
        self._windows.clear()

    def check(self, key: str, limit: int) -> Optional[float]:
        """None when the request may go on (it is counted), else the seconds until it may."""
        now = self.now()
        window = self._windows.get(key)
        if window is None or now - window[0] >= self.WINDOW:
            self._windows[key] = [now, 1]
            return None   # the world's rps_limit is at least 1
        if window[1] >= limit:
            return max(0.0, self.WINDOW - (now - window[0]))
        window[1] += 1
        return None
