"""Call history store (4.5): records indexed by enterprise, abonent and group, ordered by callTime."""
from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from typing import Iterable, Optional

from pydantic_core import to_json

from .models import CallHistoryPage, CallHistoryQuery, CallHistoryRecord
from .validators import digits_key

MS_THRESHOLD = 100_000_000_000  # below: the client sent seconds


def to_ms(value: Optional[int]) -> Optional[int]:
    """The document says "unixtimestamp" but its example is in ms; seconds are accepted too."""
    if value is None:
        return None
    return value * 1000 if 0 <= value < MS_THRESHOLD else value


@dataclass(order=True)
class _Entry:
    callTime: int
    seq: int
    record: CallHistoryRecord = field(compare=False)
    # the record's JSON, written on its first page (a record is never changed once stored)
    json: Optional[bytes] = field(default=None, compare=False, repr=False)

    def record_json(self) -> bytes:
        data = self.json
        if data is None:
            data = self.json = to_json(self.record)
        return data


class _Index:
    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: list[_Entry] = []

    def add(self, entry: _Entry) -> None:
        if not self.entries or self.entries[-1] <= entry:
            self.entries.append(entry)
        else:
            bisect.insort(self.entries, entry)

    def bounds(self, date_from: Optional[int], date_to: Optional[int]) -> tuple[int, int]:
        lo = 0 if date_from is None else bisect.bisect_left(self.entries, _Entry(date_from, -1, None))  # type: ignore[arg-type]
        hi = len(self.entries) if date_to is None else bisect.bisect_right(
            self.entries, _Entry(date_to, 1 << 62, None))  # type: ignore[arg-type]
        return lo, hi

    def window(self, date_from: Optional[int], date_to: Optional[int]) -> list[_Entry]:
        lo, hi = self.bounds(date_from, date_to)
        return self.entries[lo:hi]


class HistoryStore:
    def __init__(self) -> None:
        self._seq = 0
        self.enterprise = _Index()
        self.by_user: dict[int, _Index] = {}
        self.by_group: dict[int, _Index] = {}
        self.by_tracking: dict[str, CallHistoryRecord] = {}

    def __len__(self) -> int:
        return len(self.enterprise.entries)

    def add(self, record: CallHistoryRecord, user_id: Optional[int], group_ids: Iterable[int],
            order: Optional[int] = None) -> None:
        """``order`` breaks ties of equal callTime (the call half number: creation order in a call)."""
        self._seq += 1
        entry = _Entry(record.callTime, order if order is not None else self._seq, record)
        self.enterprise.add(entry)
        if user_id is not None:
            self.by_user.setdefault(user_id, _Index()).add(entry)
        for gid in group_ids:
            self.by_group.setdefault(gid, _Index()).add(entry)
        self.by_tracking.setdefault(record.extTrackingId, record)

    def query(self, q: CallHistoryQuery, *, user_id: Optional[int] = None, group_id: Optional[int] = None
              ) -> CallHistoryPage:
        entries, total = self._page(q, user_id, group_id)
        return CallHistoryPage(content=[e.record for e in entries], totalElements=total,
                               totalPages=_pages(total, q.size))

    def page_json(self, q: CallHistoryQuery, *, user_id: Optional[int] = None, group_id: Optional[int] = None
                  ) -> bytes:
        """The JSON of :meth:`query`'s page from each record's kept JSON (the same bytes:
        tests/providers/mts_vpbx/test_history_page.py): writing the records was nearly all of
        the route's time."""
        entries, total = self._page(q, user_id, group_id)
        return b"".join((b'{"content":[', b",".join([e.record_json() for e in entries]),
                         b'],"totalElements":%d,"totalPages":%d}' % (total, _pages(total, q.size))))

    def _page(self, q: CallHistoryQuery, user_id: Optional[int], group_id: Optional[int]
              ) -> tuple[list[_Entry], int]:
        """The entries of the query's page and how many match in all."""
        if user_id is not None:
            index = self.by_user.get(user_id) or _Index()
        elif group_id is not None:
            index = self.by_group.get(group_id) or _Index()
        else:
            index = self.enterprise
        date_from, date_to = to_ms(q.dateFrom), to_ms(q.dateTo)
        called = digits_key(q.calledNumber) if q.calledNumber else None
        calling = digits_key(q.callingNumber) if q.callingNumber else None
        start = q.page * q.size
        if not (q.direction or q.status or called is not None or calling is not None):
            # no filter but the dates: the page is a slice of the index, whatever its size
            lo, hi = index.bounds(date_from, date_to)
            return index.entries[min(hi, lo + start):min(hi, lo + start + q.size)], hi - lo
        matched = []
        for e in index.window(date_from, date_to):
            r = e.record
            if q.direction and r.direction != q.direction:
                continue
            if q.status and r.status != q.status:
                continue
            if called is not None and digits_key(r.calledNumber) != called:
                continue
            if calling is not None and digits_key(r.callingNumber) != calling:
                continue
            matched.append(e)
        return matched[start:start + q.size], len(matched)


