"""What the "Найди меня" rules (4.11) make of one inbound call: a routing plan, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from . import errors as E
from .errors import VpbxError
from .models import (
    FindMe, ParallelRule, ParallelRuleIn, RedirectRule, RedirectRuleIn, RuleNumber, SequentialRule, SequentialRuleIn,
    SequentialRuleNumber,
)
from .schedule import schedule_active
from .validators import MAX_RULES_PER_TYPE, digits_key

RuleType = Literal["parallel", "sequential", "redirect"]

RING_SECONDS = 5.0             # one ring of the Russian ring-back cadence (1 s on, 4 s off)
PLAIN_RING_TIMEOUT = 60.0      # an abonent without rules rings this long before "no answer"
DEFAULT_NO_ANSWER_RINGS = 5    # ifNoAnswerRedirect without ifNoAnswerTimeout
SEQUENTIAL_SELF_RINGS = 3     # the abonent's own phone rings first in a sequential search
SELF = "__self__"              # the abonent's own phone in a plan


@dataclass
class RingStep:
    targets: list[str]         # SELF or numbers, rung together
    timeout: float
    continue_if_busy: bool = True


@dataclass
class Forward:
    number: str
    reason: str                # redirectingReason of the forwarded leg


@dataclass
class RoutePlan:
    kind: str = "plain"        # plain | parallel | sequential | always
    rule_id: Optional[int] = None
    always: Optional[Forward] = None
    steps: list[RingStep] = field(default_factory=list)
    on_busy: Optional[Forward] = None
    on_no_answer: Optional[Forward] = None
    on_unreachable: Optional[Forward] = None
    follow_me: bool = False    # legs to the rule's numbers carry redirectingReason FOLLOW_ME


def plan_for(ent, user_id: int, epoch: float, called: Optional[str]) -> RoutePlan:
    """Rules in force at ``epoch`` for a call to ``called``: redirect-always wins, then the first
    parallel rule, then the first sequential rule; conditional redirects apply to what is left."""
    fm = ent.findme.get(user_id)
    plan = RoutePlan()
    if fm is None:
        plan.steps = [RingStep([SELF], PLAIN_RING_TIMEOUT)]
        return plan
    redirect = next((r for r in fm.redirect.values() if ent.rule_in_force(r, epoch, called)), None)
    no_answer_timeout = PLAIN_RING_TIMEOUT
    if redirect is not None:
        scheduled = ent.rule_schedule_id(redirect) is not None
        if redirect.alwaysRedirect:
            plan.kind, plan.rule_id = "always", redirect.id
            plan.always = Forward(redirect.alwaysRedirect, "TIME_OF_DAY" if scheduled else "UNKNOWN")
            return plan
        if redirect.ifBusyRedirect:
            plan.on_busy = Forward(redirect.ifBusyRedirect, "USER_BUSY")
        if redirect.ifNoAnswerRedirect:
            plan.on_no_answer = Forward(redirect.ifNoAnswerRedirect, "NO_ANSWER")
            no_answer_timeout = RING_SECONDS * (redirect.ifNoAnswerTimeout or DEFAULT_NO_ANSWER_RINGS)
        if redirect.ifNoAccessRedirect:
            plan.on_unreachable = Forward(redirect.ifNoAccessRedirect, "UNAVAILABLE")
    parallel = next((r for r in fm.parallel.values() if ent.rule_in_force(r, epoch, called)
                     and any(n.status for n in r.ruleNumbers)), None)
    if parallel is not None:
        plan.kind, plan.rule_id, plan.follow_me = "parallel", parallel.id, True
        plan.steps = [RingStep([SELF] + [n.number for n in parallel.ruleNumbers if n.status], no_answer_timeout)]
        return plan
    sequential = next((r for r in fm.sequential.values() if ent.rule_in_force(r, epoch, called)
                       and any(n.status for n in r.ruleNumbers)), None)
    if sequential is not None:
        plan.kind, plan.rule_id, plan.follow_me = "sequential", sequential.id, True
        plan.steps = [RingStep([SELF], RING_SECONDS * SEQUENTIAL_SELF_RINGS, sequential.continueSearchIfBusy)]
        plan.steps += [RingStep([n.number], RING_SECONDS * n.timeout) for n in sequential.ruleNumbers if n.status]
        return plan
    plan.steps = [RingStep([SELF], no_answer_timeout)]
    return plan


# --------------------------------------------------------------------------- the rules' store

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


class FindMeRules:
    """Mixin of :class:`~.backend.Enterprise`: the abonents' "Найди меня" rules (4.11)."""

    def _init_findme(self) -> None:
        self.findme: dict[int, FindMeState] = {}

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
