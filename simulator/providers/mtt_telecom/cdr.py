"""Call-history rows (the document's CDR fields) and their per-customer indexes: by type,
by account and by number, each sorted by time, so a history request is a range lookup."""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .timefmt import fmt

TYPES = ("incoming", "missed", "dialed", "forwarded", "callback")
#: rows kept per customer; beyond, the oldest are forgotten (a long-running sandbox stays bounded)
MAX_ROWS = 200_000


@dataclass(slots=True)
class Cdr:
    ts: float                      # connect_time, Unix seconds (UTC)
    type: str
    account_id: str
    cli: str
    cld: str
    charged_time: int = 0
    charged: float = 0.0
    destination: str = "RUSSIAN FEDERATION"
    curr: str = "RUB"
    disconnect_cause: int = 16
    used_quantity: int = 0
    setup_time_ms: int = 0
    h323_conf_id: Optional[str] = None
    h323_incoming_conf_id: Optional[str] = None
    voice_record_exist: bool = False
    seq: int = 0

    def call_history(self) -> dict:
        """A getCallHistory row: numbers as strings, ``clid`` as the document's example has it."""
        when = fmt(self.ts)
        out = {"cli": self.cli, "clid": self.cld, "customer_local_time": when, "connect_time": when,
               "charged_time": str(self.charged_time), "charged": _money(self.charged),
               "destination": self.destination, "curr": self.curr, "disconnect_cause": str(self.disconnect_cause),
               "used_quantity": str(self.used_quantity)}
        if self.h323_conf_id:
            out["h323_conf_id"] = self.h323_conf_id
        return out

    def service_history(self) -> dict:
        """A getServiceHistoryByCustomer row (the table's fields, in the example's order)."""
        when = fmt(self.ts)
        return {"cli": self.cli, "cld": self.cld, "customer_local_time": when,
                "connect_time": when, "charged_time": str(self.charged_time),
                "charged": _money(self.charged), "destination": self.destination,
                "h323_conf_id": self.h323_conf_id or "", "h323_incoming_conf_id": self.h323_incoming_conf_id or "",
                "curr": self.curr, "setup_time_ms": str(self.setup_time_ms),
                "disconnect_cause": str(self.disconnect_cause), "account_id": self.account_id,
                "used_quantity": str(self.used_quantity), "voice_record_exist": self.voice_record_exist}

    def snapshot(self) -> dict:
        return {"type": self.type, **self.service_history()}


def _money(value: float) -> float | int:
    value = round(value, 2)
    return int(value) if value == int(value) else value


class SortedRows:
    def __init__(self) -> None:
        self.keys: list[tuple[float, int]] = []
        self.rows: list[Cdr] = []

    def add(self, row: Cdr) -> None:
        key = (row.ts, row.seq)
        i = bisect.bisect_right(self.keys, key)
        self.keys.insert(i, key)
        self.rows.insert(i, row)

    def between(self, t0: float, t1: float) -> list[Cdr]:
        """Rows with t0 <= ts <= t1, oldest first."""
        lo = bisect.bisect_left(self.keys, (t0, -1))
        hi = bisect.bisect_right(self.keys, (t1, float("inf")))
        return self.rows[lo:hi]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class CustomerHistory:
    by_type: dict[str, SortedRows] = field(default_factory=dict)
    by_account: dict[str, SortedRows] = field(default_factory=dict)
    by_type_number: dict[tuple[str, str], SortedRows] = field(default_factory=dict)
    all: SortedRows = field(default_factory=SortedRows)
    _seq: itertools.count = field(default_factory=itertools.count)

    def add(self, row: Cdr) -> Cdr:
        row.seq = next(self._seq)
        for index in self._indexes(row, create=True):
            index.add(row)
        while len(self.all) > MAX_ROWS:
            self._drop_oldest()
        return row

    def _indexes(self, row: Cdr, create: bool = False) -> list[SortedRows]:
        keys = [(self.by_type, row.type), (self.by_account, row.account_id)]
        keys += [(self.by_type_number, (row.type, n)) for n in {row.cli.lstrip("+"), row.cld.lstrip("+")}]
        out = [self.all]
        for table, key in keys:
            index = table.setdefault(key, SortedRows()) if create else table.get(key)
            if index is not None:
                out.append(index)
        return out

    def _drop_oldest(self) -> None:
        """The oldest row overall is the oldest of every index it is in."""
        row = self.all.rows[0]
        for index in self._indexes(row):
            if index.rows and index.rows[0] is row:
                del index.rows[0]
                del index.keys[0]

    def extend(self, rows: Iterable[Cdr]) -> None:
        for row in rows:
            self.add(row)

    def of_type(self, type_: str, number: Optional[str] = None) -> SortedRows:
        index = self.by_type.get(type_) if number is None else self.by_type_number.get((type_, number.lstrip("+")))
        return index or SortedRows()

    def of_account(self, sip_id: str) -> SortedRows:
        return self.by_account.get(sip_id) or SortedRows()
