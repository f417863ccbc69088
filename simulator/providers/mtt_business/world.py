"""The ``providers: mtt-business:`` section of the world file (ВАТС МТТ Бизнес, Открытое API).

Entities as the document names them: a customer of MTT Business (its ЛК, identified in the
notifications by ``centrexId``) connects "Открытое API" and creates integrations (§7.3:
name, Redirect URI, secret key, client id). Its ВАТС has external numbers (§9.1), workplaces
(РМ, §9.2, keyed by their SIP ID) and terminals under them (§9.3). Tenants are keyed by
their centrexId; numbers, workplaces, terminals and integrations by their own ids, so a JSON
merge patch can change one entry.
"""
from __future__ import annotations

import re
import datetime as dt
from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator

from simulator.engine.behaviour import PartyBehaviour
from simulator.world.models import HistorySettings, StrictModel

_NUMBER = re.compile(r"^\+?[0-9]{5,16}$")
_SIP_ID = re.compile(r"^[0-9]{5,16}$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")

SCOPE_TOKENS = "https://mtt.ru/auth.tokens.readwrite"
SCOPE_OPENAPI = "https://mtt.ru/auth/openapi.readwrite"


def _check_url(value: Optional[str]) -> Optional[str]:
    if value is not None and value != "" and not _URL.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _check_numbers(values, what: str = "number"):
    for value in values:
        if not _NUMBER.match(str(value)):
            raise ValueError(f"{value!r} is not a {what} (digits, optional leading +)")
    return values


class OpenApiSettings(StrictModel):
    """Platform-wide behaviour of the Open API (the same for every customer)."""

    api_hosts: list[str] = Field(
        default_factory=lambda: ["openapi.mtt.ru", "openapi-stage.mtt.ru"],
        description="hosts of the Open API methods (wire-facts 3: stage host from §10.1.3)")
    oauth_host: str = Field("oauth.mtt.ru", description="{hostoauth} of §8 (§7.3 item 5)")
    scopes: list[str] = Field(
        default_factory=lambda: [SCOPE_TOKENS, SCOPE_OPENAPI],
        description="scopes accepted in §8.1/§8.2 (the document shows both)")
    access_token_ttl: int = Field(7200, gt=0, description="access_token life, s (§7.6: 2 hours)")
    refresh_token_ttl: int = Field(3 * 86400, gt=0, description="refresh_token life, s (§7.6: 3 days)")
    code_ttl: int = Field(600, gt=0, description="authorization code life, s (simulator choice)")
    parking_timeout: float = Field(5.0, gt=0, description="a parked call waits this long for a command (§10.2)")
    rps_limit: int = Field(5, gt=0, description="requests per second per instance (§6.7)")
    record_retention_days: int = Field(90, gt=0, description="record files are kept this long (§10.1.3)")
    records_base_url: str = Field(
        "https://openapi-stage.mtt.ru/records",
        description="urlRecord = <base>/<centrexId>/<yyyy>/<mm>/<dd>/<file>.mp3 (§10.1.3)")
    transport_id: str = Field("10.133.51.137:5070", description="callInfo.transportId of outgoing calls (§10.1.2)")
    inbound_transport_id: str = Field("10.133.33.136:5073", description="transportId of incoming calls (§10.1.1)")
    parking_mode: Literal["per_number", "always"] = Field(
        "per_number", description="per_number: only numbers with parking on (§10.2) are parked; "
                                  "always: every incoming call is parked (the reading of §4)")
    ring_timeout: float = Field(20.0, gt=0, description="a workplace (or one terminal of a sequential "
                                                        "workplace) rings this long before the scheme moves on")
    busy_in_call: bool = Field(
        True, description="a terminal already in a conversation is busy for a new call (486), so the "
                          "scheme moves on; false: every call rings it (call waiting)")
    record_ready_after: float = Field(3.0, ge=0, le=3600, description="the recorded notification follows "
                                                                   "finished after this many seconds (the file is made)")
    records_need_token: bool = Field(
        False, description="true: a record download needs the integration's Bearer token too")
    notification_attempts: int = Field(3, ge=1, le=20, description="delivery attempts per notification")
    notification_retry_delay: float = Field(2.0, gt=0, description="seconds between two attempts")

    @field_validator("records_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)


class PreissuedToken(StrictModel):
    """A token pair already issued to the integration when the simulator starts (§8.2 example)."""

    access_token: str = Field(min_length=1)
    refresh_token: str = Field(min_length=1)
    scope: str = SCOPE_OPENAPI
    never_expires: bool = Field(
        False, description="true: the pair stays valid whatever the clock (otherwise the §7.6 lives "
                           "count from the world's clock start)")


class AuthorizationCode(StrictModel):
    """A code already handed to the redirect URI (§8.1 example), exchangeable once (§8.2)."""

    redirect_uri: str
    state: Optional[str] = None

    @field_validator("redirect_uri")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)


