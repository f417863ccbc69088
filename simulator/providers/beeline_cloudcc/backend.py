"""Per-tenant state of the Beeline cloudcc platform (moto-style: no HTTP here).

Time-dependent states (voice file PENDING, CDR readiness and expiry) are derived from
timestamps against the virtual clock when asked, so no timers are needed for them.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from . import dates
from .numbers import canonical

BLACK_LISTS = 3  # ListID 0, 1, 2 (4.6 note)


@dataclass
class Limits:
    """Configurable sizes and delays (world tenant ``limits`` override these)."""

    max_json_bytes: int = 64 * 1024
    max_body_bytes: int = 8 * 1024 * 1024
    blacklist_limit: int = 10_000
    cdr_ready_delay: float = 30.0
    cdr_lifetime: float = 24 * 3600.0
    vfile_pending_delay: float = 10.0
    vfiles_per_number: int = 10
    agent_wait_timeout: float = 30.0
    agent_answer_timeout: float = 5.0
    ring_timeout: float = 60.0
    button_timeout: float = 10.0


@dataclass
class Redirect:
    rnumber: str
    anumber: Optional[str] = None
    rule_id: Optional[int] = None


@dataclass
class StoredVoiceFile:
    name: str
    comment: str
    data: bytes
    uploaded_at: float
    ready_at: float
    duration: float

    def pending(self, now: float) -> bool:
        return now < self.ready_at


@dataclass
class CdrRequest:
    cdrid: str
    # canonical B-number -> (from, to); key "*" means every number of the tenant (4.13.2)
    intervals: dict[str, tuple[float, float]]
    created_at: float
    ready_at: float
    expires_at: float

    def status(self, now: float) -> str:
        if now >= self.expires_at:
            return "EXPIRED"
        if now >= self.ready_at:
            return "READY"
        return "NOT READY"

    @property
    def file_name(self) -> str:
        return f"{self.cdrid}_{dates.timestamp14(self.ready_at)}"


@dataclass
class CallRecord:
    """One row of the statistics file."""

    call_id: str
    direction: str  # IN / OUT
    bnumber: str  # the tenant's number (canonical), "" for outbound calls without one
    anumber: str
    target: str
    dt_begin: float
    dt_end: float
    duration: int
    talk_duration: int
    a_release: int
    b_release: int
    record_file: Optional[str] = None
    recording_id: Optional[str] = None  # the engine's recording, when the call was simulated


@dataclass
class TenantState:
    login: str
    password: str
    numbers: dict[str, str]  # canonical -> number as the world writes it
    tenant_id: str = ""
    allowed_ips: tuple[str, ...] = ()
    client_url: str = ""
    limits: Limits = field(default_factory=Limits)
    errors_as_200: bool = False
    redirects: dict[str, Redirect] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)  # RCANCEL-ed numbers (4.3)
    premedia: dict[str, tuple[str, str]] = field(default_factory=dict)
    file_users: dict[str, set[str]] = field(default_factory=dict)  # voice file -> B-numbers
    files_in_calls: Counter = field(default_factory=Counter)
    blacklists: list[dict[str, dict[str, str]]] = field(
        default_factory=lambda: [{} for _ in range(BLACK_LISTS)]
    )
    blacklist_sizes: list[int] = field(default_factory=lambda: [0] * BLACK_LISTS)
    active_list: int = 0
    record_all: bool = False
    record_numbers: dict[str, None] = field(default_factory=dict)
    vfiles: dict[str, StoredVoiceFile] = field(default_factory=dict)
    cdr_requests: dict[str, CdrRequest] = field(default_factory=dict)
    cdr_files: dict[str, str] = field(default_factory=dict)  # file name -> cdrid
    calls: list[CallRecord] = field(default_factory=list)  # ordered by dt_end
    call_ends: list[float] = field(default_factory=list)
    calls_by_b: dict[str, list[CallRecord]] = field(default_factory=dict)
    call_ends_by_b: dict[str, list[float]] = field(default_factory=dict)
    recordings: dict[str, CallRecord] = field(default_factory=dict)

    # ------------------------------------------------------------------ numbers
    def owns(self, number: str) -> bool:
        return canonical(number) in self.numbers

    def display(self, key: str) -> str:
        return self.numbers.get(key, key)

    # ------------------------------------------------------------------ premedia / files
    def set_premedia(self, key: str, file_a: Optional[str], file_b: Optional[str]) -> None:
        old_a, old_b = self.premedia.get(key, ("", ""))
        new_a = old_a if file_a is None else file_a
        new_b = old_b if file_b is None else file_b
        for name in (old_a, old_b):
            if name and name not in (new_a, new_b):
                users = self.file_users.get(name)
                if users is not None:
                    users.discard(key)
                    if not users:
                        del self.file_users[name]
        for name in (new_a, new_b):
            if name:
                self.file_users.setdefault(name, set()).add(key)
        if new_a or new_b:
            self.premedia[key] = (new_a, new_b)
        else:
            self.premedia.pop(key, None)

    def file_in_use(self, name: str) -> bool:
        return bool(self.file_users.get(name)) or self.files_in_calls[name] > 0

    def file_ready(self, name: str, now: float) -> bool:
        stored = self.vfiles.get(name)
        return stored is not None and not stored.pending(now)

    def vfile_limit(self) -> int:
        return max(1, len(self.numbers)) * self.limits.vfiles_per_number

    # ------------------------------------------------------------------ black lists
    def blacklisted(self, bnumber: str, anumber: str) -> bool:
        entry = self.blacklists[self.active_list].get(canonical(bnumber))
        return bool(entry) and canonical(anumber) in entry

    def add_black(self, list_id: int, bkey: str, anumbers: Iterable[str]) -> None:
        entry = self.blacklists[list_id].setdefault(bkey, {})
        for a in anumbers:
            akey = canonical(a)
            if akey not in entry:
                entry[akey] = a
                self.blacklist_sizes[list_id] += 1

    def remove_black(self, list_id: int, bkey: str, anumbers: Optional[Iterable[str]]) -> None:
        entry = self.blacklists[list_id].get(bkey)
        if entry is None:
            return
        if anumbers is None:
            self.blacklist_sizes[list_id] -= len(entry)
            del self.blacklists[list_id][bkey]
            return
        for a in anumbers:
            if entry.pop(canonical(a), None) is not None:
                self.blacklist_sizes[list_id] -= 1
        if not entry:
            del self.blacklists[list_id][bkey]

    def clear_black(self, list_id: int) -> None:
        self.blacklists[list_id] = {}
        self.blacklist_sizes[list_id] = 0

    # ------------------------------------------------------------------ recording
    def records(self, bnumber: str) -> bool:
        return self.record_all or canonical(bnumber) in self.record_numbers

    # ------------------------------------------------------------------ call history
    def add_call(self, record: CallRecord) -> None:
        """Append a finished call; kept sorted by DT_END (4.13.5) for bisect lookups."""
        pos = bisect.bisect_right(self.call_ends, record.dt_end)
        self.calls.insert(pos, record)
        self.call_ends.insert(pos, record.dt_end)
        if record.bnumber:
            ends = self.call_ends_by_b.setdefault(record.bnumber, [])
            rows = self.calls_by_b.setdefault(record.bnumber, [])
            pos = bisect.bisect_right(ends, record.dt_end)
            rows.insert(pos, record)
            ends.insert(pos, record.dt_end)
        if record.record_file:
            self.recordings[record.record_file] = record

    def calls_between(self, key: str, start: float, end: float) -> list[CallRecord]:
        if key == "*":
            rows, ends = self.calls, self.call_ends
        else:
            rows, ends = self.calls_by_b.get(key, []), self.call_ends_by_b.get(key, [])
        lo = bisect.bisect_left(ends, start)
        hi = bisect.bisect_right(ends, end)
        return rows[lo:hi]

    def cdr_rows(self, request: CdrRequest) -> list[CallRecord]:
        """The file is made once, when it becomes READY: later calls never change it."""
        seen: dict[str, CallRecord] = {}
        for key, (start, end) in request.intervals.items():
            for row in self.calls_between(key, start, min(end, request.ready_at)):
                seen.setdefault(row.call_id, row)
        return sorted(seen.values(), key=lambda r: (r.dt_end, r.call_id))


class Backend:
    """All Beeline tenants of the world, keyed by login."""

    def __init__(self, now: Callable[[], float], *, sys_id: str = "119", host_id: str = "spn-msk-01") -> None:
        self.now = now
        self.sys_id = sys_id
        self.host_id = host_id
        self.tenants: dict[str, TenantState] = {}
        self._numbers: dict[str, str] = {}  # canonical B-number -> login
        self._aux = itertools.count(1)
        self._cdr = itertools.count(0x6185A99)
        self._script = itertools.count(186770949540979)

    def add_tenant(self, tenant: TenantState) -> TenantState:
        self.tenants[tenant.login] = tenant
        for key in tenant.numbers:
            self._numbers[key] = tenant.login
        return tenant

    def reindex(self) -> None:
        """Rebuild the login and number indexes after a tenant's settings changed."""
        tenants = list(self.tenants.values())
        self.tenants = {}
        self._numbers = {}
        for tenant in tenants:
            self.add_tenant(tenant)

    def tenant_of_number(self, number: str) -> Optional[TenantState]:
        login = self._numbers.get(canonical(number))
        return self.tenants.get(login) if login else None

    def tenant_by_id(self, tenant_id: Optional[str]) -> Optional[TenantState]:
        return next((t for t in self.tenants.values() if t.tenant_id == tenant_id), None) if tenant_id else None

    def authenticate(self, login: str, password: str) -> Optional[TenantState]:
        tenant = self.tenants.get(login)
        if tenant is None or tenant.password != password:
            return None
        return tenant

    def auxcode(self) -> str:
        return f"{self.sys_id}-{next(self._aux):08d}"

    def new_cdrid(self) -> str:
        return format(next(self._cdr), "x")

    def new_script_id(self) -> str:
        return str(next(self._script))
