"""§6.7: 5 requests per second per instance of the solution (one integration), counted on the
wall clock: the limit protects the real service, so clients must meet it in real time."""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Optional


class RateLimiter:
    WINDOW = 1.0

    def __init__(self, now: Callable[[], float] = time.monotonic):
        self.now = now
        self._hits: dict[str, deque[float]] = {}

    def reset(self) -> None:
        self._hits.clear()

    def check(self, key: str, limit: int) -> Optional[float]:
        """None when the request may go on (it is counted), else the seconds until it may."""
        now = self.now()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.WINDOW:
            hits.popleft()
        if len(hits) >= limit:
            return max(0.0, self.WINDOW - (now - hits[0]))
        hits.append(now)
        return None
