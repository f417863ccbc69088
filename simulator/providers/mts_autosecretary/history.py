"""Generated call history of the days before the simulation starts (seeded, reproducible).

Outcomes follow the UN's own settings at each call's time: no DN on duty gives NO_DNS, otherwise the
DNs are tried in priority order and the call is answered, missed or ends in voice mail.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Callable

from . import calllog
from .backend import Backend
from .cdr import CdrRecord
from .models import UN
from .schedule import eligible_dns
from .timefmt import to_msk

RngFactory = Callable[..., random.Random]


def _caller(rng: random.Random) -> str:
    # Russian mobile (9xx) or Moscow landline (495/499) numbers, 10 digits as the platform logs them.
    if rng.random() < 0.75:
        return "9" + "".join(rng.choice("0123456789") for _ in range(9))
    return rng.choice(("495", "499")) + "".join(rng.choice("0123456789") for _ in range(7))


def _arrival_seconds(rng: random.Random) -> int:
    # Mostly office hours, some evening and night calls.
    bucket = rng.random()
    if bucket < 0.8:
        return rng.randint(9 * 3600, 19 * 3600 - 1)
    if bucket < 0.95:
        return rng.randint(19 * 3600, 23 * 3600 + 59 * 60)
    return rng.randint(0, 9 * 3600 - 1)


def simulate_outcome(un: UN, an: str, start: datetime, rng: random.Random) -> tuple[int, int, str]:
    """(duration, talk_duration, log) of a historic call."""
    log = calllog.CallLog(an, un.phone)
    if not un.enabled:
        log.add(calllog.UN_DISABLED)
        return 1, 0, log.render()
    dns = eligible_dns(un, start)
    if not dns:
        log.add(calllog.NO_DNS)
        if not un.need_record:
            return 1, 0, log.render()
        # nobody on duty but voice mail on: greeting, then the caller leaves a message (as live calls do)
        log.add(calllog.REC_START)
        log.add(calllog.REC_STOP)
        return 3 + 1 + rng.randint(5, 45), 0, log.render()
    elapsed = 3  # greeting
    for dn in dns:
        log.add(calllog.try_to_call(dn.phone))
        roll = rng.random()
        if roll < 0.65:
            ring = rng.randint(2, min(20, un.make_call_time))
            talk = rng.randint(15, 600)
            log.add(calllog.CONN)
            return elapsed + ring + talk, talk, log.render()
        if roll < 0.8:
            log.add(calllog.busy(dn.phone))
            elapsed += rng.randint(1, 3)
        elif roll < 0.95:
            log.add(calllog.NO_ANSWER)
            elapsed += un.make_call_time
        else:
            log.add(calllog.HANGUP_DURING_MAKE_CALL)
            return elapsed + rng.randint(2, un.make_call_time), 0, log.render()
    log.add(calllog.NO_AV_DNS)
    if un.need_record:
        log.add(calllog.REC_START)
        elapsed += rng.randint(5, 45)
        log.add(calllog.REC_STOP)
    return elapsed, 0, log.render()


def generate(
    backend: Backend,
    start: datetime,
    days: int,
    calls_per_day: int,
    rng_for: RngFactory,
    seed: object,
) -> int:
    """Add the CDRs of ``days`` whole days before ``start``'s day (Moscow) and of that day up to
    ``start`` to ``backend``. Returns how many."""
    if days <= 0 or calls_per_day <= 0:
        return 0
    now = to_msk(start)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=days)
    calls: list[tuple[datetime, str, str, int, int, str]] = []
    for phone in sorted(backend.uns):
        un = backend.uns[phone]
        rng = rng_for(seed, "mts-autosecretary", "history", phone)
        for day in range(days + 1):
            base = first_day + timedelta(days=day)
            count = max(0, int(rng.gauss(calls_per_day, calls_per_day * 0.2)))
            for _ in range(count):
                moment = base + timedelta(seconds=_arrival_seconds(rng))
                an = _caller(rng)
                duration, talk, log = simulate_outcome(un, an, moment, rng)
                if moment + timedelta(seconds=duration) >= now:
                    continue  # still running (or not yet arrived) at the start: not history
                calls.append((moment, phone, an, duration, talk, log))
    # Call ids in order of arrival, seqids in order of the record being written (the call's end).
    calls.sort(key=lambda c: (c[0], c[1]))
    ids = [backend.take_call_id() for _ in calls]
    by_end = sorted(range(len(calls)), key=lambda i: (calls[i][0] + timedelta(seconds=calls[i][3]), ids[i]))
    seqids = [0] * len(calls)
    for i in by_end:
        seqids[i] = backend.take_seqid()
    added = 0
    for i, (moment, phone, an, duration, talk, log) in enumerate(calls):
        try:
            backend.add_cdr(CdrRecord(ids[i], seqids[i], phone, an, moment, duration, talk, log))
        except ValueError:
            continue  # would break id/arrival order next to a fixed CDR of the world
        added += 1
    return added
