"""getCallHistory (one number) and getServiceHistoryByCustomer (a whole customer), on
/index.php and, for calls before settings.archive_before, /archive/index.php (wire-facts 4.1).

Rows come from the world (``cdrs``), from history generated from the seed, and from engine
calls as they finish (charging the customer's balance)."""
from __future__ import annotations

import hashlib
import math
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...jsonrpc import MethodSet, Param
from ...world import rng_for
from . import errors as E
from . import records
from .cdr import TYPES, Cdr, CustomerHistory
from .params import as_int, as_str
from .state import number_of
from .timefmt import DMY, ISO, MSK, parse

if TYPE_CHECKING:
    from ...engine.calls import CallRecord
    from .provider import MttTelecomProvider

RPC = MethodSet()
ORDERS = ("desc", "asc")
HALF_HOUR = 1800.0
DAY = 86400.0


# ------------------------------------------------------------------ methods
@RPC.method("getCallHistory", [
    Param("sip_id"),
    Param("date_from", optional=True, description="dd.mm.yyyy HH:MM:SS, UTC (default: a day before date_to)"),
    Param("date_to", optional=True, description="dd.mm.yyyy HH:MM:SS, UTC (default: now)"),
], returns="object", section="getCallHistory")
async def get_call_history(ctx, sip_id, date_from, date_to):
    """The call history of one number: incoming, missed, dialed and callback arrays."""
    t0, t1 = _range(ctx, date_from, date_to, DMY, default_span=DAY)
    ref = ctx.state.account(as_str(sip_id, "sip_id"))
    if ref is None or ref.tenant_id != ctx.tenant_id:
        raise E.data_not_found(E.NO_DATA)
    index = _history(ctx.provider, ref.customer_name).by_account.get(ref.sip_id)
    out: dict[str, Any] = {"incoming": [], "missed": [], "dialed": [], "callback": []}
    if index is not None:
        for row in index.between(*_window(ctx, t0, t1))[-ctx.state.world.settings.history_limit:]:
            if row.type in out:
                out[row.type].append(row.call_history())
    out["success"] = 1
    return out


@RPC.method("getServiceHistoryByCustomer", [
    Param("type", description="incoming, missed, dialed or forwarded"),
    Param("customer_name"),
    Param("date_from", optional=True, description="YYYY-MM-DD HH24:MI:SS (both dates absent: the last half hour)"),
    Param("date_to", optional=True),
    Param("filter", optional=True, description='a number matched against "cli" and "cld"'),
    Param("order", optional=True, default="desc", description="desc or asc"),
    Param("record_count", "integer", description="rows to return, at most 1000"),
], returns="object", section="getServiceHistoryByCustomer")
async def get_service_history_by_customer(ctx, type, customer_name, date_from, date_to, filter, order,
                                          record_count):
    """The call history of every number of a customer, of one type."""
    if type not in TYPES[:4]:
        raise E.unknown_value("type")
    if order not in ORDERS:
        raise E.unknown_value("order")
    limit = min(as_int(record_count, "record_count", minimum=1), ctx.state.world.settings.history_limit)
    t0, t1 = _range(ctx, date_from, date_to, ISO, default_span=HALF_HOUR)
    ref = ctx.customer(as_str(customer_name, "customer_name"))
    number = as_str(filter, "filter", required=False)
    rows = _history(ctx.provider, ref.name).of_type(type, number).between(*_window(ctx, t0, t1))
    rows = rows[::-1][:limit] if order == "desc" else rows[:limit]
    return {type: [row.service_history() for row in rows], "success": 1}


ARCHIVE_RPC = MethodSet(RPC)


def _range(ctx, date_from: Any, date_to: Any, fmt: str, default_span: float) -> tuple[float, float]:
    t0 = parse(date_from, fmt) if date_from not in (None, "") else None
    t1 = parse(date_to, fmt) if date_to not in (None, "") else None
    if date_from not in (None, "") and t0 is None:
        raise E.bad_param(E.INVALID_BEGIN)
    if date_to not in (None, "") and t1 is None:
        raise E.bad_param(E.INVALID_END)
    t1 = ctx.now() if t1 is None else t1
    t0 = t1 - default_span if t0 is None else t0
    if t0 > t1:
        raise E.bad_param(E.INVALID_BEGIN)
    return t0, t1


