"""What the "Найди меня" rules (4.11) make of one inbound call: a routing plan, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

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
