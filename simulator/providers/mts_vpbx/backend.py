"""State of the MTS VPBX portal, moto-style: enterprises and what clients stored, no HTTP here.

Times are epoch seconds (float) passed in by the caller (the virtual clock); nothing here sleeps or
schedules. The provider layer arms timers (subscription expiry, CHECK_ALIVE) from what this returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, Optional

from . import errors as E
from .errors import VpbxError
from .history import HistoryStore, generate_history
from .models import (
    Abonent, CallHistoryRecord, FindMe, Group, ParallelRule, ParallelRuleIn, RedirectRule, RedirectRuleIn,
    RuleNumber, Schedule, ScheduleIn, SequentialRule, SequentialRuleIn, SequentialRuleNumber, Subscription,
)
from .retry import ERROR_LIMIT
from .schedule import schedule_active
from .validators import MAX_RULES_PER_TYPE, digits_key, is_callback_url
from ...world.fake import rng_for
from .world import AbonentConfig, EnterpriseConfig, MtsVpbxWorld

SUBSCRIPTION_LIFETIME = 3600.0
ServiceKind = Literal["apicrm", "webhook"]
RuleType = Literal["parallel", "sequential", "redirect"]

EMAIL_NOTICE = (
    "Здравствуйте!\n\nВ соответствии с настройками в Личном кабинете Виртуальной АТС ({enterprise}) была "
    "предпринята попытка доступа на URL, указанный в разделе Методы API или Web hooks. Запросы на указанный URL "
    "возвращены с ошибкой, предпринято 3 попыток. Сервис API CRM или Webhook, где указан данный URL, отключен. "
    "Вы можете включить сервис на портале или через API."
)
SMS_NOTICE = "ВАТС: после 3 неудачных попыток доступа на URL, указанный при настройке API/Web hooks, сервис отключен."


def _tz_offset(tz: str) -> timedelta:
    sign = 1 if tz[3] == "+" else -1
    hh, mm = tz[4:].split(":")
    return sign * timedelta(hours=int(hh), minutes=int(mm))


@dataclass
class ServiceState:
    kind: ServiceKind
    active: bool = False
    callbackUrl: Optional[str] = None
    clientApiKey: Optional[str] = None
    errorCount: int = 0
    checkAliveFailures: int = 0
    disabledReason: Optional[str] = None
    generation: int = 0   # bumps on every (re)activation; timers of an older generation are stale

    def view(self) -> dict:
        return {"active": self.active, "callbackUrl": self.callbackUrl, "clientApiKey": self.clientApiKey,
                "errorCount": self.errorCount, "checkAliveFailures": self.checkAliveFailures,
                "disabledReason": self.disabledReason}


@dataclass
class SubscriptionState:
    subscriptionId: str
    abonentId: int
    expiresAt: float
    generation: int = 0


@dataclass
class AbonentState:
    cfg: AbonentConfig
    bwksUserId: str
    groupBwksId: str
    last_received: Optional[str] = None   # address of the last received or missed call (CallReturn)
    last_dialed: Optional[str] = None     # last address dialed (LastNumberRedial)

    @property
    def userId(self) -> int:
        return self.cfg.userId

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.cfg.firstName, self.cfg.lastname) if p)

    @property
    def number(self) -> str:
        """The number the abonent is known by in call records: mobile number, else extension."""
        return self.cfg.phoneNumber or self.cfg.extension or str(self.cfg.userId)


@dataclass
class ScheduleState:
    body: ScheduleIn
    type: Literal["abonent", "group"]
    ownerId: int
    notBeRemoved: bool = False

    def view(self) -> Schedule:
        assert self.body.recordId is not None
        return Schedule(recordId=self.body.recordId, name=self.body.name, notBeRemoved=self.notBeRemoved,
                        type=self.type, workDaysRules=self.body.workDaysRules, holidaysRules=self.body.holidaysRules,
                        excludedDaysRules=self.body.excludedDaysRules)


@dataclass
class FindMeState:
    parallel: dict[int, ParallelRule] = field(default_factory=dict)
    sequential: dict[int, SequentialRule] = field(default_factory=dict)
    redirect: dict[int, RedirectRule] = field(default_factory=dict)

    def of(self, kind: RuleType) -> dict:
        return {"parallel": self.parallel, "sequential": self.sequential, "redirect": self.redirect}[kind]

    def view(self) -> FindMe:
        return FindMe(parallelRules=list(self.parallel.values()), sequentialRules=list(self.sequential.values()),
                      redirectRules=list(self.redirect.values()))


class Enterprise:
    def __init__(self, cfg: EnterpriseConfig, backend: "Backend"):
        self.cfg = cfg
        self.backend = backend
        self.id = cfg.id
        self.tz_offset = _tz_offset(cfg.timeZone)
        self.groups: dict[int, Group] = {gid: Group(id=gid, name=g.name, parentId=g.parentId) for gid, g in cfg.groups.items()}
        self.group_bwks: dict[int, str] = {}
        for i, (gid, g) in enumerate(cfg.groups.items(), start=1):
            self.group_bwks[gid] = g.bwksId or f"{cfg.bwksId}G{i}"
        self.abonents: dict[int, AbonentState] = {}
        self.by_extension: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.by_bwks: dict[str, int] = {}
        for a in cfg.abonents.values():
            self._add_abonent(a)
        self.services: dict[str, ServiceState] = {
            "apicrm": ServiceState("apicrm", **cfg.apicrm.model_dump()),
            "webhook": ServiceState("webhook", **cfg.webhook.model_dump()),
        }
        self.subscriptions: dict[str, SubscriptionState] = {}
        self.sub_by_abonent: dict[int, str] = {}
        self.findme: dict[int, FindMeState] = {}
        self.schedules: dict[int, ScheduleState] = {}
        self.schedules_by_owner: dict[tuple[str, int], list[int]] = {}
        self.history = HistoryStore()
        self.session_calls: list[tuple[CallHistoryRecord, Optional[int]]] = []  # records of engine calls
        # enterprise services (IVR, queue) by extension and by number
        self.services_by_number: dict[str, tuple[str, Any]] = {}
        for aa in cfg.autoAttendants.values():
            for n in ([aa.extension] if aa.extension else []):
                self.services_by_number[n] = ("ivr", aa)
            for n in aa.numbers:
                self.services_by_number[digits_key(n)] = ("ivr", aa)
        for cc in cfg.callCenters.values():
            self.services_by_number[cc.extension] = ("queue", cc)
            for n in cc.numbers:
                self.services_by_number[digits_key(n)] = ("queue", cc)
        self.recordings: dict[str, float] = {}   # conversation id -> seconds of audio
        self.notices: list[dict] = []

    # --- directory --------------------------------------------------------------------

    def _add_abonent(self, a: AbonentConfig) -> None:
        group_bwks = self.group_bwks.get(a.groupId or -1, f"{self.cfg.bwksId}G1")
        if a.bwksUserId:
            bwks = a.bwksUserId
        elif a.phoneNumber:
            key = digits_key(a.phoneNumber)
            bwks = f"{'7' + key if len(key) == 10 else key}@vpbx.mts.ru"
        else:
            bwks = f"{group_bwks}A{a.userId}I@{self.cfg.domain}"
        st = AbonentState(cfg=a, bwksUserId=bwks, groupBwksId=group_bwks)
        self.abonents[a.userId] = st
        if a.extension:
            self.by_extension[a.extension] = a.userId
        if a.phoneNumber:
            self.by_phone[digits_key(a.phoneNumber)] = a.userId
        self.by_bwks[bwks] = a.userId

    def abonent(self, user_id: int) -> AbonentState:
        st = self.abonents.get(user_id)
        if st is None:
            raise VpbxError(404, E.ABONENT_NOT_FOUND.format(id=user_id))
        return st

    def group(self, group_id: int) -> Group:
        g = self.groups.get(group_id)
        if g is None:
            raise VpbxError(404, E.GROUP_NOT_FOUND.format(id=group_id))
        return g

    def abonent_view(self, st: AbonentState) -> Abonent:
        a = st.cfg
        return Abonent(callingLineIdPhoneNumber=a.callingLineIdPhoneNumber, department=a.department, email=a.email,
                       extension=a.extension, firstName=a.firstName, groupId=a.groupId, lastname=a.lastname,
                       phoneNumber=a.phoneNumber, serviceProviderId=self.id, userId=a.userId)

    def list_abonents(self, phone: Optional[str] = None, extension: Optional[str] = None) -> list[Abonent]:
        if phone:
            uid = self.by_phone.get(digits_key(phone))
            found = [self.abonents[uid]] if uid is not None else []
            if extension:
                found = [s for s in found if s.cfg.extension == extension]
        elif extension:
            uid = self.by_extension.get(extension)
            found = [self.abonents[uid]] if uid is not None else []
        else:
            found = list(self.abonents.values())
        return [self.abonent_view(s) for s in found]

    def find_abonent_by_number(self, number: str) -> Optional[AbonentState]:
        uid = self.by_extension.get(number)
        if uid is None:
            uid = self.by_phone.get(digits_key(number))
        return self.abonents.get(uid) if uid is not None else None

    def resolve(self, number: str) -> Optional[tuple[str, Any]]:
        """What a number or extension of the enterprise reaches: ("abonent"|"ivr"|"queue", object)."""
        hit = self.services_by_number.get(number) or self.services_by_number.get(digits_key(number))
        if hit is not None:
            return hit
        st = self.find_abonent_by_number(number)
        return ("abonent", st) if st is not None else None

    def group_chain(self, group_id: Optional[int]) -> list[int]:
        out, seen = [], set()
        while group_id is not None and group_id in self.groups and group_id not in seen:
            seen.add(group_id)
            out.append(group_id)
            group_id = self.groups[group_id].parentId
        return out

    def local_time(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None) + self.tz_offset

    # --- services (4.1-4.3) -------------------------------------------------------------

    def activate(self, kind: ServiceKind, callback_url: Any, client_api_key: Any) -> ServiceState:
        if callback_url is None or (isinstance(callback_url, str) and not callback_url.strip()):
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="callbackUrl"))
        if not is_callback_url(callback_url):
            raise VpbxError(400, E.BAD_URL)
        if client_api_key is not None and not isinstance(client_api_key, str):
            client_api_key = str(client_api_key)
        if kind == "apicrm" and (client_api_key is None or client_api_key == ""):
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="clientApiKey"))
        svc = self.services[kind]
        svc.active = True
        svc.callbackUrl = callback_url
        svc.clientApiKey = client_api_key or None
        svc.errorCount = 0
        svc.checkAliveFailures = 0
        svc.disabledReason = None
        svc.generation += 1
        return svc

    def delivery_failed(self, kind: ServiceKind) -> bool:
        """Counts one delivery error; returns True when the mechanism has just been switched off."""
        svc = self.services[kind]
        svc.errorCount += 1
        if svc.active and svc.errorCount >= ERROR_LIMIT:
            svc.active = False
            svc.disabledReason = f"{ERROR_LIMIT} delivery errors"
            svc.generation += 1
            return True
        return False

    def check_alive_result(self, kind: ServiceKind, failed: bool, now: float) -> bool:
        """Records a CHECK_ALIVE outcome; returns True when the service has just been switched off."""
        svc = self.services[kind]
        if not failed:
            svc.checkAliveFailures = 0
            return False
        svc.checkAliveFailures += 1
        if svc.active and svc.checkAliveFailures >= 3:
            svc.active = False
            svc.disabledReason = "CHECK_ALIVE failed 3 times"
            svc.generation += 1
            enterprise = self.cfg.bwksId  # "(номер предприятия)" of the template
            self.notices.append({"kind": "email", "to": self.cfg.adminEmail, "service": kind, "time": now,
                                 "text": EMAIL_NOTICE.format(enterprise=enterprise)})
            self.notices.append({"kind": "sms", "to": self.cfg.adminPhone, "service": kind, "time": now,
                                 "text": SMS_NOTICE})
            return True
        return False

    # --- subscriptions (4.6) ------------------------------------------------------------

    def subscribe(self, abonent_id: int, now: float, subscription_id: Optional[str] = None) -> SubscriptionState:
        self.abonent(abonent_id)
        old = self.sub_by_abonent.get(abonent_id)
        if old is not None:
            self.subscriptions.pop(old, None)
        sid = subscription_id or self.backend.next_subscription_id()
        sub = SubscriptionState(subscriptionId=sid, abonentId=abonent_id, expiresAt=now + SUBSCRIPTION_LIFETIME)
        self.subscriptions[sid] = sub
        self.sub_by_abonent[abonent_id] = sid
        self.backend.subscription_owner[sid] = self
        return sub

    def subscription(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        self.abonent(abonent_id)
        if not subscription_id:
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="subscriptionId"))
        sub = self.subscriptions.get(subscription_id)
        if sub is None or sub.abonentId != abonent_id or sub.expiresAt <= now:
            raise VpbxError(404, E.SUBSCRIPTION_NOT_FOUND.format(id=subscription_id))
        return sub

    def renew(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        sub = self.subscription(abonent_id, subscription_id, now)
        sub.expiresAt = now + SUBSCRIPTION_LIFETIME
        sub.generation += 1
        return sub

    def unsubscribe(self, abonent_id: int, subscription_id: Optional[str], now: float) -> SubscriptionState:
        sub = self.subscription(abonent_id, subscription_id, now)
        self._drop_subscription(sub)
        return sub

    def expire(self, subscription_id: str, generation: int, now: float) -> Optional[SubscriptionState]:
        """Called by the expiry timer; returns the subscription when it really expired now."""
        sub = self.subscriptions.get(subscription_id)
        if sub is None or sub.generation != generation or sub.expiresAt > now:
            return None
        self._drop_subscription(sub)
        return sub

    def _drop_subscription(self, sub: SubscriptionState) -> None:
        self.subscriptions.pop(sub.subscriptionId, None)
        if self.sub_by_abonent.get(sub.abonentId) == sub.subscriptionId:
            del self.sub_by_abonent[sub.abonentId]
        self.backend.subscription_owner.pop(sub.subscriptionId, None)

    def is_subscribed(self, abonent_id: int, now: float) -> bool:
        sid = self.sub_by_abonent.get(abonent_id)
        return sid is not None and self.subscriptions[sid].expiresAt > now

    @staticmethod
    def subscription_view(sub: SubscriptionState, now: float) -> Subscription:
        return Subscription(expires=max(0, int(round(sub.expiresAt - now))), subscriptionId=sub.subscriptionId)

    def event_targets(self, abonent_id: int, now: float) -> list[ServiceState]:
        """Where an abonent's call events go: API CRM if subscribed, Webhook for every active abonent."""
        out = []
        crm = self.services["apicrm"]
        if crm.active and crm.callbackUrl and self.is_subscribed(abonent_id, now):
            out.append(crm)
        hook = self.services["webhook"]
        st = self.abonents.get(abonent_id)
        if hook.active and hook.callbackUrl and st is not None and st.cfg.active:
            out.append(hook)
        return out

    # --- find me (4.11) -----------------------------------------------------------------

    def findme_of(self, user_id: int) -> FindMeState:
        self.abonent(user_id)
        return self.findme.setdefault(user_id, FindMeState())

    def _check_schedule_ref(self, user_id: int, schedule_id: Optional[int]) -> None:
        if schedule_id is None:
            return
        if schedule_id not in {s.recordId for s in self.schedules_for_abonent(user_id)}:
            raise VpbxError(400, f"scheduleId: schedule {schedule_id} is not available to abonent {user_id}")

    def _numbers(self, items, existing: dict[int, Any], sequential: bool) -> list:
        out = []
        for n in items:
            rid = n.ruleId if n.ruleId is not None and n.ruleId in existing else self.backend.next_rule_id()
            if sequential:
                out.append(SequentialRuleNumber(ruleId=rid, number=n.number, status=n.status, name=n.name,
                                                timeout=n.timeout))
            else:
                out.append(RuleNumber(ruleId=rid, number=n.number, status=n.status, name=n.name))
        return out

    def save_rule(self, user_id: int, kind: RuleType, body, rule_id: Optional[int] = None, *,
                  world: bool = False):
        """Create (``rule_id`` None) or replace a rule. ``world``: loading the world file, whose
        rule and number ids are kept as given."""
        fm = self.findme_of(user_id)
        rules = fm.of(kind)
        if world:
            rid = body.id if body.id is not None else self.backend.next_rule_id()
            old_numbers: dict[int, Any] = {n.ruleId: n for n in getattr(body, "ruleNumbers", [])
                                           if n.ruleId is not None}
        elif rule_id is None:
            if len(rules) >= MAX_RULES_PER_TYPE:
                raise VpbxError(400, E.TOO_MANY_RULES.format(n=MAX_RULES_PER_TYPE, type=kind))
            rid = self.backend.next_rule_id()
            old_numbers = {}
        else:
            if rule_id not in rules:
                raise VpbxError(404, E.RULE_NOT_FOUND.format(id=rule_id))
            rid = rule_id
            old_numbers = {n.ruleId: n for n in getattr(rules[rule_id], "ruleNumbers", [])}
        self._check_schedule_ref(user_id, body.scheduleId)
        if kind == "parallel":
            assert isinstance(body, ParallelRuleIn)
            rule = ParallelRule(id=rid, ruleName=body.ruleName, calledNumber=body.calledNumber,
                                ruleNumbers=self._numbers(body.ruleNumbers, old_numbers, False))
        elif kind == "sequential":
            assert isinstance(body, SequentialRuleIn)
            rule = SequentialRule(id=rid, ruleName=body.ruleName, calledNumber=body.calledNumber,
                                  continueSearchIfBusy=body.continueSearchIfBusy,
                                  ruleNumbers=self._numbers(body.ruleNumbers, old_numbers, True))
        else:
            assert isinstance(body, RedirectRuleIn)
            rule = RedirectRule(id=rid, ruleName=body.ruleName, calledNumber=body.calledNumber,
                                alwaysRedirect=body.alwaysRedirect, ifBusyRedirect=body.ifBusyRedirect,
                                ifNoAnswerRedirect=body.ifNoAnswerRedirect, ifNoAnswerTimeout=body.ifNoAnswerTimeout,
                                ifNoAccessRedirect=body.ifNoAccessRedirect, conditional=body.conditional,
                                scheduleId=body.scheduleId)
        # scheduleId of parallel/sequential rules is kept aside: the document shows it only on redirect rules
        if kind != "redirect":
            self.backend.rule_schedules[rid] = body.scheduleId
        rules[rid] = rule
        return rule

    def delete_rule(self, user_id: int, kind: RuleType, rule_id: int) -> None:
        rules = self.findme_of(user_id).of(kind)
        if rules.pop(rule_id, None) is None:
            raise VpbxError(404, E.RULE_NOT_FOUND.format(id=rule_id))
        self.backend.rule_schedules.pop(rule_id, None)

    def rule_schedule_id(self, rule) -> Optional[int]:
        if isinstance(rule, RedirectRule):
            return rule.scheduleId
        return self.backend.rule_schedules.get(rule.id)

    def rule_in_force(self, rule, epoch: float, called: Optional[str]) -> bool:
        if rule.calledNumber and called and digits_key(rule.calledNumber) != digits_key(called):
            return False
        sid = self.rule_schedule_id(rule)
        if sid is None:
            return True
        st = self.schedules.get(sid)
        return st is not None and schedule_active(st.body, self.local_time(epoch))

    # --- schedules (4.12) ---------------------------------------------------------------

    def schedules_for_abonent(self, abonent_id: int) -> list[Schedule]:
        st = self.abonent(abonent_id)
        ids = list(self.schedules_by_owner.get(("abonent", abonent_id), []))
        for gid in self.group_chain(st.cfg.groupId):
            ids.extend(self.schedules_by_owner.get(("group", gid), []))
        return [self.schedules[i].view() for i in ids]

    def _owner_check(self, kind: str, owner: int) -> None:
        if kind == "abonent":
            self.abonent(owner)
        else:
            self.group(owner)

    def create_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn,
                        not_be_removed: bool = False, record_id: Optional[int] = None) -> Schedule:
        self._owner_check(kind, owner)
        rid = record_id if record_id is not None else self.backend.next_schedule_id()
        body = body.model_copy(update={"recordId": rid})
        self.schedules[rid] = ScheduleState(body=body, type=kind, ownerId=owner, notBeRemoved=not_be_removed)
        self.schedules_by_owner.setdefault((kind, owner), []).append(rid)
        self.backend.schedule_owner[rid] = self
        return self.schedules[rid].view()

    def _owned_schedule(self, kind: str, owner: int, record_id: Optional[int]) -> ScheduleState:
        self._owner_check(kind, owner)
        if record_id is None:
            raise VpbxError(400, E.FIELD_REQUIRED.format(field="recordId"))
        st = self.schedules.get(record_id)
        if st is None or st.type != kind or st.ownerId != owner:
            raise VpbxError(404, E.SCHEDULE_NOT_FOUND.format(id=record_id))
        return st

    def update_schedule(self, kind: Literal["abonent", "group"], owner: int, body: ScheduleIn) -> Schedule:
        st = self._owned_schedule(kind, owner, body.recordId)
        st.body = body
        return st.view()

    def delete_schedule(self, kind: Literal["abonent", "group"], owner: int, record_id: Optional[int]) -> None:
        st = self._owned_schedule(kind, owner, record_id)
        if st.notBeRemoved:
            raise VpbxError(400, E.SCHEDULE_NOT_REMOVABLE.format(id=record_id))
        del self.schedules[record_id]  # type: ignore[arg-type]
        self.schedules_by_owner[(kind, owner)].remove(record_id)  # type: ignore[arg-type]
        self.backend.schedule_owner.pop(record_id, None)  # type: ignore[arg-type]

    # --- history and recordings (4.5, 4.9) ------------------------------------------------

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
        if tenant.isdigit() and int(tenant) in self.by_id:
            return self.by_id[int(tenant)]
        return self.by_token.get(tenant)

    def enterprise_for_token(self, token: Optional[str]) -> Optional[Enterprise]:
        if not token:
            return None
        return self.by_token.get(token.strip())
