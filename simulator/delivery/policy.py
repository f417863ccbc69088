"""Retry policies: each provider supplies its documented one."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """No retries: one attempt. Subclasses say how long to wait before attempt n+1."""

    max_attempts: int = 1

    def delay_before(self, attempt: int) -> float | None:
        """Seconds to wait before ``attempt`` (2, 3, ...); None when no more attempts."""
        return None

    def is_success(self, status: int) -> bool:
        return 200 <= status < 300


@dataclass(frozen=True)
class FixedRetry(RetryPolicy):
    max_attempts: int = 3
    delay: float = 10.0

    def delay_before(self, attempt: int) -> float | None:
        return self.delay if attempt <= self.max_attempts else None


@dataclass(frozen=True)
class ArithmeticThenGeometric(RetryPolicy):
    """The MTS VPBX schedule: attempt k (1-based, counting retries) waits step*k seconds for
    k up to ``linear_until``; after that each wait is ``factor`` times the previous one."""

    max_attempts: int = 10
    step: float = 5.0
    linear_until: int = 10
    factor: float = 2.0

    def retry_delay(self, retry: int) -> float:
        if retry <= self.linear_until:
            return self.step * retry
        return self.step * self.linear_until * self.factor ** (retry - self.linear_until)

    def delay_before(self, attempt: int) -> float | None:
        if attempt > self.max_attempts:
            return None
        return self.retry_delay(attempt - 1)
