"""Pydantic models of the schedules of 4.12 (work days, holidays, excluded days)."""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, field_validator

from ...digits import AsciiInt
from ...limits import counted_first
from . import validators as v
from .models_base import _In, _Out

# --- 4.12 schedules ---------------------------------------------------------------------

_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")


class WorkDaysRule(_In):
    startTime: Optional[str] = None
    endTime: Optional[str] = None
    allDayEvent: bool = False
    sunday: bool = False
    monday: bool = False
    tuesday: bool = False
    wednesday: bool = False
    thursday: bool = False
    friday: bool = False
    saturday: bool = False

    @field_validator("startTime", "endTime", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return v.normalize_time(value)


class HolidayRule(_In):
    startDate: str

    @field_validator("startDate", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return v.normalize_date(value)


class ExcludedDayRule(_In):
    startDate: str
    startTime: Optional[str] = None
    endTime: Optional[str] = None

    @field_validator("startDate", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return v.normalize_date(value)

    @field_validator("startTime", "endTime", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        return v.normalize_time(value)


class ScheduleIn(_In):
    recordId: Optional[AsciiInt] = None
    name: str = Field(min_length=1, max_length=100)
    workDaysRules: list[WorkDaysRule] = Field(default_factory=list, max_length=v.MAX_SCHEDULE_RULES)
    holidaysRules: list[HolidayRule] = Field(default_factory=list, max_length=v.MAX_SCHEDULE_RULES)
    excludedDaysRules: list[ExcludedDayRule] = Field(default_factory=list, max_length=v.MAX_SCHEDULE_RULES)

    @field_validator("workDaysRules", "holidaysRules", "excludedDaysRules", mode="before")
    @classmethod
    def _null_list(cls, value: Any) -> Any:
        return [] if value is None else counted_first(value, v.MAX_SCHEDULE_RULES, "at most {limit} rules")


class Schedule(_Out):
    recordId: int
    name: str
    notBeRemoved: bool
    type: Literal["abonent", "group"]
    workDaysRules: list[WorkDaysRule]
    holidaysRules: list[HolidayRule]
    excludedDaysRules: list[ExcludedDayRule]