def _pages(total: int, size: int) -> int:
    return math.ceil(total / size) if total else 0


def generate_history(rng: random.Random, *, count: int, end_ms: int, days: int, enterprise_bwks: str,
                     abonents: list[dict], time_zone: str, first_tracking: int) -> list[tuple[CallHistoryRecord, dict]]:
    """Believable past calls of the world's abonents; ``abonents`` items carry userId, bwksUserId,
    groupBwksId, number, name. Deterministic for a seeded ``rng``."""
    if not abonents or count <= 0:
        return []
    out = []
    span_ms = days * 86400 * 1000
    causes_missed = ["USER_BUSY", "USER_ALERTED_NO_ANSWER", "USER_NOT_AVAILABLE", "CALL_REJECTED"]
    times = sorted(end_ms - rng.randrange(span_ms) for _ in range(count))
    for i, t in enumerate(times):
        ab = rng.choice(abonents)
        outward = "+7" + "".join(str(rng.randrange(10)) for _ in range(10))
        originating = rng.random() < 0.45
        missed = rng.random() < 0.2
        if originating:
            calling, called, direction = ab["number"], outward, "ORIGINATING"
        else:
            calling, called, direction = outward, ab["number"], "TERMINATING"
        answer = 0 if missed else rng.randrange(1, 25)
        duration = 0 if missed else rng.randrange(5, 600)
        status = "MISSED" if missed and not originating else "PLACED"  # as the engine's records (decisions)
        cause = rng.choice(causes_missed) if missed else "NORMAL"
        call_half = 3600000000 + first_tracking * 10 + i * 7
        rec = CallHistoryRecord(
            enterpriseBwksId=enterprise_bwks, groupBwksId=ab["groupBwksId"], departmentBwksId="",
            userId=ab["bwksUserId"], callTime=(t // 1000) * 1000, callingNumber=calling, calledNumber=called,
            duration=duration, direction=direction, status=status, answerDuration=answer,
            terminationCause=cause, redirectingNumber="", redirectingReason=None,
            callGroupId=str(call_half), recordAbonentId=None, abonentName=None, timeZone=time_zone,
            extTrackingId=f"{first_tracking + i}:1",
        )
        out.append((rec, ab))
    return out


class HistoryRecords:
    """Mixin of :class:`~.backend.Enterprise`: its call history and recordings (4.5, 4.9)."""

    def _init_history(self) -> None:
        self.history = HistoryStore()
        self.session_calls: list[tuple[CallHistoryRecord, Optional[int]]] = []  # records of engine calls
        self.recordings: dict[str, float] = {}   # conversation id -> seconds of audio

    def add_history(self, record: CallHistoryRecord, order: Optional[int] = None) -> None:
        uid = self.by_bwks.get(record.userId)
        groups: list[int] = []
        if uid is not None:
            groups = self.group_chain(self.abonents[uid].cfg.groupId)
        else:
            for gid, bwks in self.group_bwks.items():
                if bwks == record.groupBwksId:
                    groups = self.group_chain(gid)
                    break
        self.history.add(record, uid, groups, order)

    def record_call(self, record: CallHistoryRecord, order: Optional[int] = None) -> None:
        """A history record of a call made in this session (kept when the world is patched)."""
        self.session_calls.append((record, order))
        self.add_history(record, order)

    def recall_last_numbers(self) -> None:
        """CallReturn / LastNumberRedial (4.8.7, 4.8.8) work from the portal's call log: the
        world's history gives each abonent its last received and last dialled address."""
        for uid, st in self.abonents.items():
            index = self.history.by_user.get(uid)
            for entry in reversed(index.entries if index is not None else []):
                r = entry.record
                if r.direction == "TERMINATING" and st.last_received is None:
                    st.last_received = r.callingNumber
                elif r.direction == "ORIGINATING" and st.last_dialed is None:
                    st.last_dialed = r.calledNumber
                if st.last_received is not None and st.last_dialed is not None:
                    break

    def recording_key(self, ext_tracking_id: str) -> Optional[str]:
        """Recordings are kept under the conversation id (``20105616:1``); the history's long form
        ``20105616:1callhalf-3659097569:0`` finds the same recording."""
        if ext_tracking_id in self.recordings:
            return ext_tracking_id
        head = ext_tracking_id.split("callhalf-", 1)[0]
        return head if head in self.recordings else None
