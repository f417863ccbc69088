"""How a simulated party behaves when its number is dialled (the world's ``parties``, a call's
script). Pydantic models: imported by the first call or world that needs them, not at start-up
(the engine itself needs only :mod:`.causes`)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, field_validator

from .causes import Cause  # noqa: F401  (importable from here as it always was)


class DtmfPress(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    at: StrictFloat = Field(ge=0, description="seconds after the party's leg is answered")
    digits: str = Field(pattern=r"^[0-9*#A-D]+$")


class HoldPeriod(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    at: StrictFloat = Field(ge=0, description="seconds after answer when the party puts the call on hold")
    duration: StrictFloat = Field(gt=0)


class PartyBehaviour(BaseModel):
    """What the party behind a number does. The first matching outcome wins:
    unassigned, unavailable, busy, reject, answer_after, no_answer."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    answer_after: StrictFloat | None = Field(None, ge=0, description="ring this many seconds, then answer")
    busy: StrictBool = False
    no_answer: StrictFloat | None = Field(
        None, ge=0, description="ring this many seconds, then the network gives up (cause 19); "
        "0 rings until the caller or the dialler gives up")
    unavailable: StrictBool = Field(False, description="phone off or out of coverage (cause 20)")
    unassigned: StrictBool = Field(False, description="number does not exist (cause 1)")
    reject: StrictFloat | None = Field(None, ge=0, description="ring this many seconds, then reject (cause 21)")
    dtmf: list[DtmfPress] = Field(default_factory=list)
    hangup_after: StrictFloat | None = Field(None, gt=0, description="hang up this many seconds after answer")
    give_up_after: StrictFloat | None = Field(
        None, gt=0, description="as a caller: hang up if not connected this many seconds after dialling")
    hold: list[HoldPeriod] = Field(default_factory=list)

    @field_validator("dtmf", mode="before")
    @classmethod
    def _dtmf_shorthand(cls, value):
        # "dtmf: '2'" means press 2 one second after answer
        if isinstance(value, str):
            return [{"at": 1, "digits": value}]
        return value

    def outcome(self) -> str:
        if self.unassigned:
            return "unassigned"
        if self.unavailable:
            return "unavailable"
        if self.busy:
            return "busy"
        if self.reject is not None:
            return "reject"
        if self.answer_after is not None:
            return "answer"
        return "no_answer"


DEFAULT_BEHAVIOUR = PartyBehaviour(answer_after=3, hangup_after=60)