def _window(ctx, t0: float, t1: float) -> tuple[float, float]:
    """/index.php serves calls from settings.archive_before on, /archive/index.php the older ones."""
    split = _archive_split(ctx.state.world.settings.archive_before)
    if ctx.archive:
        return t0, min(t1, split - 1e-6)
    return max(t0, split), t1


@lru_cache(maxsize=64)  # a world setting, read on every history request
def _archive_split(day: str) -> float:
    return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=MSK).timestamp()


# ------------------------------------------------------------------- store
def _history(p: "MttTelecomProvider", customer_name: str) -> CustomerHistory:
    store = p.state.extra.get("history")
    if store is None:
        store = p.state.extra["history"] = {}
    hist = store.get(customer_name)   # (not setdefault: that builds an empty history per request)
    if hist is None:
        hist = store[customer_name] = CustomerHistory()
    return hist


def reset(p: "MttTelecomProvider") -> None:
    p.state.extra["history"] = {}
    seed = getattr(p.sim.world, "seed", 0)
    now = p.sim.clock.now()
    for tid, tenant in p.state.world.tenants.items():
        for cname, customer in tenant.customers.items():
            hist = _history(p, cname)
            for row in customer.cdrs:
                ts = parse(row.connect_time, ISO)
                hist.add(Cdr(ts, row.type, row.account_id, row.cli, row.cld, row.charged_time, row.charged,
                             row.destination, row.curr, row.disconnect_cause, row.used_quantity, row.setup_time_ms,
                             row.h323_conf_id, row.h323_incoming_conf_id, row.voice_record_exist))
            hist.extend(_generate(p, seed, tid, cname, customer, now))


def _conf_id(rng) -> str:
    return " ".join(f"{rng.getrandbits(32):08X}" for _ in range(4))


def conf_id_for(p: "MttTelecomProvider", call_id: str) -> str:
    """A stable h323_conf_id for an engine call (same seed, same ids)."""
    digest = hashlib.sha256(f"{getattr(p.sim.world, 'seed', 0)}:{call_id}".encode()).hexdigest().upper()
    return " ".join(digest[i:i + 8] for i in range(0, 32, 8))


def _generate(p: "MttTelecomProvider", seed: int, tid: str, cname: str, customer, now: float) -> list[Cdr]:
    """``history.days`` × ``history.calls_per_day`` believable rows over the customer's accounts."""
    accounts = list(customer.accounts.items())
    if not accounts:
        return []
    rng = rng_for(seed, "mtt-telecom", tid, cname, "history")
    rate = p.state.world.settings.rate_per_minute
    out = []
    start = now - customer.history.days * DAY
    for _ in range(customer.history.days * customer.history.calls_per_day):
        ts = float(int(start + rng.random() * (now - start)))
        sip_id, account = rng.choice(accounts)
        own = number_of(sip_id, account)
        other = "79" + "".join(str(rng.randrange(10)) for _ in range(9))
        kind = rng.choices(("incoming", "missed", "dialed", "forwarded"), (40, 15, 35, 10))[0]
        talk = 0 if kind == "missed" else int(rng.expovariate(1 / 120)) + 5
        cause = rng.choice((17, 19)) if kind == "missed" else 16
        charged_time = int(math.ceil(talk / 60) * 60) if kind in ("dialed", "forwarded") else 0
        charged = round(charged_time / 60 * rate, 2)
        if kind == "dialed":
            cli, cld = own, other
        elif kind == "forwarded":
            target = account.followme[0].redirect_number if account.followme else other
            cli, cld = other, target
        else:
            cli, cld = other, own
        recorded = account.record and talk > 0
        row = Cdr(ts, kind, sip_id, cli, cld, charged_time, charged, "RUSSIAN FEDERATION", customer.currency, cause,
                  talk, rng.randrange(1500, 9000), _conf_id(rng), _conf_id(rng), recorded)
        if recorded:
            records.register(p, tid, cname, row.h323_conf_id, talk)
        out.append(row)
    return out


