"""The document's entities as pydantic models: request parameters of §10.2–§10.3, the
answers of §8–§9, and the parts of a call notification (§10.1)."""
from __future__ import annotations

from typing import Any, Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from ...limits import counted_first

_STRICT = ConfigDict(extra="forbid", populate_by_name=True)
#: a number or SIP ID as a client writes it (§6.4: passed on as given): digits, optional leading +
DIALLED = r"^\+?[0-9]{2,20}$"


def trim_keys(value: Any) -> Any:
    """Keys with surrounding spaces (§10.3.3 writes ``" calleid "``) as their trimmed names.
    A body with none (the usual one) is given back as it is, not copied."""
    return _trimmed(value) if _untrimmed(value) else value


def _untrimmed(value: Any) -> bool:
    if isinstance(value, dict):
        for key, item in value.items():
            if (isinstance(key, str) and key != key.strip()) or \
                    (isinstance(item, (dict, list)) and _untrimmed(item)):
                return True
        return False
    if isinstance(value, list):
        return any(isinstance(v, (dict, list)) and _untrimmed(v) for v in value)
    return False


def _trimmed(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = key.strip() if isinstance(key, str) else key
            trimmed = _trimmed(item)
            if name in out and out[name] != trimmed:
                raise ValueError(f"{name!r} is given twice with different values")
            out[name] = trimmed
        return out
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    return value


# ----------------------------------------------------------------- requests
class CallRef(BaseModel):
    """callInfo/call as a command names it: the leg's Call-ID and tag (§10.3.2)."""

    model_config = _STRICT
    id: str = Field(min_length=1, max_length=512)
    tag: Optional[str] = Field(None, max_length=512)


MAX_PARKING_NUMBERS = 1000


class SetParkingNumbersParams(BaseModel):
    """§10.2 params."""

    model_config = _STRICT
    numbers: list[str] = Field(min_length=1, max_length=MAX_PARKING_NUMBERS)
    isParking: bool

    @field_validator("numbers", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        return counted_first(value, MAX_PARKING_NUMBERS, "List should have at most {limit} items, not {n}")

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, value: list[str]) -> list[str]:
        for number in value:
            if not number.strip():
                raise ValueError("a number is empty")
        return value


class MakeCallParams(BaseModel):
    """§10.3.1 params: ``calleid`` (sic; ``calleeId`` is accepted too) and ``callerId``."""

    model_config = _STRICT
    calleid: str = Field(pattern=DIALLED, validation_alias=AliasChoices("calleid", "calleeId"))
    callerId: str = Field(min_length=1, max_length=64)


class TerminateCallParams(BaseModel):
    """§10.3.2 params."""

    model_config = _STRICT
    call: CallRef
    transportId: str = Field(min_length=1, max_length=128)


class TransferCallParams(BaseModel):
    """§10.3.3 params (``" calleid "`` with spaces as the example writes it is trimmed)."""

    model_config = _STRICT
    call: CallRef
    calleid: str = Field(pattern=DIALLED, validation_alias=AliasChoices("calleid", "calleeId"))
    transportId: str = Field(min_length=1, max_length=128)


# ------------------------------------------------------------------ answers
class TokenResponse(BaseModel):
    """§8.2 / §8.3 answer."""

    access_token: str
    expires_in: int
    refresh_token: str
    scope: str
    token_type: str = "Bearer"


class ExternalNumberInfo(BaseModel):
    """numbersList item (§9.1)."""

    number: str
    type: Optional[str] = None


class WorkplaceInfo(BaseModel):
    """workplacesList item (§9.2)."""

    workplace: str
    name: str


class TerminalInfo(BaseModel):
    """terminals_list item (§9.3; the table's ``terminale`` is ``terminal`` in the example)."""

    terminal: str
    workplace: str


# ------------------------------------------------------------ notifications
class Forwarder(BaseModel):
    """forwarderList item: ``{"id": ...}`` (§10.1.7)."""

    id: str


class Party(BaseModel):
    """callInfo/caller and callInfo/callee (§10.1). Absent fields are left out of the JSON;
    ``display_name`` / ``extensionId`` are the spellings of the finished example (§10.1.7)."""

    model_config = ConfigDict(populate_by_name=True)
    accountId: Optional[str] = None
    centrexId: Optional[str] = None
    displayId: str
    displayName: Optional[str] = None
    display_name: Optional[str] = None
    extensionId: Optional[str] = None
    forwarderList: list[Forwarder] = Field(default_factory=list)
    id: str

    def wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
