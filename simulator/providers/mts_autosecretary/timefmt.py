"""Date/time forms of the @втосекретарь API.

All API timestamps are Moscow time without an offset (the service runs on a Moscow .NET host).
Output uses the document's unpadded form ``2012-10-2T09:46:12``; input bounds accept both forms the
document shows (``01.10.2012`` and ``2011-10-02T00:00:00``) plus a few obvious variants.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone

MSK = timezone(timedelta(hours=3), "MSK")

_DOTTED = re.compile(
    r"^(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})"
    r"(?:[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?)?\Z"
)
_ISO = re.compile(
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.[0-9]{1,7})?)?)?\Z"
)
_HMS = re.compile(r"^([0-9]{2}):([0-9]{2}):([0-9]{2})\Z")


def to_msk(moment: datetime) -> datetime:
    """Naive Moscow wall time of an aware moment (naive input is taken as Moscow already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(MSK).replace(tzinfo=None)


def format_doc_datetime(moment: datetime) -> str:
    """``2012-10-2T09:46:12``: month and day unpadded, as in the document's samples."""
    m = to_msk(moment)
    return f"{m.year}-{m.month}-{m.day}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"


class SecondStamps:
    """``format_doc_datetime`` of a clock's Unix seconds, formatted once per second (the form
    drops the fraction; a write's ``updated_on`` asks for it on every request)."""

    __slots__ = ("_second", "_text")

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def __call__(self, seconds: float) -> str:
        second = math.floor(seconds)
        # fromtimestamp rounds to the microsecond: only the last microsecond of a second can
        # round up into the next one, so that sliver is formatted as it is
        if second < 0 or seconds - second >= 0.999999:
            return format_doc_datetime(datetime.fromtimestamp(seconds, timezone.utc))
        if second != self._second:
            self._text = format_doc_datetime(datetime.fromtimestamp(second, timezone.utc))
            self._second = second
        return self._text


def format_iso(moment: datetime) -> str:
    """``2011-10-02T00:00:00``: the form the document's `links` URL carries."""
    m = to_msk(moment)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"


def parse_bound(text: str) -> datetime:
    """Parse a begin/end query value to naive Moscow time. Raises ValueError with a readable text."""
    value = text.strip()
    match = _DOTTED.match(value) or _ISO.match(value)
    if not match:
        raise ValueError(
            f"'{text}' is not a date; expected dd.mm.yyyy or yyyy-mm-ddThh:mm:ss"
        )
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError:
        raise ValueError(f"'{text}' is not a valid date") from None


def parse_hms(text: str) -> time:
    """``HH:MM:SS`` of a DN schedule. Raises ValueError."""
    match = _HMS.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"'{text}' is not a time HH:MM:SS")
    hours, minutes, seconds = (int(g) for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"'{text}' is not a time HH:MM:SS between 00:00:00 and 23:59:59")
    return time(hours, minutes, seconds)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day)
    return start, start + timedelta(days=1)
