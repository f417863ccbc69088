"""Date formats of the document. History times are UTC (getCallHistory says so; both history
methods read the same platform clock)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Optional

MSK = timezone(timedelta(hours=3), "MSK")
DMY = "%d.%m.%Y %H:%M:%S"        # getCallHistory date_from / date_to
ISO = "%Y-%m-%d %H:%M:%S"        # getServiceHistoryByCustomer, CDR rows


# the zero-padded ASCII forms clients send, read without strptime (10 µs a call); strptime
# reads the rest (one-digit fields, other digits) exactly as before
_FAST = {DMY: re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"),
         ISO: re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")}


def parse(value: object, fmt: str) -> Optional[float]:
    """Unix seconds of a UTC time string in ``fmt``, or None when it is not one."""
    if not isinstance(value, str):
        return None
    return _parse(value, fmt)


@lru_cache(maxsize=1024)  # a client asks for the same windows again and again
def _parse(value: str, fmt: str) -> Optional[float]:
    text = value.strip()
    fast = _FAST.get(fmt)
    m = fast.fullmatch(text) if fast is not None else None
    try:
        if m is None:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc).timestamp()
        a, b, c, hh, mm, ss = map(int, m.groups())
        y, mo, d = (c, b, a) if fmt == DMY else (a, b, c)
        return datetime(y, mo, d, hh, mm, ss, tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def fmt(ts: float, pattern: str = ISO, tz: timezone = timezone.utc) -> str:
    return datetime.fromtimestamp(ts, tz).strftime(pattern)


def date_msk(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, MSK)
