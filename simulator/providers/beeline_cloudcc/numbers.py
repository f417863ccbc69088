"""Phone number forms used by the offline API.

Tenant B-numbers are stored in the canonical 11-digit form ``7XXXXXXXXXX``; clients may
send them as ``+7...``, ``8...`` or 10 digits and still find their number.
"""

from __future__ import annotations

import re

from ...numbers import digits

_DIGITS = re.compile(r"^\+?[0-9]{3,15}$")


def is_phone(value: object) -> bool:
    """A dialable number: optional leading ``+`` then 3..15 digits."""
    return isinstance(value, str) and bool(_DIGITS.match(value.strip()))


def canonical(value: str) -> str:
    """Canonical lookup key of a number (Russian numbers become ``7XXXXXXXXXX``)."""
    return digits(value)