# ---------------------------------------------------------- engine calls
def on_event(p: "MttTelecomProvider", event) -> None:
    if event.type == "recording.ready":
        call = _finished_call(p, event.call_id)
        rec = p.sim.engine.recordings.get(event.data.get("recording_id", ""))
        meta = call.meta if call is not None else {}
        if rec is not None and meta.get("h323_conf_id") and meta.get("customer_name"):
            records.register(p, event.tenant, meta["customer_name"], meta["h323_conf_id"], rec.duration, rec.id)
    elif event.type == "call.finished":
        record: "CallRecord" = event.data["record"]
        if record.meta.get("customer_name"):
            add_call(p, record)


def _finished_call(p: "MttTelecomProvider", call_id: str):
    try:
        return p.sim.engine.get(call_id)
    except KeyError:
        return None


def add_call(p: "MttTelecomProvider", record: "CallRecord") -> list[Cdr]:
    """History rows of a finished engine call, and the charge on the customer's balance."""
    meta = record.meta
    ref = p.state.customer(meta["customer_name"])
    if ref is None:
        return []
    rate = p.state.world.settings.rate_per_minute
    h323 = meta.get("h323_conf_id") or conf_id_for(p, record.id)
    sip_id = meta.get("sip_id") or ""
    setup_ms = int(((record.answered_at or record.ended_at) - record.started_at) * 1000)
    talk = int(round(record.talk_duration))
    recorded = record.recording_id is not None
    rows: list[Cdr] = []
    if meta.get("callback"):
        return rows  # callback.py writes the CallBack row with the lengths it measured
    if record.direction == "inbound":
        own = meta.get("number") or record.to
        rows.append(Cdr(record.started_at, "incoming" if record.answered else "missed", sip_id, record.from_, own,
                        curr=ref.customer.currency, disconnect_cause=record.cause or 16, used_quantity=talk,
                        setup_time_ms=setup_ms, h323_conf_id=h323, voice_record_exist=recorded))
        for leg in record.legs:
            if leg.role != "origin" and leg.answered_at is not None:
                used = int(round((leg.ended_at or record.ended_at) - leg.answered_at))
                charged_time = int(math.ceil(used / 60) * 60)
                rows.append(Cdr(leg.answered_at, "forwarded", sip_id, record.from_, leg.number, charged_time,
                                round(charged_time / 60 * rate, 2), curr=ref.customer.currency,
                                disconnect_cause=leg.cause or 16, used_quantity=used, setup_time_ms=setup_ms,
                                h323_conf_id=conf_id_for(p, leg.id + record.id), h323_incoming_conf_id=h323,
                                voice_record_exist=recorded))
    else:
        charged_time = int(math.ceil(talk / 60) * 60)
        rows.append(Cdr(record.started_at, "dialed", sip_id, record.from_, record.to, charged_time,
                        round(charged_time / 60 * rate, 2), curr=ref.customer.currency,
                        disconnect_cause=record.cause or 16, used_quantity=talk, setup_time_ms=setup_ms,
                        h323_conf_id=h323, voice_record_exist=recorded))
    for row in rows:
        add_row(p, ref.name, row)
    return rows


def add_row(p: "MttTelecomProvider", customer_name: str, row: Cdr) -> None:
    """A history row of an engine call, charged to the customer's balance."""
    ref = p.state.customer(customer_name)
    if ref is None:
        return
    _history(p, ref.name).add(row)
    charge(ref.customer, row.charged)


def charge(customer, amount: float) -> None:
    if amount:
        customer.balance = round(customer.balance - amount, 2)
        customer.real_balance = round(customer.real_balance - amount, 2)


def snapshot(p: "MttTelecomProvider") -> dict:
    return {name: [row.snapshot() for row in hist.all.rows]
            for name, hist in sorted(p.state.extra.get("history", {}).items())}


__all__ = ["RPC", "ARCHIVE_RPC"]
