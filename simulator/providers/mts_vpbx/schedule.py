"""Evaluation of 4.12 schedules: is a local moment inside the schedule's working time."""
from __future__ import annotations

from datetime import datetime

from .models import ScheduleIn
from .validators import parse_date, time_to_minutes

_WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _in_window(start: str | None, end: str | None, minute: int) -> bool:
    lo = time_to_minutes(start, 0)
    hi = time_to_minutes(end, 24 * 60)
    if hi <= lo:  # a window over midnight, e.g. 20:00-08:00
        return minute >= lo or minute < hi
    return lo <= minute < hi


def schedule_active(schedule: ScheduleIn, local: datetime) -> bool:
    """Holidays switch a day off, excluded days are extra working windows, otherwise workDaysRules."""
    day = local.date()
    minute = local.hour * 60 + local.minute
    for h in schedule.holidaysRules:
        if parse_date(h.startDate) == day:
            return False
    for x in schedule.excludedDaysRules:
        if parse_date(x.startDate) == day and _in_window(x.startTime, x.endTime, minute):
            return True
    weekday = _WEEKDAY_FIELDS[local.weekday()]
    for r in schedule.workDaysRules:
        if not getattr(r, weekday):
            continue
        if r.allDayEvent or _in_window(r.startTime, r.endTime, minute):
            return True
    return False
