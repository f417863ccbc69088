"""The ``providers: mts-vpbx:`` section of a world file."""
from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ...engine.behaviour import PartyBehaviour
from ...world.models import HistorySettings
from .models import CallHistoryRecord, ParallelRuleIn, RedirectRuleIn, ScheduleIn, SequentialRuleIn

MIN_ATTEMPTS, MAX_ATTEMPTS = 10, 50      # section 3: the portal's range for the delivery attempts
# 4.3 checks "regularly" without a period: once an hour (a test patches it shorter or longer)
DEFAULT_CHECK_ALIVE_PERIOD = 3600


class _Cfg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceConfig(_Cfg):
    """API CRM (4.1) or Webhook (4.2) settings as the portal form holds them."""

    active: bool = False
    callbackUrl: Optional[str] = None
    clientApiKey: Optional[str] = None
    errorCount: int = Field(default=0, ge=0)


class GroupConfig(_Cfg):
    id: Optional[int] = None          # the map key
    name: str
    parentId: Optional[int] = None
    bwksId: Optional[str] = None


class AbonentConfig(_Cfg):
    userId: Optional[int] = None      # the map key
    firstName: Optional[str] = None
    lastname: Optional[str] = None
    extension: Optional[str] = None
    phoneNumber: Optional[str] = None
    callingLineIdPhoneNumber: Optional[str] = None
    email: Optional[str] = None
    department: Optional[str] = None
    groupId: Optional[int] = None
    bwksUserId: Optional[str] = None
    active: bool = True
    party: Optional[PartyBehaviour] = None  # how the abonent's phone behaves when it rings


class FindMeConfig(_Cfg):
    parallelRules: list[ParallelRuleIn] = Field(default_factory=list)
    sequentialRules: list[SequentialRuleIn] = Field(default_factory=list)
    redirectRules: list[RedirectRuleIn] = Field(default_factory=list)


class ScheduleConfig(ScheduleIn):
    model_config = ConfigDict(extra="forbid")
    type: Literal["abonent", "group"] = "abonent"
    ownerId: int
    notBeRemoved: bool = False


class AutoAttendantConfig(_Cfg):
    """Голосовое меню (IVR): answers at once and transfers on a key."""

    bwksUserId: Optional[str] = None  # the map key
    name: str = "Голосовое меню"
    numbers: list[str] = Field(default_factory=list)
    extension: Optional[str] = None
    keys: dict[str, str] = Field(default_factory=dict)  # DTMF digit -> extension / number
    timeout: float = Field(default=30, ge=1)            # no key pressed -> release


class CallCenterConfig(_Cfg):
    """Очередь (CallCenter): offers the call to its agents in the configured order."""

    bwksUserId: Optional[str] = None  # the map key
    name: str = "Очередь"
    extension: str
    numbers: list[str] = Field(default_factory=list)
    agents: list[int] = Field(default_factory=list)            # abonent userIds
    distribution: Literal["circular", "regular", "simultaneous"] = "circular"
    agent_ring_timeout: float = Field(default=20, ge=1)
    offer_interval: float = Field(default=5, ge=0)              # pause after an agent did not take the call
    max_wait: float = Field(default=600, ge=1)


class SubscriptionConfig(_Cfg):
    """A subscription alive when the world starts (the document's examples use 1s9s000w)."""

    abonentId: int
    subscriptionId: Optional[str] = None  # the map key


def _keyed(items: Any, key_field: str) -> Any:
    """Maps keyed by id (so a JSON merge patch can change one entry): copy the key into the item."""
    if not isinstance(items, dict):
        return items
    out = {}
    for key, item in items.items():
        if item is None:
            continue
        if isinstance(item, dict):
            item = dict(item)
            item.setdefault(key_field, key)
        out[key] = item
    return out


