"""Moscow time (UTC+3, no DST) helpers and the REQCDR date formats of 4.13.3."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3), "MSK")

_FORMATS = (
    (re.compile(r"^[0-9]{8} [0-9]{2}:[0-9]{2}:[0-9]{2}$"), "%Y%m%d %H:%M:%S"),
    (re.compile(r"^[0-9]{8} [0-9]{2}:[0-9]{2}$"), "%Y%m%d %H:%M"),
    (re.compile(r"^[0-9]{8}$"), "%Y%m%d"),
)


class DateFormatError(ValueError):
    """The text is not one of the three documented shapes (400.3)."""


class DateValueError(ValueError):
    """The text has a documented shape but is not a real date (400.4)."""


def parse_cdr_date(text: object) -> float:
    """Parse ``YYYYMMDD HH24:MI:SS``, ``YYYYMMDD HH24:MI`` or ``YYYYMMDD`` (Moscow) to epoch seconds."""
    if not isinstance(text, str):
        raise DateFormatError(repr(text))
    value = text.strip()
    for pattern, fmt in _FORMATS:
        if pattern.match(value):
            try:
                parsed = datetime.strptime(value, fmt)
            except ValueError as exc:
                raise DateValueError(value) from exc
            return parsed.replace(tzinfo=MSK).timestamp()
    raise DateFormatError(value)


def msk(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, MSK)


def timestamp14(ts: float) -> str:
    """callStatus TimeStamp: YYYYMMDDHHMISS in Moscow time (2.3.6)."""
    return msk(ts).strftime("%Y%m%d%H%M%S")


def human(ts: float) -> str:
    """Dates in answers and statistics files: ``YYYYMMDD HH24:MI:SS`` Moscow, like the input form."""
    return msk(ts).strftime("%Y%m%d %H:%M:%S")
