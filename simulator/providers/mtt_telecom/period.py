"""Follow-me PERIOD expressions (PortaBilling / Time::Period syntax, as the document's
``hr{9}min{0-59}wd{mo-fr},hr{10}min{0-58}wd{mo-fr}``): comma-separated sub-periods (any of
them matches), each a run of ``scale{ranges}`` (all of them match); ranges are values or
``a-b`` separated by spaces, and may wrap (``wd{fr-mo}``). ``always`` (or an empty string)
always matches, ``never`` never. Scales: yr, mo, wk, yd, md, wd, hr, min, sec (and their
long names). Evaluated in the world's settings.period_timezone."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from ...digits import is_ascii_digits

_TERM = re.compile(r"\s*([a-z]+)\s*\{([^{}]*)\}\s*", re.I)
_SCALES = {"yr": "yr", "year": "yr", "mo": "mo", "month": "mo", "wk": "wk", "week": "wk", "yd": "yd",
           "yday": "yd", "md": "md", "mday": "md", "wd": "wd", "wday": "wd", "hr": "hr", "hour": "hr",
           "min": "min", "minute": "min", "sec": "sec", "second": "sec"}
_BOUNDS = {"yr": (1970, 2199), "mo": (1, 12), "wk": (1, 6), "yd": (1, 366), "md": (1, 31), "wd": (1, 7),
           "hr": (0, 23), "min": (0, 59), "sec": (0, 59)}
_DAYS = {d: i + 1 for i, d in enumerate(("su", "mo", "tu", "we", "th", "fr", "sa"))}
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                             "oct", "nov", "dec"))}
_HOUR = re.compile(r"^([0-9]{1,2})(am|pm)$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    text: str
    #: None: always; otherwise sub-periods, each {scale: ((lo, hi), ...)}
    parts: tuple[dict[str, tuple[tuple[int, int], ...]], ...] | None

    def matches(self, when: datetime) -> bool:
        if self.parts is None:
            return True
        values = _values(when)
        return any(all(any(_in(values[s], lo, hi) for lo, hi in ranges) for s, ranges in part.items())
                   for part in self.parts)


def _in(v: int, lo: int, hi: int) -> bool:
    return lo <= v <= hi if lo <= hi else (v >= lo or v <= hi)


def _values(when: datetime) -> dict[str, int]:
    wd = (when.isoweekday() % 7) + 1           # su=1 ... sa=7
    first_wd = (when.replace(day=1).isoweekday() % 7)  # su=0
    return {"yr": when.year, "mo": when.month, "wk": (when.day - 1 + first_wd) // 7 + 1,
            "yd": when.timetuple().tm_yday, "md": when.day, "wd": wd, "hr": when.hour,
            "min": when.minute, "sec": when.second}


def _value(scale: str, token: str) -> int:
    t = token.lower()
    if scale == "wd" and t[:2] in _DAYS and t.isalpha():
        return _DAYS[t[:2]]
    if scale == "mo" and t[:3] in _MONTHS and t.isalpha():
        return _MONTHS[t[:3]]
    if scale == "hr":
        m = _HOUR.match(t)
        if m:
            h = int(m[1])
            if not 1 <= h <= 12:
                raise PeriodError(f"bad hour {token!r}")
            return (h % 12) + (12 if m[2] == "pm" else 0)
    if not is_ascii_digits(t):
        raise PeriodError(f"bad {scale} value {token!r}")
    v = int(t)
    lo, hi = _BOUNDS[scale]
    if not lo <= v <= hi:
        raise PeriodError(f"{scale} value {v} outside {lo}-{hi}")
    return v


def _ranges(scale: str, body: str) -> tuple[tuple[int, int], ...]:
    out = []
    for token in body.split():
        a, sep, b = token.partition("-")
        if sep and (not a or not b or "-" in b):
            raise PeriodError(f"bad range {token!r}")
        lo = _value(scale, a)
        out.append((lo, _value(scale, b) if sep else lo))
    if not out:
        raise PeriodError(f"{scale}{{}} is empty")
    return tuple(out)


def parse(text: str) -> Period:
    if not isinstance(text, str):
        raise PeriodError("a period is a string")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    """(every inbound call evaluates its account's periods: parsed once per text)"""
    src = text.strip()
    if src.lower() in ("", "always"):
        return Period(text, None)
    if src.lower() == "never":
        return Period(text, ())
    parts = []
    for sub in src.split(","):
        pos, part = 0, {}
        sub = sub.strip()
        if not sub:
            raise PeriodError("an empty sub-period")
        while pos < len(sub):
            m = _TERM.match(sub, pos)
            if m is None:
                raise PeriodError(f"cannot read {sub[pos:]!r}")
            scale = _SCALES.get(m[1].lower())
            if scale is None:
                raise PeriodError(f"unknown scale {m[1]!r}")
            if scale in part:
                raise PeriodError(f"scale {scale} twice in one sub-period")
            part[scale] = _ranges(scale, m[2])
            pos = m.end()
        parts.append(part)
    return Period(text, tuple(parts))


def valid(text: str) -> bool:
    try:
        parse(text)
    except PeriodError:
        return False
    return True
