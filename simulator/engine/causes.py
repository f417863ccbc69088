"""The ISUP / Q.850 release causes the engine uses."""
from __future__ import annotations

from enum import IntEnum


class Cause(IntEnum):
    """ISUP / Q.850 release causes the engine uses."""

    UNASSIGNED_NUMBER = 1
    NORMAL_CLEARING = 16
    USER_BUSY = 17
    NO_USER_RESPONDING = 18
    NO_ANSWER = 19
    SUBSCRIBER_ABSENT = 20
    CALL_REJECTED = 21
    DESTINATION_OUT_OF_ORDER = 27
    INVALID_NUMBER_FORMAT = 28
    NORMAL_UNSPECIFIED = 31
    NO_CIRCUIT_AVAILABLE = 34
    TEMPORARY_FAILURE = 41
    RECOVERY_ON_TIMER_EXPIRY = 102
