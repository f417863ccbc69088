"""Pydantic models of the document's entities: UN (универсальный номер), DN (номер назначения), CDR.

Field order is the order of the document's JSON samples; the REST renderer dumps models as they are.
Input (PUT /api/v1/un) is validated by ``UNUpdate`` / ``DNInput``; see validators.py for the rules.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field


class DN(BaseModel):
    """Номер назначения. ``ext`` (короткий номер) is null for ordinary DNs."""

    model_config = ConfigDict(extra="forbid")

    begin: str = "00:00:00"
    channels: int = 1
    day: int = 0
    end: str = "23:59:59"
    ext: Optional[str] = None
    locked: bool = False
    phone: str
    priority: int = 0
    record: bool = False


class UN(BaseModel):
    """Универсальный номер with every field of the document, in the document's order."""

    model_config = ConfigDict(extra="forbid")

    ab_ext_enabled: bool = False
    conf_email: str = ""
    description: str = ""
    dn_list: list[DN] = Field(default_factory=list)
    menu_allowed: bool = False
    make_call_time: int = 30
    need_begin_ivr: bool = False
    enabled: bool = True
    ext_queue: bool = False
    fax_email: str = ""
    max_queue_time: int = 20
    need_advert: bool = False
    need_record: bool = False
    op_ext_enabled: bool = False
    phone: str
    say_ani: bool = False
    say_tone: bool = False
    time_zone: int = 0
    updated_by: str = ""
    updated_on: str = ""
    voice_email: str = ""


class CDR(BaseModel):
    """One call detail record as the API returns it."""

    model_config = ConfigDict(extra="forbid")

    an: str
    duration: int
    id: int
    log: str
    seqid: int
    start_time: str
    talk_duration: int
    un: str


class Envelope(BaseModel):
    """``{"value": ..., "status_code": int, "status_msg": "OK" | error}`` (+ ``links`` on CDR pages)."""

    status_code: int
    status_msg: str
    links: Optional[dict[str, str]] = None
    value: Any = None


# UN fields a client may change with PUT (updated_by / updated_on are set by the service).
UN_WRITABLE_FIELDS = (
    "ab_ext_enabled",
    "conf_email",
    "description",
    "dn_list",
    "menu_allowed",
    "make_call_time",
    "need_begin_ivr",
    "enabled",
    "ext_queue",
    "fax_email",
    "max_queue_time",
    "need_advert",
    "need_record",
    "op_ext_enabled",
    "say_ani",
    "say_tone",
    "time_zone",
    "voice_email",
)

UN_BOOL_FIELDS = (
    "ab_ext_enabled",
    "menu_allowed",
    "need_begin_ivr",
    "enabled",
    "ext_queue",
    "need_advert",
    "need_record",
    "op_ext_enabled",
    "say_ani",
    "say_tone",
)

UN_EMAIL_FIELDS = ("conf_email", "fax_email", "voice_email")
