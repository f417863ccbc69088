"""Pydantic models named after the document's entities, with its exact field names."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

# --------------------------------------------------------------------------- online (XML)


class _Xml(BaseModel):
    # 1.10: future versions add parameters, so unknown attributes are ignored.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class InitCall(_Xml):
    """2.1: CS asks SPN to call side 0 (operator) and then side 1 (subscriber)."""

    request_id: str = ""
    A0: str = ""
    B0: str = ""
    A1: str = ""
    B1: str = ""
    F0: str = ""
    F1: str = ""
    REC: str = "0"
    AddPar: str = ""


class AnnCall(_Xml):
    """2.2: call B0, speak the text (AddPar), wait for ``btn``, then call B1."""

    request_id: str = ""
    A0: str = ""
    B0: str = ""
    A1: str = ""
    B1: str = ""
    btn: str = ""
    AddPar: str = ""


class Info(_Xml):
    """2.1 / 2.2 answer."""

    request_id: str = ""
    ScriptID: str = ""
    HostID: str = ""
    SysID: str = ""
    AddPar: str = ""


CallState = Literal["CALLING", "CONNECTED", "FAILED", "SUCCESS", ""]


class CallStatus(_Xml):
    """2.3: SPN -> CS on every state change; root element ``callStatus``."""

    request_id: str = ""
    b0_state: CallState = ""
    b1_state: CallState = ""
    Reason: str = ""
    TimeStamp: str = ""
    CallDuration: int = 0
    ScriptID: str = ""
    HostID: str = ""
    SysID: str = ""
    AddPar: str = ""


class AgentRequest(_Xml):
    """2.4: SPN -> CS for an inbound call: where to route it."""

    ScriptID: str = ""
    HostID: str = ""
    SysID: str = ""
    A1: str = ""
    B1: str = ""
    AddPar: str = ""


class AgentInfo(_Xml):
    """2.4 answer and 2.5 request.  ``None`` means the attribute was absent (2.4.5 fallbacks)."""

    request_id: str = ""
    A0: str = ""
    B0: Optional[str] = None
    ScriptID: str = ""
    HostID: str = ""
    F0: Optional[str] = None
    F1: Optional[str] = None
    REC: Optional[str] = None
    AddPar: str = ""

    @property
    def wants_wait(self) -> bool:
        """2.4.2: request_id, A0 and B0 all empty -> SPN waits for a 2.5 AgentInfo."""
        return not self.request_id and not self.A0 and not self.B0

    @property
    def rejects(self) -> bool:
        """2.4.4: an empty B0 rejects the call."""
        return not self.B0 and not self.wants_wait


# --------------------------------------------------------------------------- offline (JSON)


class _Json(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorAnswer(_Json):
    """4.19 error structure."""

    STATUS: Literal["ERROR"] = "ERROR"
    AUXCODE: str = ""
    COMMAND: str = ""
    ERR_CODE: str
    ERR_DESCRIPTION: str


class OkAnswer(_Json):
    """Answer of the configuration commands, for which the document shows only ``200 OK``."""

    STATUS: Literal["OK"] = "OK"
    COMMAND: str


class Redirection(_Json):
    """One REDIRECT ConfData element / RLIST answer element (4.1, 4.2)."""

    BNumber: str
    RNumber: str
    ANumber: Optional[str] = None
    RuleID: Optional[int] = None


class PreMedia(_Json):
    """One PREMEDIA ConfData element / MLIST answer element (4.4, 4.5)."""

    BNumber: str
    FileA: str = ""
    FileB: str = ""


class BlackListEntry(_Json):
    """SETBLIST / DELBLIST 4.7.1 element and LBLIST answer element (4.6, 4.7, 4.9)."""

    BNumber: list[str]
    ANumber: list[str] = Field(default_factory=list)
    ListID: int = 0


class CdrInterval(_Json):
    """REQCDR 4.13.1 element."""

    BNumber: list[str]
    DateFrom: str
    DateTo: str


class CdrStatus(_Json):
    """STATCDR answer ConfData (4.14); URL only when READY."""

    CDRID: str
    STATUS: Literal["NOT READY", "READY", "EXPIRED"]
    URL: Optional[str] = None


class VoiceFile(_Json):
    """LVFILES answer element (4.17).  Both the document's ``PENDNIG`` and ``PENDING`` are sent."""

    filename: str
    Comment: str = ""
    DT: str
    BNumber: list[str] = Field(default_factory=list)
    PENDNIG: Literal["YES", "NO"]
    PENDING: Literal["YES", "NO"]
    URL: str


class ConfDataAnswer(_Json):
    """Every answer with data is ``{"ConfData": ...}``."""

    ConfData: object


class CdrIdAnswer(_Json):
    CDRID: str
