"""Build a tenant's state from its world section (start and POST /_sim/reset)."""

from __future__ import annotations

from typing import Callable

from simulator.world import rng_for

from . import wav
from .backend import BLACK_LISTS, CallRecord, Limits, Redirect, StoredVoiceFile, TenantState
from .numbers import canonical
from .world import BeelineTenant

SLUG = "beeline-cloudcc"


def apply_config(state: TenantState, tenant_id: str, cfg: BeelineTenant) -> None:
    """Static settings a portal change may alter; stored data is kept."""
    state.tenant_id = tenant_id
    state.login = cfg.login
    state.password = cfg.password
    state.allowed_ips = tuple(cfg.allowed_ips)
    state.client_url = cfg.client_url
    state.numbers = {canonical(n): n for n in cfg.numbers}
    state.limits = Limits(**cfg.limits.model_dump())
    state.errors_as_200 = cfg.errors_as_200


def build_tenant(tenant_id: str, cfg: BeelineTenant, *, now: float, seed: int, sys_id: str,
                 new_script_id: Callable[[], str]) -> TenantState:
    state = TenantState(login=cfg.login, password=cfg.password, numbers={})
    apply_config(state, tenant_id, cfg)
    for name, vf in cfg.voice_files.items():
        data = wav.make(vf.seconds)
        # world files are processed already: uploaded a day before the start
        state.vfiles[name] = StoredVoiceFile(name=name, comment=vf.comment, data=data,
                                             uploaded_at=now - 86400, ready_at=now - 86400, duration=vf.seconds)
    for number, rd in cfg.redirects.items():
        state.redirects[canonical(number)] = Redirect(rd.rnumber, rd.anumber)
    for number, pm in cfg.premedia.items():
        state.set_premedia(canonical(number), pm.file_a, pm.file_b)
    for list_id, entries in cfg.blacklists.items():
        if 0 <= list_id < BLACK_LISTS:
            for number, anumbers in entries.items():
                state.add_black(list_id, canonical(number), anumbers)
    state.active_list = cfg.active_blacklist
    state.record_all = cfg.recording.all
    for number in cfg.recording.numbers:
        state.record_numbers[canonical(number)] = None
    generate_history(state, cfg, now=now, seed=seed, sys_id=sys_id, new_script_id=new_script_id)
    return state


def generate_history(state: TenantState, cfg: BeelineTenant, *, now: float, seed: int, sys_id: str,
                     new_script_id: Callable[[], str]) -> None:
    """Seeded call history before the start, so REQCDR has something to return."""
    rng = rng_for(seed, SLUG, state.tenant_id)
    numbers = list(state.numbers)
    total = cfg.history.days * cfg.history.calls_per_day
    starts = sorted(now - rng.uniform(60, cfg.history.days * 86400) for _ in range(total))
    rows = []
    for begin in starts:
        bnumber = rng.choice(numbers)
        inbound = rng.random() < 0.8
        caller = "79" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        operator = "79" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        ring = rng.randint(3, 25)
        outcome = rng.choices([16, 17, 19, 21], weights=[75, 10, 12, 3])[0]
        talk = rng.randint(8, 600) if outcome == 16 else 0
        end = begin + ring + talk
        if end >= now:
            continue
        script_id = new_script_id()
        recorded = talk > 0 and (state.record_all or bnumber in state.record_numbers or rng.random() < 0.3)
        rows.append(CallRecord(
            call_id=script_id,
            direction="IN" if inbound else "OUT",
            bnumber=bnumber,
            anumber=caller if inbound else state.numbers[bnumber],
            target=operator if inbound else caller,
            dt_begin=round(begin), dt_end=round(end), duration=ring + talk, talk_duration=talk,
            a_release=16, b_release=outcome,
            record_file=f"{sys_id}_{script_id}.wav" if recorded else None,
        ))
    for row in sorted(rows, key=lambda r: r.dt_end):
        state.add_call(row)
