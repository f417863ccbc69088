"""Delivery policy of section 3: retry delays, attempt limits, the error counter threshold."""
from __future__ import annotations

ERROR_LIMIT = 2000          # delivery errors after which a mechanism switches off
MIN_ATTEMPTS, MAX_ATTEMPTS = 10, 50
DEFAULT_ATTEMPTS = 10
ARITHMETIC_UNTIL = 10       # attempts 1..10: 5, 10, 15 ... s
STEP_SECONDS = 5.0
GEOMETRIC_RATIO = 2.0
MAX_DELAY_SECONDS = 3600.0  # the document gives no cap; an hour keeps 50 attempts finite

CHECK_ALIVE_INTERVAL = 300.0   # 5 minutes between probes
CHECK_ALIVE_MAX_FAILURES = 3


def retry_delay(attempt: int) -> float:
    """Delay before re-sending after failed attempt number ``attempt`` (1-based)."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    if attempt <= ARITHMETIC_UNTIL:
        return STEP_SECONDS * attempt
    last = STEP_SECONDS * ARITHMETIC_UNTIL
    return min(MAX_DELAY_SECONDS, last * GEOMETRIC_RATIO ** (attempt - ARITHMETIC_UNTIL))


def check_alive_failed(status: int | None, mode: str) -> bool:
    """Whether a CHECK_ALIVE answer counts as a failure.

    mode "transition" (the document's rule in force): only HTTP 404 is a failure;
    mode "strict": anything but 200 (including no answer) is a failure.
    In the transition mode an unreachable address (no HTTP answer, ``status`` None) still fails.
    """
    if status is None:
        return True
    if mode == "strict":
        return status != 200
    return status == 404