class Integration(StrictModel):
    """"Мои интеграции" in the ЛК (§7.3): one OAuth client of the customer; keyed by its Id клиента."""

    name: str = Field(min_length=1, description="Название интеграции")
    client_secret: str = Field(min_length=1, description="Секретный ключ")
    redirect_uri: str = Field(description="Redirect URI as registered in the ЛК (§7.3 item 2)")
    extra_redirect_uris: list[str] = Field(
        default_factory=list, description="other redirect_uri values §8.1/§8.2 accept for this client")
    notification_url: Optional[str] = Field(
        None, description="where callNotifications / vpbxNotifications are POSTed; the real platform "
                          "uses the Redirect URI (§7.3); None = the redirect_uri")
    enabled: bool = True
    codes: dict[str, AuthorizationCode] = Field(
        default_factory=dict, description="authorization codes issued before start, keyed by code")
    tokens: list[PreissuedToken] = Field(default_factory=list)

    @field_validator("redirect_uri", "notification_url")
    @classmethod
    def _url(cls, value: Optional[str]) -> Optional[str]:
        return _check_url(value)

    @field_validator("extra_redirect_uris")
    @classmethod
    def _extra(cls, values: list[str]) -> list[str]:
        for value in values:
            _check_url(value)
        return values


class ExternalNumber(StrictModel):
    """Внешний номер (§9.1), keyed by the number as numbersList/number shows it."""

    type: Optional[str] = Field(None, description="numbersList/type (null in the document)")
    name: str = ""
    parking: bool = Field(False, description="§10.2 parking is on for this number")
    routes_to: list[str] = Field(
        default_factory=list, description="workplace SIP IDs the ВАТС logic offers a call to, in order")
    forwarders: list[str] = Field(
        default_factory=list,
        description="ids a call passes on its way to a workplace (callee.forwarderList, §10.1.7)")
    record: bool = False
    ivr: bool = Field(False, description="the number's scheme starts with an IVR menu (§6.6)")


