"""callInfo/startTime: "YYYY-MM-DD HH:MM:SS" in Moscow time (the examples' clock)."""
from __future__ import annotations

import datetime as dt

MSK = dt.timezone(dt.timedelta(hours=3), "MSK")


def msk(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, MSK)


def start_time(t: float) -> str:
    return msk(t).strftime("%Y-%m-%d %H:%M:%S")
