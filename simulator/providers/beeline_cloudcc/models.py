"""Pydantic models of part 1 (the online XML messages), named after the document's entities, with its
exact field names. Part 2's JSON commands are validated by hand in commands/ (each field has its own
4.19 error code) and described by the JSON Schemas in contracts/beeline-cloudcc/schemas/."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

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
