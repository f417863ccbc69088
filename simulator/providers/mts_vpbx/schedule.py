"""Evaluation of 4.12 schedules: is a local moment inside the schedule's working time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Optional

from pydantic_core import to_json

from . import errors as E
from .errors import VpbxError
from .models import Schedule, ScheduleIn
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


# --------------------------------------------------------------------------- the schedules' store

@dataclass
class ScheduleState:
    body: ScheduleIn
    type: Literal["abonent", "group"]
    ownerId: int
    notBeRemoved: bool = False
    # (body, notBeRemoved, the JSON of view()): the answer, kept until either changes
    _answer: Optional[tuple[ScheduleIn, bool, bytes]] = field(default=None, repr=False, compare=False)
    # the request body that set ``body`` (a PUT's bytes), or None: the same bytes again are the same body
    raw: Optional[bytes] = field(default=None, repr=False, compare=False)

    def answer(self) -> bytes:
        """The JSON of :meth:`view`, written without building it (the same bytes:
        tests/providers/mts_vpbx/test_schedule_render.py)."""
        kept = self._answer
        if kept is not None and kept[0] is self.body and kept[1] == self.notBeRemoved:
            return kept[2]
        body = self.body
        data = to_json({"recordId": body.recordId, "name": body.name, "notBeRemoved": self.notBeRemoved,
                        "type": self.type, "workDaysRules": body.workDaysRules,
                        "holidaysRules": body.holidaysRules, "excludedDaysRules": body.excludedDaysRules})
        self._answer = (body, self.notBeRemoved, data)
        return data

    def view(self) -> Schedule:
        assert self.body.recordId is not None
        # built from values validated when the body came in: not validated again
        body = self.body
        return Schedule.model_construct(recordId=body.recordId, name=body.name, notBeRemoved=self.notBeRemoved,
                                        type=self.type, workDaysRules=body.workDaysRules,
                                        holidaysRules=body.holidaysRules, excludedDaysRules=body.excludedDaysRules)



class Schedules:
    """Mixin of :class:`~.backend.Enterprise`: abonent and group schedules (4.12)."""

    def _init_schedules(self) -> None:
        self.schedules: dict[int, ScheduleState] = {}
        self.schedules_by_owner: dict[tuple[str, int], list[int]] = {}

    def schedules_for_abonent(self, abonent_id: int) -> list[Schedule]:
        return [st.view() for st in self._schedules_of(abonent_id)]

    def schedules_answer(self, abonent_id: int) -> bytes:
        """The JSON of :meth:`schedules_for_abonent`, from each schedule's kept answer."""
        return b"[" + b",".join([st.answer() for st in self._schedules_of(abonent_id)]) + b"]"

    def _schedules_of(self, abonent_id: int) -> list[ScheduleState]:
        st = self.abonent(abonent_id)
        ids = list(self.schedules_by_owner.get(("abonent", abonent_id), []))
        for gid in self.group_chain(st.cfg.groupId):
            ids.extend(self.schedules_by_owner.get(("group", gid), []))
        return [self.schedules[i] for i in ids]

    def _owner_check(self, kind: str, owner: int) -> None:
        if kind == "abonent":
            self.abonent(owner)
        else:
            self.group(owner)

    def create_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn,
                        not_be_removed: bool = False, record_id: Optional[int] = None) -> Schedule:
        return self.add_schedule(kind, owner, body, not_be_removed, record_id).view()

    def add_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn,
                     not_be_removed: bool = False, record_id: Optional[int] = None) -> ScheduleState:
        self._owner_check(kind, owner)
        rid = record_id if record_id is not None else self.backend.next_schedule_id()
        body = body.model_copy(update={"recordId": rid})
        self.schedules[rid] = ScheduleState(body=body, type=kind, ownerId=owner, notBeRemoved=not_be_removed)
        self.schedules_by_owner.setdefault((kind, owner), []).append(rid)
        self.backend.schedule_owner[rid] = self
        return self.schedules[rid]

    def _owned_schedule(self, kind: str, owner: int, record_id: Optional[int]) -> ScheduleState:
        self._owner_check(kind, owner)
        if record_id is None:
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="recordId"))
        st = self.schedules.get(record_id)
        if st is None or st.type != kind or st.ownerId != owner:
            raise VpbxError(404, E.SCHEDULE_NOT_FOUND.format(id=record_id))
        return st

    def update_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn) -> Schedule:
        return self.replace_schedule(kind, owner, body).view()

    def replace_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn,
                         raw: Optional[bytes] = None) -> ScheduleState:
        """``body`` (validated from the request body ``raw``, when given) as the schedule it names.
        The same schedule again keeps its body, and so its kept answer: told by its bytes when
        they are given (the models' ``==`` walks every rule in Python, 6-15 µs a request), else
        by the models; a body that differs only in its bytes' form is taken, the same answer."""
        st = self._owned_schedule(kind, owner, body.recordId)
        if raw is not None:
            if raw != st.raw:
                st.body, st.raw = body, raw
        elif body != st.body:
            st.body, st.raw = body, None
        return st

    def delete_schedule(self, kind: Literal["abonent", "group"], owner: int, record_id: Optional[int]) -> None:
        st = self._owned_schedule(kind, owner, record_id)
        if st.notBeRemoved:
            raise VpbxError(400, E.SCHEDULE_NOT_REMOVABLE.format(id=record_id))
        del self.schedules[record_id]  # type: ignore[arg-type]
        self.schedules_by_owner[(kind, owner)].remove(record_id)  # type: ignore[arg-type]
        self.backend.schedule_owner.pop(record_id, None)  # type: ignore[arg-type]
