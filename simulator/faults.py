"""Injected faults on inbound provider requests: delay, a canned answer, a dropped
connection, or the provider's own native error. The rules are :class:`FaultRule`
(simulator/fault_rule.py, a pydantic model: imported by the first rule, not at start-up)."""
from __future__ import annotations

import fnmatch
import itertools
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fault_rule import FaultRule


class Faults:
    def __init__(self, seed: int = 0):
        #: the rules in order; one list for the object's life (changed in place), so the
        #: request path holds it and checks "any rule at all?" without a call
        self.rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    def clear(self, seed: int | None = None) -> None:
        self.rules.clear()
        if seed is not None:
            self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = next(self._ids)
        rule.hits = 0
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self.rules)
        self.rules[:] = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) != before

    def list(self) -> list[FaultRule]:
        return list(self.rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def match(self, provider: str | None, method: str, path: str) -> FaultRule | None:
        for rule in self.rules:
            if rule.provider and rule.provider != provider:
                continue
            if rule.method != "*" and rule.method.upper() != method.upper():
                continue
            if not fnmatch.fnmatchcase(path, rule.path):
                continue
            if rule.probability is not None and self._rng.random() >= rule.probability:
                continue
            rule.hits += 1
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
            return rule
        return None


def __getattr__(name: str):
    if name == "FaultRule":  # importable from here as it always was
        from .fault_rule import FaultRule

        return FaultRule
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