class Terminal(StrictModel):
    """Терминал (§9.3), keyed by its SIP ID; belongs to a workplace."""

    kind: Literal["sip_phone", "sip", "fmc", "mobile_app", "external"] = Field(
        "sip_phone", description="sip_phone: a SIP phone of the ВАТС (every notification); sip: an IP SIP "
                                 "terminal (§6.1: only trying and finished); fmc: a mobile number (§6.2: no "
                                 "transfer); mobile_app: the MTT Business app (§6.5: notifications twice); "
                                 "external: forwarding to an outside number (§6.1)")
    number: Optional[str] = Field(None, description="phone number of an fmc / external terminal")
    group: Optional[str] = Field(None, description="the group an fmc terminal is in (§6.6: reached through an "
                                                   "IVR, an fmc terminal outside a group gives no showing)")
    party: Optional[PartyBehaviour] = Field(None, description="None: the workplace's person")

    @field_validator("number")
    @classmethod
    def _number(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            _check_numbers([value])
        return value


class Workplace(StrictModel):
    """Рабочее место (РМ, §9.2), keyed by its SIP ID (workplacesList/workplace)."""

    name: str = Field(min_length=1, description="workplacesList/name")
    person: str = Field("", description="the employee at this workplace (displayName)")
    extension: Optional[str] = Field(None, description="short number inside the ВАТС")
    display_number: Optional[str] = Field(
        None, description="caller id shown on outgoing calls (caller.displayId, §10.1.2)")
    email: Optional[str] = None
    distribution: Literal["simultaneous", "sequential"] = Field(
        "simultaneous", description="how the workplace's terminals are rung")
    terminals: dict[str, Terminal] = Field(default_factory=dict, description="keyed by terminal SIP ID")
    record: bool = Field(False, description="calls through this workplace are recorded (§6.3)")
    party: PartyBehaviour = Field(
        default_factory=lambda: PartyBehaviour(answer_after=4, hangup_after=45),
        description="how the person answers")

    @field_validator("terminals")
    @classmethod
    def _terminals(cls, value: dict[str, Terminal]) -> dict[str, Terminal]:
        for key in value:
            if not _SIP_ID.match(key):
                raise ValueError(f"terminal id {key!r} is not a SIP ID (digits)")
        return value


class RecordFile(StrictModel):
    """A finished call's record (§10.1.3), keyed by its file name without .mp3."""

    date: dt.date = Field(description="the date part of the urlRecord path")
    account_id: str = Field(description="callInfo.accountId of the recorded notification")
    call_id: str = Field(description="callInfo.call.id")
    duration: float = Field(30.0, gt=0)


class Customer(StrictModel):
    """A customer (ЛК / ЛС МТТ Бизнес) keyed by its centrexId."""

    name: str = Field(min_length=1, description="company name")
    login: str = Field(min_length=1, description="ЛК login typed into the §8.1 form (field `login`)")
    password: str = Field(min_length=1, description="ЛК password (field `password`)")
    open_api: bool = Field(True, description="the \"Открытое API\" slider is ON (§3)")
    integrations: dict[str, Integration] = Field(default_factory=dict, description="keyed by Id клиента")
    numbers: dict[str, ExternalNumber] = Field(default_factory=dict, description="external numbers")
    workplaces: dict[str, Workplace] = Field(default_factory=dict, description="keyed by SIP ID")
    records: dict[str, RecordFile] = Field(default_factory=dict)
    history: HistorySettings = Field(default_factory=lambda: HistorySettings(days=7, calls_per_day=10))

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: dict[str, ExternalNumber]) -> dict[str, ExternalNumber]:
        _check_numbers(value, "phone number")
        return value

    @field_validator("workplaces")
    @classmethod
    def _workplaces(cls, value: dict[str, Workplace]) -> dict[str, Workplace]:
        for key in value:
            if not _SIP_ID.match(key):
                raise ValueError(f"workplace id {key!r} is not a SIP ID (digits)")
        return value

    @model_validator(mode="after")
    def _routes(self) -> "Customer":
        for number, entry in self.numbers.items():
            for sip_id in entry.routes_to:
                if sip_id not in self.workplaces:
                    raise ValueError(f"numbers.{number}.routes_to: {sip_id!r} is not a workplace of this customer")
        return self


class MttBusinessWorld(StrictModel):
    settings: OpenApiSettings = Field(default_factory=OpenApiSettings)
    tenants: dict[str, Customer] = Field(default_factory=dict, description="customers keyed by centrexId")

    @model_validator(mode="after")
    def _unique(self) -> "MttBusinessWorld":
        seen: dict[str, str] = {}
        for tid, customer in self.tenants.items():
            for client_id in customer.integrations:
                if client_id in seen:
                    raise ValueError(f"integration {client_id!r} belongs to both {seen[client_id]!r} and {tid!r}")
                seen[client_id] = tid
            for sip_id in customer.workplaces:
                key = f"workplace:{sip_id}"
                if key in seen:
                    raise ValueError(f"workplace {sip_id!r} belongs to both {seen[key]!r} and {tid!r}")
                seen[key] = tid
        return self
