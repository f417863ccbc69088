"""Injected faults on inbound provider requests: delay, a canned answer, a dropped
connection, or the provider's own native error."""
from __future__ import annotations

import fnmatch
import itertools
import random
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    provider: str | None = Field(None, description="provider slug; none = every provider")
    method: str = Field("*", description="HTTP method or *")
    path: str = Field("*", description="glob on the path inside the provider, e.g. /api/*")
    action: Literal["delay", "respond", "drop", "native"]
    delay: float = Field(0, ge=0, description="simulated seconds (action delay)")
    status: int = Field(500, ge=100, le=599)
    body: Any = None
    content_type: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    native: str | None = Field(None, description="provider error code rendered natively (action native)")
    times: int | None = Field(None, ge=1, description="apply to the next N matches only")
    probability: float | None = Field(None, gt=0, le=1)
    hits: int = 0

    @model_validator(mode="after")
    def _check(self):
        if self.action == "native" and not self.provider:
            raise ValueError("a native fault needs a provider")
        return self


class Faults:
    def __init__(self, seed: int = 0):
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    def clear(self, seed: int | None = None) -> None:
        self._rules.clear()
        if seed is not None:
            self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = next(self._ids)
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) != before

    def list(self) -> list[FaultRule]:
        return list(self._rules)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def match(self, provider: str | None, method: str, path: str) -> FaultRule | None:
        for rule in self._rules:
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
                    self._rules.remove(rule)
            return rule
        return None
