"""The ``providers.mts-autosecretary`` section of a world file and how it becomes a Backend.

UNs in the world are validated with the same rules as PUT /api/v1/un, so a bad world is refused at
load time with the path of the bad field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from pydantic import Field, field_validator, model_validator

from ...world import HistorySettings, StrictModel

from .backend import Account, Backend
from .cdr import CdrRecord
from .errors import ApiError
from .models import UN
from .timefmt import parse_bound
from .validators import UN_PHONE_RE, parse_un_update


class UNConfig(StrictModel):
    """A UN as the world declares it (keyed by its number): the API's UN structure plus the
    read-only fields. Checked with the rules of PUT /api/v1/un."""

    ab_ext_enabled: Optional[bool] = None
    conf_email: Optional[str] = None
    description: Optional[str] = None
    dn_list: Optional[list[dict[str, Any]]] = None
    menu_allowed: Optional[bool] = None
    make_call_time: Optional[int] = None
    need_begin_ivr: Optional[bool] = None
    enabled: Optional[bool] = None
    ext_queue: Optional[bool] = None
    fax_email: Optional[str] = None
    max_queue_time: Optional[int] = None
    need_advert: Optional[bool] = None
    need_record: Optional[bool] = None
    op_ext_enabled: Optional[bool] = None
    say_ani: Optional[bool] = None
    say_tone: Optional[bool] = None
    time_zone: Optional[int] = None
    updated_by: str = "user"
    updated_on: str = "2012-10-1T11:25:06"
    voice_email: Optional[str] = None

    def _api_body(self, phone: str) -> dict[str, Any]:
        return {"phone": phone, **self.model_dump(exclude={"updated_by", "updated_on"}, exclude_none=True)}

    def to_un(self, phone: str) -> UN:
        normalized, changes = parse_un_update(self._api_body(phone))
        return UN(phone=normalized, updated_by=self.updated_by, updated_on=self.updated_on, **changes)


class AccountConfig(StrictModel):
    """An API user, keyed by its personal-cabinet login (the HTTP Basic user name)."""

    password: str = Field(min_length=1)
    api_key: Optional[str] = Field(None, description="accepted as 'Authorization: Api-Key <key>'")
    uns: dict[str, UNConfig] = Field(default_factory=dict, description="UNs by 10-digit number")

    @model_validator(mode="after")
    def _uns(self) -> "AccountConfig":
        for phone, un in self.uns.items():
            if not UN_PHONE_RE.match(phone):
                raise ValueError(f"uns.{phone}: a UN number has 10 digits, e.g. 4954071111")
            try:
                parse_un_update(un._api_body(phone))
            except ApiError as exc:
                raise ValueError(f"uns.{phone}: {exc.status_msg}") from None
        return self


class CdrConfig(StrictModel):
    """A fixed CDR (e.g. the document's sample), keyed by its call id, placed in the history as is."""

    seqid: int = Field(ge=1)
    un: str
    an: str
    start_time: str = Field(description="Moscow time, 2012-10-2T09:46:12 or dd.mm.yyyy hh:mm:ss")
    duration: int = Field(0, ge=0)
    talk_duration: int = Field(0, ge=0)
    log: Optional[str] = Field(None, description="default: the document's style for the outcome")

    @field_validator("start_time")
    @classmethod
    def _start(cls, value: str) -> str:
        parse_bound(value)
        return value

    def start(self) -> datetime:
        return parse_bound(self.start_time)


class DialConfig(StrictModel):
    """Timings of the service when it distributes a call."""

    greeting: float = Field(3.0, ge=0, description="seconds of greeting before the first DN is dialled")
    voicemail_max: float = Field(60.0, gt=0, description="longest voice message, s")


class AutosecretarySection(StrictModel):
    accounts: dict[str, AccountConfig] = Field(default_factory=dict, description="API users by login")
    cdrs: dict[str, CdrConfig] = Field(default_factory=dict, description="fixed CDRs by call id")
    history: HistorySettings = Field(default_factory=HistorySettings)
    dial: DialConfig = Field(default_factory=DialConfig)

    @model_validator(mode="after")
    def _unique(self) -> "AutosecretarySection":
        owners: dict[str, str] = {}
        for login, account in self.accounts.items():
            if ":" in login or not login:
                raise ValueError(f"accounts.{login}: a login cannot be empty or contain ':' (HTTP Basic)")
            for phone in account.uns:
                if phone in owners:
                    raise ValueError(
                        f"accounts.{login}.uns.{phone}: UN {phone} is declared by {owners[phone]} already")
                owners[phone] = login
        for key, cdr in self.cdrs.items():
            if not key.isdigit() or int(key) < 1:
                raise ValueError(f"cdrs.{key}: the key is the call id, a positive integer")
            if cdr.un not in owners:
                raise ValueError(f"cdrs.{key}.un: {cdr.un} is not a UN of this world")
        return self


def build_backend(section: AutosecretarySection, now: Optional[datetime] = None) -> Backend:
    """Accounts, UNs and the fixed CDRs (generated history is added by history.py).

    ``now`` (naive Moscow time): fixed CDRs that start later are left out. They would be calls of the
    future, and a live call (a higher id, an earlier start) could not be stored after them: ids
    follow arrival order."""
    from .calllog import NO_DNS, render_log

    backend = Backend()
    for login, account_cfg in section.accounts.items():
        backend.add_account(Account(login, account_cfg.password, account_cfg.api_key))
        for phone, un_cfg in account_cfg.uns.items():
            backend.add_un(login, un_cfg.to_un(phone))
    for key, cdr in sorted(section.cdrs.items(), key=lambda item: int(item[0])):
        if now is not None and cdr.start() > now:
            continue
        log = cdr.log if cdr.log is not None else render_log(cdr.an, cdr.un, [NO_DNS])
        backend.add_cdr(
            CdrRecord(
                id=int(key),
                seqid=cdr.seqid,
                un=cdr.un,
                an=cdr.an,
                start=cdr.start(),
                duration=cdr.duration,
                talk_duration=cdr.talk_duration,
                log=log,
            )
        )
    return backend
