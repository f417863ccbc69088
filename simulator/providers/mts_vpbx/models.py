"""Pydantic models of the entities of the MTS VPBX API CRM document (mts-vpbx-api-crm.txt).

Field names are the document's, including its quirks (``lastname``, ``schedudyId`` accepted on input).
Request models ignore unknown fields, as the portal's JSON binding does.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import AliasChoices, Field, field_validator

from ...digits import AsciiInt, parse_int
from ...limits import counted_first
from . import validators as v


from .models_base import _In, _Out
# the schedules of 4.12 live in their own module; named here too for the routes and tests
from .schedule_models import ExcludedDayRule, HolidayRule, Schedule, ScheduleIn, WorkDaysRule  # noqa: F401


# --- 4.1 / 4.2 activation ---------------------------------------------------------------

class ServiceActivation(_In):
    callbackUrl: Optional[str] = None
    clientApiKey: Optional[str] = None

    @field_validator("clientApiKey", mode="before")
    @classmethod
    def _key_as_text(cls, value: Any) -> Any:
        # the JSON binding turns a number into its text, e.g. "clientApiKey": 123
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value


# --- 4.4 abonents, 4.10 groups ----------------------------------------------------------

class Abonent(_Out):
    callingLineIdPhoneNumber: Optional[str] = None
    department: Optional[str] = None
    email: Optional[str] = None
    extension: Optional[str] = None
    firstName: Optional[str] = None
    groupId: Optional[int] = None
    lastname: Optional[str] = None
    phoneNumber: Optional[str] = None
    serviceProviderId: int
    userId: int


class Group(_Out):
    id: int
    name: str
    parentId: Optional[int] = None


# --- 4.5 call history -------------------------------------------------------------------

Direction = Literal["ORIGINATING", "TERMINATING"]
HistoryStatus = Literal["PLACED", "MISSED"]
TerminationCause = Literal[
    "UNASSIGNED_NUMBER", "NO_ROUTE_TO_DESTINATION", "NORMAL", "USER_BUSY", "USER_ALERTED_NO_ANSWER",
    "USER_NOT_AVAILABLE", "CALL_REJECTED", "DESTINATION_OUT_OF_ORDER", "NETWORK_DISCONNECT",
    "TEMPORARY_FAILURE", "CALL_CLEARED", "PROTOCOL_ERROR",
]
RedirectingReason = Literal[
    "UNKNOWN", "USER_BUSY", "NO_ANSWER", "UNAVAILABLE", "TIME_OF_DAY", "DO_NOT_DISTURB", "DEFLECTION",
    "FOLLOW_ME", "OUT_OF_SERVICE", "AWAY", "BW_IMPLICITID", "IC_USER_OUTDIAL", "HUNT_GROUP", "CALL_CENTER",
    "ROUTE_POINT",
]


class CallHistoryRecord(_Out):
    enterpriseBwksId: str
    groupBwksId: str
    departmentBwksId: str = ""
    userId: str
    callTime: int
    callingNumber: str
    calledNumber: str
    duration: int
    direction: Direction
    status: HistoryStatus
    answerDuration: int
    terminationCause: TerminationCause
    redirectingNumber: str = ""
    redirectingReason: Optional[RedirectingReason] = None
    callGroupId: str
    recordAbonentId: Optional[int] = None
    abonentName: Optional[str] = None
    timeZone: str = "GMT+03:00"
    extTrackingId: str


class CallHistoryPage(_Out):
    content: list[CallHistoryRecord]
    totalElements: int
    totalPages: int


MAX_PAGE_SIZE = 2000


class CallHistoryQuery(_In):
    """URL parameters of 4.5; dates are Unix milliseconds."""

    direction: Optional[Direction] = None
    status: Optional[HistoryStatus] = None
    calledNumber: Optional[str] = None
    callingNumber: Optional[str] = None
    dateFrom: Optional[AsciiInt] = None
    dateTo: Optional[AsciiInt] = None
    page: AsciiInt = 0
    size: AsciiInt = 20

    @field_validator("direction", "status", "calledNumber", "callingNumber", "dateFrom", "dateTo", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("page", "size", mode="before")
    @classmethod
    def _paging(cls, value: Any, info) -> Any:
        """As Spring Data's pageable binding: unreadable or negative page -> 0, size < 1 -> 20,
        size above the maximum -> the maximum (MAX_PAGE_SIZE)."""
        default = 0 if info.field_name == "page" else 20
        n = value if isinstance(value, int) and not isinstance(value, bool) else parse_int(value, signed=True)
        if n is None:
            return default
        if info.field_name == "page":
            return max(0, n)
        return default if n < 1 else min(n, MAX_PAGE_SIZE)


# --- 4.6 subscriptions, 4.7 events ------------------------------------------------------

class SubscriptionRequest(_In):
    abonentId: AsciiInt
    subscriptionId: Optional[str] = None


class Subscription(_Out):
    expires: int
    subscriptionId: str


EventType = Literal[
    "CHECK_ALIVE", "CALL_ORIGINATED", "CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED", "SUBSCRIPTION_TERMINATION",
]
CallState = Literal["Alerting", "Active", "Held", "Remote Held", "Detached", "Released", "Idle"]
CallDirection = Literal["Originator", "Terminator", "Click-to-Dial"]


class EventPayload(_Out):
    callId: str
    extTrackingId: str
    state: CallState
    remotePartyName: Optional[str] = None
    remotePartyAddress: Optional[str] = None
    callDirection: CallDirection
    startTime: Optional[int] = None
    answerTime: Optional[int] = None
    endTime: Optional[int] = None


class Event(_Out):
    eventType: EventType
    abonentId: int
    payload: Optional[EventPayload] = None


# --- 4.8 calls --------------------------------------------------------------------------

class CallSummary(_Out):
    callId: str
    inConference: bool


class CallDetails(_Out):
    answerTime: Optional[int] = None
    callDirection: CallDirection
    callId: str
    endTime: Optional[int] = None
    remotePartyAddress: Optional[str] = None
    remotePartyName: Optional[str] = None
    startTime: Optional[int] = None
    state: CallState


# --- 4.11 find me -----------------------------------------------------------------------

class RuleNumberIn(_In):
    ruleId: Optional[AsciiInt] = None
    number: str
    status: bool = True
    name: Optional[str] = None

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip()
            if not v.is_dialable(value):
                raise ValueError("number must be a phone number or an extension")
        return value


class SequentialRuleNumberIn(RuleNumberIn):
    timeout: AsciiInt = Field(default=3, ge=1, le=20)

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: Any) -> Any:
        return 3 if value in (None, "") else value


def _rule_name(value: Any) -> Any:
    if isinstance(value, str) and len(value) > v.MAX_RULE_NAME:
        raise ValueError(f"ruleName must be at most {v.MAX_RULE_NAME} characters")
    return value


def _rule_numbers(value: Any) -> Any:
    return counted_first(value, v.MAX_RULE_NUMBERS, "at most {limit} rules per routing type")


def _empty_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


class ParallelRuleIn(_In):
    id: Optional[AsciiInt] = None
    ruleName: str
    calledNumber: Optional[str] = None
    scheduleId: Optional[AsciiInt] = Field(default=None, validation_alias=AliasChoices("scheduleId", "schedudyId"))
    ruleNumbers: list[RuleNumberIn] = Field(default_factory=list)

    @field_validator("ruleName")
    @classmethod
    def _name(cls, value: str) -> str:
        return _rule_name(value)

    @field_validator("ruleNumbers", mode="before")
    @classmethod
    def _nums(cls, value: Any) -> Any:
        return _rule_numbers(value)

    @field_validator("calledNumber", "scheduleId", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _empty_none(value)


class SequentialRuleIn(ParallelRuleIn):
    continueSearchIfBusy: bool = False
    ruleNumbers: list[SequentialRuleNumberIn] = Field(default_factory=list)


class RedirectRuleIn(_In):
    id: Optional[AsciiInt] = None
    ruleName: str
    calledNumber: Optional[str] = None
    alwaysRedirect: Optional[str] = None
    ifBusyRedirect: Optional[str] = None
    ifNoAnswerRedirect: Optional[str] = None
    ifNoAnswerTimeout: Optional[AsciiInt] = Field(default=None, ge=1, le=20)
    ifNoAccessRedirect: Optional[str] = None
    conditional: Optional[str] = ""
    scheduleId: Optional[AsciiInt] = Field(default=None, validation_alias=AliasChoices("scheduleId", "schedudyId"))

    @field_validator("ruleName")
    @classmethod
    def _name(cls, value: str) -> str:
        return _rule_name(value)

    @field_validator("calledNumber", "alwaysRedirect", "ifBusyRedirect", "ifNoAnswerRedirect",
                     "ifNoAnswerTimeout", "ifNoAccessRedirect", "scheduleId", mode="before")
    @classmethod
    def _blank(cls, value: Any, info) -> Any:
        value = _empty_none(value)
        if isinstance(value, int) and not isinstance(value, bool) and info.field_name.endswith("Redirect"):
            value = str(value)
        if isinstance(value, str) and info.field_name.endswith("Redirect"):
            value = value.strip()
            if not v.is_dialable(value):
                raise ValueError("must be a phone number or an extension")
        return value


class RuleNumber(_Out):
    ruleId: int
    number: str
    status: bool
    name: Optional[str] = None


class SequentialRuleNumber(RuleNumber):
    timeout: int


class ParallelRule(_Out):
    id: int
    ruleName: str
    calledNumber: Optional[str] = None
    ruleNumbers: list[RuleNumber]


class SequentialRule(_Out):
    id: int
    ruleName: str
    calledNumber: Optional[str] = None
    continueSearchIfBusy: bool
    ruleNumbers: list[SequentialRuleNumber]


class RedirectRule(_Out):
    id: int
    ruleName: str
    calledNumber: Optional[str] = None
    alwaysRedirect: Optional[str] = None
    ifBusyRedirect: Optional[str] = None
    ifNoAnswerRedirect: Optional[str] = None
    ifNoAnswerTimeout: Optional[int] = None
    ifNoAccessRedirect: Optional[str] = None
    conditional: Optional[str] = ""
    scheduleId: Optional[int] = None


class FindMe(_Out):
    parallelRules: list[ParallelRule]
    sequentialRules: list[SequentialRule]
    redirectRules: list[RedirectRule]


# --- errors -----------------------------------------------------------------------------

class ErrorBody(_Out):
    """The portal's error body (Spring Boot's default error attributes)."""

    timestamp: str
    status: int
    error: str
    message: str
    path: str
