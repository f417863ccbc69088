"""HLRTZ (4.18): home-region time zone of a number relative to Moscow."""

from __future__ import annotations

import re

from .hlrtz_ranges import BY_PREFIX, LONGEST_PREFIX

_INTERNATIONAL = re.compile(r"^\+?7[0-9]{10}$")


class InvalidCtn(ValueError):
    """Not a number in international format of the 7 zone (400.9)."""


def lookup(ctn: object) -> tuple[int, str]:
    """Return (offset hours from Moscow, region) for ``ctn`` by longest-prefix match."""
    if not isinstance(ctn, str) or not _INTERNATIONAL.match(ctn.strip()):
        raise InvalidCtn(repr(ctn))
    digits = ctn.strip().lstrip("+")
    for length in range(min(LONGEST_PREFIX, len(digits)), 0, -1):
        hit = BY_PREFIX.get(digits[:length])
        if hit is not None:
            return hit
    # A 7-zone number outside every known range: Moscow time is the safest answer.
    return 0, "unknown"


def offset(ctn: object) -> int:
    return lookup(ctn)[0]
