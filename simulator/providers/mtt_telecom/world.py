"""The ``providers: mtt-telecom:`` section of the world file (MTT Telecom API "Gnezdo").

Entities as the document names them. A tenant is one API client (the "agent" of the
documented errors "agent does not have access to this customer/account") with its own
credentials on each host (wire-facts 4.1: webapicommon, rc.mtt.ru, gapi.mtt.ru differ; sb-api
and msapi have their own). It has access to customers (лицевые счета, keyed by
``customer_name``), each with accounts (номера МТТ, keyed by ``sip_id``) carrying follow-me,
call-control URL and reserve number, premedia settings; CallBack API settings and prompts;
premedia prompts; recorded calls; seed CDR rows. People behind redirect numbers are
``employees`` keyed by phone number, each with a party behaviour.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator

from simulator.engine.behaviour import PartyBehaviour
from simulator.world.models import HistorySettings, StrictModel

_NUMBER = re.compile(r"^\+?[0-9]{5,16}$")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
YN = Literal["Y", "N"]


def _url(value: Optional[str]) -> Optional[str]:
    if value is not None and value != "" and not _URL.match(value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _numbers(values, what: str = "phone number"):
    for value in values:
        if not _NUMBER.match(str(value)):
            raise ValueError(f"{value!r} is not a {what} (digits, optional leading +)")
    return values


class Credentials(StrictModel):
    """HTTP Basic credentials of one host."""

    login: str = Field(min_length=1)
    password: str = Field(min_length=1)


class GapiCredentials(Credentials):
    """gapi.mtt.ru:6443/v1/api (premedia, numbers, Global Black List): Basic plus the customer
    the account works for (wire-facts 4.1)."""

    customer_name: str = Field(min_length=1)


class SbApiAccount(StrictModel):
    """One sip_id allowed on sb-api.mtt.ru/v1/sb (smart call TTS / IVR), keyed by sip_id."""

    a_numbers: list[str] = Field(default_factory=list, description="agreed A-numbers (a_number) besides sip_id")

    @field_validator("a_numbers")
    @classmethod
    def _a(cls, value: list[str]) -> list[str]:
        return _numbers(value)


class SbApi(Credentials):
    """sb-api.mtt.ru: "Авторизационные данные для Basic Auth, method, sip_id выделяются на стороне МТТ"."""

    methods: dict[str, Literal["tts", "ivr"]] = Field(
        default_factory=dict, description="allowed `method` values and what each does; others: access forbidden")
    sip_ids: dict[str, SbApiAccount] = Field(default_factory=dict)
    event_url: Optional[str] = Field(None, description="the client's URL for online events (o/h/n)")

    @field_validator("event_url")
    @classmethod
    def _u(cls, value: Optional[str]) -> Optional[str]:
        return _url(value)


class SmsNumber(StrictModel):
    direction: Literal["IN", "OUT", "BOTH"] = "OUT"


class SmsMessageSeed(StrictModel):
    """A message already in an SMS account's history (the document's examples), keyed by message_sid."""

    direction: Literal["inbound", "outbound"] = "inbound"
    number: str = Field(description="the account's own number (the examples' `number`)")
    external_number: str = Field(description="the other party's number")
    text: str = ""
    created_at: int = Field(ge=0, description="Unix seconds")
    status: str = "received"


class MsApi(StrictModel):
    """An SMS account on msapi.mtt.ru (REST, Basic {accountSID}:{authToken}), keyed by accountSID."""

    auth_token: str = Field(min_length=1)
    aliases: list[str] = Field(
        default_factory=list, description="other spellings of account_sid the document uses, accepted too")
    numbers: dict[str, SmsNumber] = Field(default_factory=dict)
    event_url: Optional[str] = Field(None, description="the client's https URL for SMS events")
    event_method: Literal["POST", "GET"] = "POST"
    history_days: int = Field(7, ge=0, le=366)
    messages_per_day: int = Field(10, ge=0, le=10_000)
    messages: dict[str, SmsMessageSeed] = Field(default_factory=dict, description="seed history, keyed by message_sid")
    outcomes: dict[str, Literal["delivered", "undelivered", "rejected"]] = Field(
        default_factory=dict, description="final status of messages sent to a destination number (default delivered)")

    @field_validator("event_url")
    @classmethod
    def _u(cls, value: Optional[str]) -> Optional[str]:
        return _url(value)

    @field_validator("numbers")
    @classmethod
    def _n(cls, value: dict[str, SmsNumber]) -> dict[str, SmsNumber]:
        _numbers(value)
        return value


class FollowmeEntry(StrictModel):
    """One followmeStruct row (setFollowme / getFollowme / getFollowmeAccountSettings)."""

    redirect_number: str
    name: str = ""
    timeout: int = Field(15, ge=1, le=600)
    active: YN = "Y"
    period: str = "always"
    period_description: str = "Always"
    dtmf: Optional[str] = Field(None, pattern=r"^[0-9*#wW]+$")
    # setFollowme's optional fields: accepted and kept, not echoed by getFollowme (wire-facts 4.1)
    domain: Optional[str] = None
    use_tcp: Optional[YN] = None
    keep_original_cli: Optional[Literal["Y", "N", "I"]] = None
    keep_original_cld: Optional[YN] = None

    @field_validator("redirect_number")
    @classmethod
    def _n(cls, value: str) -> str:
        _numbers([value])
        return value


class PremediaSettings(StrictModel):
    """getPremediaAccountSettings of an account."""

    scenario_id: Literal[1, 2, 3] = 1
    answer: bool = False
    diversion: bool = True
    a_prompt: Optional[str] = Field(None, description="prompt name played to side A")
    b_prompt: Optional[str] = Field(None, description="prompt name played to side B")


class Account(StrictModel):
    """An account (номер МТТ) keyed by its sip_id."""

    number: Optional[str] = Field(
        None, description="phone number of a 883140… SIP id (wire-facts 4.1); None: the sip_id itself")
    i_account: Optional[int] = None
    activation_date: str = Field("21.01.2020 00:00:00", pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
    status: str = "active"
    followme: list[FollowmeEntry] = Field(default_factory=list)
    followme_sequence: Literal["Order", "Random", "Simultaneous"] = "Order"
    followme_caller_id: Optional[str] = None
    control_url: str = Field("", description="GN_IP_IPCR: the client URL getControlCallFollowMe is POSTed to")
    reserve_number: str = Field("", description="GN_IPCR_RESERVE: the offline redirect number")
    premedia: Optional[PremediaSettings] = None
    record: bool = False

    @field_validator("control_url")
    @classmethod
    def _u(cls, value: str) -> str:
        return _url(value)

    @field_validator("number", "reserve_number", "followme_caller_id")
    @classmethod
    def _n(cls, value: Optional[str]) -> Optional[str]:
        if value:
            _numbers([value])
        return value


class CallBackStep(StrictModel):
    """One callBackFollowmeStruct row: a number to ring (type ringall / linal) or a message (text / file)."""

    order: int = Field(ge=1)
    type: str = Field(description="ringall, linal (lineral), text or file")
    timeout: Optional[int] = Field(None, ge=1, le=120)
    redirect_number: Optional[str] = None
    name: Optional[str] = None
    side: Optional[Literal["A", "B"]] = None
    value: Optional[str] = None
    caller_id: Optional[str] = Field(None, description="the number this side-A number sees (else client_caller_id)")


class CallBackSettings(StrictModel):
    """The structure set by setCallBackFollowme (None: no structure, setCallBackFollowme may insert)."""

    callBackFollowmeStruct: list[CallBackStep] = Field(default_factory=list)
    caller_id: Optional[str] = None
    defaultBNumber: Optional[str] = None


class CallBackPrompt(StrictModel):
    """A CallBack prompt (setCallBackPrompt / getCallBackPromptInfo), keyed by file_name."""

    date_upload: str = Field(pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
    seconds: float = Field(3.0, gt=0)


class CallBackCall(StrictModel):
    """A finished CallBack call (getCallBackFollowmeCallInfo), keyed by callBackCall_id."""

    destination_A: str
    destination_B: str
    waiting_period_A: str = "0"
    waiting_period_B: str = "0"
    call_back_charged_length_A: str = "0"
    call_back_real_length_A: str = "0"
    call_back_charged_length_B: str = "0"
    call_back_real_length_B: str = "0"
    call_back_cost: float = 0.0
    call_back_currency: str = "RUB"
    call_back_status: str = "ok"
    call_back_record_URL_A: Optional[str] = None
    call_back_record_URL_B: Optional[str] = None
    callDescription: str = ""


class PremediaPrompt(StrictModel):
    """A premedia prompt (createCustomerPrompt / getCustomerPrompts), keyed by prompt_name."""

    id: int = Field(ge=1)
    file_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    prompt_type: Literal["file", "text"] = "file"
    text: Optional[str] = None
    seconds: float = Field(3.0, gt=0)


class RecordSeed(StrictModel):
    """A recorded call on rc.mtt.ru, keyed by h323_conf_id (words joined by _)."""

    parts: int = Field(1, ge=1, le=10, description="files the record is split into")
    duration: float = Field(30.0, gt=0)


class CdrRow(StrictModel):
    """A call-history row as getCallHistory / getServiceHistoryByCustomer return it."""

    type: Literal["incoming", "missed", "dialed", "forwarded", "callback"]
    account_id: str
    cli: str
    cld: str
    connect_time: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
    charged_time: int = Field(0, ge=0)
    charged: float = 0.0
    destination: str = "RUSSIAN FEDERATION"
    curr: str = "RUB"
    disconnect_cause: int = 16
    used_quantity: int = Field(0, ge=0)
    setup_time_ms: int = Field(0, ge=0)
    h323_conf_id: Optional[str] = None
    h323_incoming_conf_id: Optional[str] = None
    voice_record_exist: bool = False


class Customer(StrictModel):
    """A customer (лицевой счёт), keyed by customer_name."""

    name: str = Field(min_length=1, description="company name")
    aliases: list[str] = Field(default_factory=list, description="other customer_name spellings accepted")
    i_customer: Optional[int] = None
    balance: float = 0.0
    real_balance: float = 0.0
    pending_payment: Optional[float] = None
    currency: str = "RUB"
    accounts: dict[str, Account] = Field(default_factory=dict, description="keyed by sip_id, in list order")
    callback: Optional[CallBackSettings] = None
    callback_prompts: dict[str, CallBackPrompt] = Field(default_factory=dict)
    callback_calls: dict[str, CallBackCall] = Field(default_factory=dict)
    prompts: dict[str, PremediaPrompt] = Field(default_factory=dict, description="premedia prompts")
    records: dict[str, RecordSeed] = Field(default_factory=dict)
    cdrs: list[CdrRow] = Field(default_factory=list, description="history rows besides the generated ones")
    history: HistorySettings = Field(default_factory=lambda: HistorySettings(days=7, calls_per_day=10))

    @model_validator(mode="after")
    def _refs(self) -> "Customer":
        for sip_id, account in self.accounts.items():
            if account.premedia:
                for side in ("a_prompt", "b_prompt"):
                    name = getattr(account.premedia, side)
                    if name is not None and name not in self.prompts:
                        raise ValueError(f"accounts.{sip_id}.premedia.{side}: no prompt {name!r}")
        return self


class Employee(StrictModel):
    """A person behind a redirect number, keyed by the phone number."""

    name: str = Field(min_length=1)
    position: str = ""
    party: PartyBehaviour = Field(default_factory=lambda: PartyBehaviour(answer_after=4, hangup_after=45))


class NumberPoolRegion(StrictModel):
    """Numbers addNumbers can hand out for one region_code, by dial_code."""

    price: float = Field(0.0, ge=0, description="charged from the customer's balance per number")
    numbers: dict[str, list[str]] = Field(default_factory=dict)


class Tenant(StrictModel):
    """An API client (agent) of MTT Telecom, keyed by tenant id."""

    name: str = ""
    webapicommon: Credentials = Field(description="Basic auth of webapicommon.mtt.ru/index.php (and /archive)")
    rc: Optional[Credentials] = Field(None, description="Basic auth of rc.mtt.ru (records)")
    gapi: Optional[GapiCredentials] = None
    sb_api: Optional[SbApi] = None
    msapi: dict[str, MsApi] = Field(default_factory=dict, description="SMS accounts keyed by accountSID")
    customers: dict[str, Customer] = Field(default_factory=dict)
    employees: dict[str, Employee] = Field(default_factory=dict)
    gbl_rules: list[str] = Field(default_factory=list, description="Global Black List (getGBLRules)")
    number_pool: dict[str, NumberPoolRegion] = Field(default_factory=dict, description="keyed by region_code")

    @field_validator("employees")
    @classmethod
    def _emp(cls, value: dict[str, Employee]) -> dict[str, Employee]:
        _numbers(value)
        return value

    @field_validator("msapi")
    @classmethod
    def _sms(cls, value: dict[str, MsApi]) -> dict[str, MsApi]:
        for sid in value:
            if not re.match(r"^acc[0-9a-f-]+$", sid):
                raise ValueError(f"{sid!r} is not an accountSID (acc + hex)")
        return value

    @field_validator("gbl_rules")
    @classmethod
    def _gbl(cls, value: list[str]) -> list[str]:
        return _numbers(value)

    @model_validator(mode="after")
    def _gapi_customer(self) -> "Tenant":
        if self.gapi is not None and not self._has_customer(self.gapi.customer_name):
            raise ValueError(f"gapi.customer_name: {self.gapi.customer_name!r} is not a customer of this tenant")
        return self

    def _has_customer(self, name: str) -> bool:
        return name in self.customers or any(name in c.aliases for c in self.customers.values())


class TelecomSettings(StrictModel):
    """Platform behaviour shared by every tenant."""

    control_timeout: float = Field(
        90.0, gt=0, description="wait for the client's getControlCallFollowMe answer, s (wire-facts 4.2)")
    control_source_ip: str = Field("80.75.132.186", description="the address the platform calls from")
    archive_before: str = Field(
        "2020-11-19", description="history before this date (MSK) is served by /archive/index.php only")
    upload_host: str = Field("fuds1.mtt.ru", description="uploadURL/statusURL host of setCallBackPrompt")
    upload_maxsize: int = Field(1_048_576, gt=0)
    record_hosts: list[str] = Field(default_factory=lambda: ["rc.mtt.ru", "rs.mtt.ru"])
    history_limit: int = Field(1000, gt=0, description="rows per history answer")
    rate_per_minute: float = Field(
        1.5, ge=0, description="charge per started minute of dialed and forwarded calls (balance, history)")
    period_timezone: str = Field(
        "Europe/Moscow", description="time zone in which follow-me PERIOD expressions are evaluated")
    loopback_receivers: bool = Field(
        True, description="client URLs on 127.0.0.1/localhost may use any port and plain http "
        "(test receivers listen on free ports); real host names keep the documented 80/443 and https rules")


class MttTelecomWorld(StrictModel):
    settings: TelecomSettings = Field(default_factory=TelecomSettings)
    tenants: dict[str, Tenant] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> "MttTelecomWorld":
        owners: dict[str, str] = {}
        for tid, tenant in self.tenants.items():
            for cname, customer in tenant.customers.items():
                for name in [cname, *customer.aliases]:
                    if owners.setdefault(f"c:{name}", tid) != tid:
                        raise ValueError(f"customer {name!r} belongs to two tenants")
                for sip_id in customer.accounts:
                    if owners.setdefault(f"a:{sip_id}", f"{tid}/{cname}") != f"{tid}/{cname}":
                        raise ValueError(f"account {sip_id!r} belongs to two customers")
        return self
