"""CDR storage and paging (pure logic).

Per UN the records are kept sorted by call ``id``. Ids are handed out when a call arrives, so id order
is arrival order and ``start_id`` is an id (the call id, not the seqid, which is given when the record
is written at the end of the call). Lookups are bisections on per-UN lists; nothing scans all records.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Optional

from .links import wcf_json_bytes
from .timefmt import format_doc_datetime

MAX_LIMIT = 1000
JSON_KEPT = 20_000  # records' answers kept (~250 B each); the table starts over when full


@dataclass(slots=True)
class CdrRecord:
    id: int
    seqid: int
    un: str
    an: str
    start: datetime  # naive Moscow time of arrival
    duration: int
    talk_duration: int
    log: str

    def to_json(self) -> dict:
        return {
            "an": self.an,
            "duration": self.duration,
            "id": self.id,
            "log": self.log,
            "seqid": self.seqid,
            "start_time": format_doc_datetime(self.start),
            "talk_duration": self.talk_duration,
            "un": self.un,
        }


@dataclass(slots=True)
class CdrPage:
    records: list[CdrRecord]
    next_start_id: Optional[int]  # id of the first record of the next page, None on the last page


@dataclass
class _UnRecords:
    ids: list[int] = field(default_factory=list)
    starts: list[datetime] = field(default_factory=list)
    records: list[CdrRecord] = field(default_factory=list)


class CdrStore:
    """All CDRs of the provider, indexed per UN."""

    def __init__(self) -> None:
        self._by_un: dict[str, _UnRecords] = {}
        self._by_id: dict[int, CdrRecord] = {}
        # id -> the record's answer JSON, once a page served it (records never change)
        self._json: dict[int, bytes] = {}

    def record_json(self, record: CdrRecord) -> bytes:
        """``wcf_json_bytes(record.to_json())``, written once per record (≤ JSON_KEPT kept)."""
        data = self._json.get(record.id)
        if data is None:
            data = wcf_json_bytes(record.to_json())
            if len(self._json) >= JSON_KEPT:
                self._json.clear()
            self._json[record.id] = data
        return data

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, record: CdrRecord) -> None:
        if record.id in self._by_id:
            raise ValueError(f"duplicate CDR id {record.id}")
        bucket = self._by_un.setdefault(record.un, _UnRecords())
        pos = bisect.bisect_left(bucket.ids, record.id)
        # Arrival times never decrease with the id; a record out of order would break bytime bisection.
        if pos > 0 and bucket.starts[pos - 1] > record.start:
            raise ValueError(f"CDR {record.id} starts before an earlier call of {record.un}")
        if pos < len(bucket.ids) and bucket.starts[pos] < record.start:
            raise ValueError(f"CDR {record.id} starts after a later call of {record.un}")
        bucket.ids.insert(pos, record.id)
        bucket.starts.insert(pos, record.start)
        bucket.records.insert(pos, record)
        self._by_id[record.id] = record

    def extend(self, records: Iterable[CdrRecord]) -> None:
        for record in records:
            self.add(record)

    def all(self) -> list[CdrRecord]:
        """Every record, by id."""
        return [self._by_id[i] for i in sorted(self._by_id)]

    def get(self, record_id: int) -> Optional[CdrRecord]:
        return self._by_id.get(record_id)

    def count(self, un: str) -> int:
        bucket = self._by_un.get(un)
        return len(bucket.ids) if bucket else 0

    def by_time(
        self,
        un: str,
        begin: datetime,
        end: datetime,
        start_id: int,
        limit: int,
    ) -> CdrPage:
        """Records of ``un`` with begin <= start < end and id >= start_id, at most ``limit``."""
        bucket = self._by_un.get(un)
        if bucket is None or begin >= end:
            return CdrPage([], None)
        low = max(
            bisect.bisect_left(bucket.starts, begin),
            bisect.bisect_left(bucket.ids, start_id),
        )
        high = bisect.bisect_left(bucket.starts, end)
        return self._slice(bucket, low, high, limit)

    def by_id(self, un: str, start_id: int, limit: int) -> CdrPage:
        bucket = self._by_un.get(un)
        if bucket is None:
            return CdrPage([], None)
        low = bisect.bisect_left(bucket.ids, start_id)
        return self._slice(bucket, low, len(bucket.ids), limit)

    @staticmethod
    def _slice(bucket: _UnRecords, low: int, high: int, limit: int) -> CdrPage:
        if low >= high:
            return CdrPage([], None)
        stop = min(high, low + limit)
        next_id = bucket.ids[stop] if stop < high else None
        return CdrPage(bucket.records[low:stop], next_id)

    def clear(self) -> None:
        self._by_un.clear()
        self._by_id.clear()
        self._json.clear()