class EnterpriseConfig(_Cfg):
    id: int                                     # serviceProviderId
    bwksId: Optional[str] = None                # enterpriseBwksId, e.g. "X214" (the map key)
    name: str = ""
    domain: str = "vpbx.mts.ru"
    token: str = Field(min_length=1)            # X-AUTH-TOKEN of the enterprise
    timeZone: str = "GMT+03:00"
    adminEmail: Optional[str] = None
    adminPhone: Optional[str] = None
    numbers: list[str] = Field(default_factory=list)
    groups: dict[int, GroupConfig] = Field(default_factory=dict)
    abonents: dict[int, AbonentConfig] = Field(default_factory=dict)
    findMe: dict[int, FindMeConfig] = Field(default_factory=dict)
    schedules: dict[int, ScheduleConfig] = Field(default_factory=dict)
    autoAttendants: dict[str, AutoAttendantConfig] = Field(default_factory=dict)
    callCenters: dict[str, CallCenterConfig] = Field(default_factory=dict)
    apicrm: ServiceConfig = Field(default_factory=ServiceConfig)
    webhook: ServiceConfig = Field(default_factory=ServiceConfig)
    maxDeliveryAttempts: int = Field(default=10, ge=MIN_ATTEMPTS, le=MAX_ATTEMPTS)
    checkAliveFailure: Literal["transition", "strict"] = "transition"
    checkAlivePeriod: int = Field(default=DEFAULT_CHECK_ALIVE_PERIOD, ge=60)   # seconds between two checks
    history: list[CallHistoryRecord] = Field(default_factory=list)
    generateHistory: HistorySettings = Field(default_factory=lambda: HistorySettings(days=7, calls_per_day=0))
    recordings: list[str] = Field(default_factory=list)         # extTrackingIds with a stored recording
    recordCalls: bool = True                                    # answered calls leave a recording (4.9)
    subscriptions: dict[str, SubscriptionConfig] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for name, key_field in (("groups", "id"), ("abonents", "userId"), ("schedules", "recordId"),
                                    ("autoAttendants", "bwksUserId"), ("callCenters", "bwksUserId"),
                                    ("subscriptions", "subscriptionId")):
                if name in data:
                    data[name] = _keyed(data[name], key_field)
            if isinstance(data.get("findMe"), dict):
                data["findMe"] = {k: v for k, v in data["findMe"].items() if v is not None}
        return data

    @field_validator("timeZone")
    @classmethod
    def _tz(cls, value: str) -> str:
        if not re.fullmatch(r"GMT[+-][0-9]{2}:[0-9]{2}", value):
            raise ValueError("timeZone must look like GMT+03:00")
        return value

    @model_validator(mode="after")
    def _refs(self) -> "EnterpriseConfig":
        for key, g in self.groups.items():
            if g.id != key:
                raise ValueError(f"groups.{key}: id {g.id} differs from its key")
            if g.parentId is not None and g.parentId not in self.groups:
                raise ValueError(f"groups.{key}: parentId {g.parentId} is not a group of the enterprise")
        for key, a in self.abonents.items():
            if a.userId != key:
                raise ValueError(f"abonents.{key}: userId {a.userId} differs from its key")
            if a.groupId is not None and a.groupId not in self.groups:
                raise ValueError(f"abonents.{key}: groupId {a.groupId} is not a group of the enterprise")
        for uid in self.findMe:
            if uid not in self.abonents:
                raise ValueError(f"findMe.{uid}: not an abonent of the enterprise")
        for key, s in self.schedules.items():
            owners = self.abonents if s.type == "abonent" else self.groups
            if s.ownerId not in owners:
                raise ValueError(f"schedules.{key}: ownerId {s.ownerId} is not a{'n' if s.type == 'abonent' else ''} "
                                 f"{s.type} of the enterprise")
        for key, cc in self.callCenters.items():
            for agent in cc.agents:
                if agent not in self.abonents:
                    raise ValueError(f"callCenters.{key}: agent {agent} is not an abonent")
        for key, sub in self.subscriptions.items():
            if sub.abonentId not in self.abonents:
                raise ValueError(f"subscriptions.{key}: abonentId {sub.abonentId} is not an abonent")
        return self


class MtsVpbxWorld(_Cfg):
    """``providers: mts-vpbx:`` — enterprises keyed by their enterpriseBwksId (the tenant id)."""

    enterprises: dict[str, EnterpriseConfig] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("enterprises"), dict):
            data = {**data, "enterprises": _keyed(data["enterprises"], "bwksId")}
        return data

    @model_validator(mode="after")
    def _unique(self) -> "MtsVpbxWorld":
        tokens = [e.token for e in self.enterprises.values()]
        if len(set(tokens)) != len(tokens):
            raise ValueError("enterprises: tokens must be unique")
        ids = [e.id for e in self.enterprises.values()]
        if len(set(ids)) != len(ids):
            raise ValueError("enterprises: ids must be unique")
        users = [u for e in self.enterprises.values() for u in e.abonents]
        if len(set(users)) != len(users):
            raise ValueError("abonent userIds must be unique across enterprises (they are portal-wide ids)")
        return self
