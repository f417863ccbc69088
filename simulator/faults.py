"""Injected faults on inbound provider requests: delay, a canned answer, a dropped
connection, or the provider's own native error."""
from __future__ import annotations

import fnmatch
import itertools
import random
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator, model_validator

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token
_HEADER_VALUE = re.compile(r"^[^\x00-\x08\x0a-\x1f\x7f]*$")  # no control characters but tab
_READ_ONLY = {"readOnly": True}


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: StrictInt | None = Field(None, json_schema_extra=_READ_ONLY)
    provider: str | None = Field(None, description="provider slug; none = every provider")
    method: str = Field("*", description="HTTP method or *")
    path: str = Field("*", description="glob on the path inside the provider, e.g. /api/*")
    action: Literal["delay", "respond", "drop", "native"]
    delay: StrictFloat = Field(0, ge=0, description="simulated seconds (action delay)")
    status: StrictInt = Field(500, ge=200, le=599)
    body: Any = None
    content_type: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    native: str | None = Field(None, pattern=r"^[45][0-9][0-9]",
                               description="provider error code rendered natively (action native); "
                               "starts with its HTTP status, e.g. 503 or 500.1")
    times: StrictInt | None = Field(None, ge=1, description="apply to the next N matches only")
    probability: StrictFloat | None = Field(None, gt=0, le=1)
    hits: StrictInt = Field(0, json_schema_extra=_READ_ONLY)

    @field_validator("headers")
    @classmethod
    def _valid_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _HEADER_NAME.match(name) or not _HEADER_VALUE.match(value):
                raise ValueError(f"not a valid HTTP header: {name!r}: {value!r}")
        return headers

    @field_validator("content_type")
    @classmethod
    def _valid_content_type(cls, value: str | None) -> str | None:
        if value is not None and not _HEADER_VALUE.match(value):
            raise ValueError("control characters in content_type")
        return value

    @model_validator(mode="after")
    def _check(self):
        if self.action == "native" and not self.provider:
            raise ValueError("a native fault needs a provider")
        return self


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
