"""A world patch that changes an enterprise's directory rebuilds the portal from the world; what the
session made (calls in history and recordings, subscriptions, mechanisms switched on through the API,
find-me rules and schedules made through the API) is carried into the rebuilt enterprise whenever the
patch did not change that part of the world."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backend import Backend, Enterprise
    from .world import EnterpriseConfig


def carry_over(prev: "Enterprise", ent: "Enterprise", old: "EnterpriseConfig", new: "EnterpriseConfig") -> list[str]:
    """Copies session state from ``prev`` (the enterprise before the patch) into ``ent`` (rebuilt from
    ``new``); returns the mechanisms carried over (their CHECK_ALIVE cycle must be re-armed)."""
    backend: Backend = ent.backend
    for record, order in prev.session_calls:
        ent.record_call(record, order)
    for ext, seconds in prev.recordings.items():
        ent.recordings.setdefault(ext, seconds)
    for uid, st in prev.abonents.items():
        if uid in ent.abonents:
            now = ent.abonents[uid]
            now.last_received = st.last_received or now.last_received
            now.last_dialed = st.last_dialed or now.last_dialed
    kept = []
    for kind in ("apicrm", "webhook"):
        if getattr(old, kind) == getattr(new, kind):
            # the same object: queued messages and their error counting stay valid
            ent.services[kind] = prev.services[kind]
            kept.append(kind)
    if old.subscriptions == new.subscriptions:
        for sid in list(ent.subscriptions):
            backend.subscription_owner.pop(sid, None)
        ent.subscriptions, ent.sub_by_abonent = {}, {}
        for sid, sub in prev.subscriptions.items():
            if sub.abonentId in ent.abonents:
                ent.subscriptions[sid] = sub
                ent.sub_by_abonent[sub.abonentId] = sid
                backend.subscription_owner[sid] = ent
    if old.schedules == new.schedules:
        for rid in ent.schedules:
            backend.schedule_owner.pop(rid, None)
        ent.schedules, ent.schedules_by_owner = {}, {}
        for rid, st in prev.schedules.items():
            owners = ent.abonents if st.type == "abonent" else ent.groups
            if st.ownerId in owners:
                ent.schedules[rid] = st
                ent.schedules_by_owner.setdefault((st.type, st.ownerId), []).append(rid)
                backend.schedule_owner[rid] = ent
    if old.findMe == new.findMe:
        ent.findme = {uid: fm for uid, fm in prev.findme.items() if uid in ent.abonents}
        for fm in ent.findme.values():
            for rules in (fm.parallel, fm.sequential):
                for rid in rules:
                    backend.rule_schedules[rid] = prev.backend.rule_schedules.get(rid)
    backend.bump_sequences(prev.backend)
    return kept
