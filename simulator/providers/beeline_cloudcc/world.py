"""The ``providers: beeline-cloudcc:`` section of the world file."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, field_validator

from simulator.world.models import HistorySettings, StrictModel

from .numbers import canonical, is_phone


class SpnSettings(StrictModel):
    """The service platform node that answers online requests (Info / callStatus identifiers)."""

    host_id: str = Field("spn-msk-01", description="HostID: symbolic name of the SPN")
    sys_id: str = Field("119", description="SysID: identifier of the SPN")


class LimitSettings(StrictModel):
    max_json_bytes: int = Field(64 * 1024, gt=0, description="api_form larger than this -> 413.1")
    max_body_bytes: int = Field(8 * 1024 * 1024, gt=0, description="request body larger than this -> 413.1")
    blacklist_limit: int = Field(10_000, gt=0, description="entries per black list before 413.2")
    cdr_ready_delay: float = Field(30.0, ge=0, description="REQCDR -> READY after this many s")
    cdr_lifetime: float = Field(24 * 3600.0, gt=0, description="REQCDR -> EXPIRED after this many s")
    vfile_pending_delay: float = Field(10.0, ge=0, description="VFILE stays PENDING this many s")
    vfiles_per_number: int = Field(10, gt=0, description="voice files allowed per B-number (4.15.3)")
    agent_wait_timeout: float = Field(30.0, gt=0, description="wait for a 2.5 AgentInfo, s")
    agent_answer_timeout: float = Field(5.0, gt=0, description="network timeout of AgentRequest, s")
    ring_timeout: float = Field(60.0, gt=0, description="a side that does not answer in this time fails (19)")
    button_timeout: float = Field(10.0, gt=0, description="AnnCall: wait this long for the button")


class VoiceFileSeed(StrictModel):
    comment: str = ""
    seconds: float = Field(3.0, gt=0, le=600)


class RedirectSeed(StrictModel):
    rnumber: str
    anumber: Optional[str] = None


class PremediaSeed(StrictModel):
    file_a: str = ""
    file_b: str = ""


class RecordingSeed(StrictModel):
    all: bool = False
    numbers: list[str] = Field(default_factory=list)


class BeelineTenant(StrictModel):
    login: str = Field(min_length=1, description="Basic auth user name (offline and online)")
    password: str = Field(min_length=1)
    allowed_ips: list[str] = Field(default_factory=list, description="empty: any address")
    client_url: str = Field("", description="CS endpoint for AgentRequest and callStatus (1.4)")
    numbers: list[str] = Field(min_length=1, description="the tenant's B-numbers")
    voice_files: dict[str, VoiceFileSeed] = Field(default_factory=dict)
    redirects: dict[str, RedirectSeed] = Field(default_factory=dict)
    premedia: dict[str, PremediaSeed] = Field(default_factory=dict)
    blacklists: dict[int, dict[str, list[str]]] = Field(
        default_factory=dict, description="ListID -> B-number -> A-numbers")
    active_blacklist: int = Field(0, ge=0, le=2)
    recording: RecordingSeed = Field(default_factory=RecordingSeed)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    errors_as_200: bool = Field(False, description="send 4.19 error bodies with HTTP 200 (clients that read only the body)")
    history: HistorySettings = Field(default_factory=lambda: HistorySettings(days=7, calls_per_day=12))

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: list[str]) -> list[str]:
        for number in value:
            if not is_phone(number) or len(canonical(number)) != 11:
                raise ValueError(f"{number!r} is not a Russian 11-digit number")
        return value

    @field_validator("blacklists")
    @classmethod
    def _lists(cls, value: dict[int, dict[str, list[str]]]) -> dict[int, dict[str, list[str]]]:
        for list_id in value:
            if list_id not in (0, 1, 2):
                raise ValueError("ListID must be 0, 1 or 2")
        return value


class BeelineWorld(StrictModel):
    spn: SpnSettings = Field(default_factory=SpnSettings)
    tenants: dict[str, BeelineTenant] = Field(default_factory=dict)
