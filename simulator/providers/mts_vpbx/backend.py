"""State of the MTS VPBX portal, moto-style: enterprises and what clients stored, no HTTP here.

Times are epoch seconds (float) passed in by the caller (the virtual clock); nothing here sleeps or
schedules. The provider layer arms timers (subscription expiry, CHECK_ALIVE) from what this returns.
An enterprise is its directory, services, subscriptions, find-me rules, schedules and history, each
in its own module.
"""
from __future__ import annotations

from typing import Optional

from .directory import AbonentState, Directory
from .findme import FindMeRules, FindMeState
from .history import HistoryRecords, generate_history
from .models import ScheduleIn
from .schedule import Schedules, ScheduleState
from .services import ServiceKind, Services, ServiceState
from .subscriptions import SUBSCRIPTION_LIFETIME, Subscriptions, SubscriptionState
from .validators import digits_key
from ...digits import parse_int
from ...world.fake import rng_for
from .world import EnterpriseConfig, MtsVpbxWorld

__all__ = ["AbonentState", "Backend", "Enterprise", "FindMeState", "ScheduleState", "ServiceKind", "ServiceState",
           "SubscriptionState", "SUBSCRIPTION_LIFETIME"]


class Enterprise(Directory, Services, Subscriptions, FindMeRules, Schedules, HistoryRecords):
    def __init__(self, cfg: EnterpriseConfig, backend: "Backend"):
        self.cfg = cfg
        self.backend = backend
        self.id = cfg.id
        self._init_directory(cfg)
        self._init_services(cfg)
        self._init_subscriptions()
        self._init_findme()
        self._init_schedules()
        self._init_history()


class Backend:
    """All enterprises of the portal, looked up by token."""

    def __init__(self, world: MtsVpbxWorld, *, seed: int = 0, now: float = 0.0):
        self.seed = seed
        self._rule_seq = 2000
        self._schedule_seq = 216000
        self._sub_seq = 0
        self.rule_schedules: dict[int, Optional[int]] = {}
        self.subscription_owner: dict[str, Enterprise] = {}
        self.schedule_owner: dict[int, Enterprise] = {}
        self.by_token: dict[str, Enterprise] = {}
        self.by_id: dict[int, Enterprise] = {}
        self.abonent_owner: dict[int, Enterprise] = {}
        self.number_owner: dict[str, Enterprise] = {}
        self.by_bwks_id: dict[str, Enterprise] = {}
        for cfg in world.enterprises.values():
            ent = Enterprise(cfg, self)
            self.by_token[cfg.token] = ent
            self.by_id[cfg.id] = ent
            self.by_bwks_id[cfg.bwksId] = ent
            for uid in ent.abonents:
                self.abonent_owner[uid] = ent
            for key in [*ent.by_phone, *(digits_key(n) for n in cfg.numbers),
                        *(k for k in ent.services_by_number if len(k) >= 10)]:
                self.number_owner.setdefault(key, ent)
        for ent in self.by_id.values():
            self._load(ent, now)

    # id sequences -----------------------------------------------------------------------

    def bump_sequences(self, prev: "Backend") -> None:
        """After a rebuild: never hand out an id the previous portal already gave."""
        self._rule_seq = max(self._rule_seq, prev._rule_seq)
        self._schedule_seq = max(self._schedule_seq, prev._schedule_seq)
        self._sub_seq = max(self._sub_seq, prev._sub_seq)

    def next_rule_id(self) -> int:
        self._rule_seq += 1
        return self._rule_seq

    def next_schedule_id(self) -> int:
        self._schedule_seq += 1
        return self._schedule_seq

    def next_subscription_id(self) -> str:
        alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
        self._sub_seq += 1
        n = (self._sub_seq * 2_654_435_761 + 0x1F2E3D) % (36 ** 8)
        out = []
        for _ in range(8):
            n, r = divmod(n, 36)
            out.append(alphabet[r])
        sid = "".join(out)
        return sid if sid not in self.subscription_owner else self.next_subscription_id()

    # loading ----------------------------------------------------------------------------

    def _load(self, ent: Enterprise, now: float) -> None:
        cfg = ent.cfg
        # explicit ids first so that generated ids never collide with them
        for s in cfg.schedules.values():
            if s.recordId is not None:
                self._schedule_seq = max(self._schedule_seq, s.recordId)
        for fm in cfg.findMe.values():
            for r in [*fm.parallelRules, *fm.sequentialRules, *fm.redirectRules]:
                if r.id is not None:
                    self._rule_seq = max(self._rule_seq, r.id)
                for n in getattr(r, "ruleNumbers", []):
                    if n.ruleId is not None:
                        self._rule_seq = max(self._rule_seq, n.ruleId)
        for s in cfg.schedules.values():
            body = ScheduleIn.model_validate(s.model_dump(include=set(ScheduleIn.model_fields)))
            ent.create_schedule(s.type, s.ownerId, body, not_be_removed=s.notBeRemoved, record_id=s.recordId)
        for uid, fm in cfg.findMe.items():
            for kind, rules in (("parallel", fm.parallelRules), ("sequential", fm.sequentialRules),
                                ("redirect", fm.redirectRules)):
                for r in rules:
                    ent.save_rule(uid, kind, r, world=True)
        records = list(cfg.history)
        gen = cfg.generateHistory
        if gen.calls_per_day and gen.days:
            abonents = [{"userId": a.userId, "bwksUserId": a.bwksUserId, "groupBwksId": a.groupBwksId,
                         "number": a.number} for a in ent.abonents.values()]
            end_ms = int(now * 1000)
            rng = rng_for(self.seed, "mts-vpbx", cfg.bwksId)
            for rec, _ in generate_history(rng, count=gen.calls_per_day * gen.days, end_ms=end_ms, days=gen.days,
                                           enterprise_bwks=cfg.bwksId, abonents=abonents,
                                           time_zone=cfg.timeZone, first_tracking=30000000 + ent.id * 100000):
                records.append(rec)
                if cfg.recordCalls and rec.status == "PLACED" and rec.duration > 0:
                    ent.recordings[rec.extTrackingId] = float(rec.duration)
        for rec in records:
            ent.add_history(rec)
        ent.recall_last_numbers()
        for ext in cfg.recordings:
            rec = ent.history.by_tracking.get(ext)
            ent.recordings[ext] = float(rec.duration) if rec is not None and rec.duration > 0 else 30.0
        for sub in cfg.subscriptions.values():
            ent.subscribe(sub.abonentId, now, sub.subscriptionId)

    # lookups ----------------------------------------------------------------------------

    def enterprise_for_number(self, number: str) -> Optional[Enterprise]:
        """The enterprise a phone number belongs to; a short number (extension) only when exactly
        one enterprise has it (name the tenant otherwise)."""
        ent = self.number_owner.get(digits_key(number))
        if ent is not None:
            return ent
        owners = [e for e in self.by_id.values() if e.resolve(number) is not None]
        return owners[0] if len(owners) == 1 else None

    def enterprise_for_tenant(self, tenant: Optional[str]) -> Optional[Enterprise]:
        """A tenant named by enterpriseBwksId ("X214"), serviceProviderId ("214") or token."""
        if not tenant:
            return None
        if tenant in self.by_bwks_id:
            return self.by_bwks_id[tenant]
        number = parse_int(tenant)
        if number is not None and number in self.by_id:
            return self.by_id[number]
        return self.by_token.get(tenant)

    def enterprise_for_token(self, token: Optional[str]) -> Optional[Enterprise]:
        if not token:
            return None
        return self.by_token.get(token.strip())
