"""Date formats of the document. History times are UTC (getCallHistory says so; both history
methods read the same platform clock)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

MSK = timezone(timedelta(hours=3), "MSK")
DMY = "%d.%m.%Y %H:%M:%S"        # getCallHistory date_from / date_to
ISO = "%Y-%m-%d %H:%M:%S"        # getServiceHistoryByCustomer, CDR rows


def parse(value: object, fmt: str) -> Optional[float]:
    """Unix seconds of a UTC time string in ``fmt``, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), fmt).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def fmt(ts: float, pattern: str = ISO, tz: timezone = timezone.utc) -> str:
    return datetime.fromtimestamp(ts, tz).strftime(pattern)


def date_msk(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, MSK)
