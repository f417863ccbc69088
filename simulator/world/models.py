"""The world file's core models. Each provider contributes the model of its own section
(``providers.<slug>``) through the registry, so adding a provider never touches this file."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, field_validator

from ..engine.behaviour import PartyBehaviour
from ..limits import counted_first

CALLBACK_TIMEOUT = 5.0         # real and accelerated clocks: a receiver on another host
MANUAL_CALLBACK_TIMEOUT = 1.0  # manual clock or an advance: a test's loopback receiver, and a
#                                stalled one costs an advance 1 s per attempt, not 5
MAX_PARTY_NUMBERS = 10_000  # parties.numbers: a test scripts a few; a city's worth is a mistake


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class ClockSettings(StrictModel):
    start: datetime = Field(
        datetime.fromisoformat("2026-11-23T09:00:00+03:00"),
        description="simulated time at start and after every reset")
    mode: Literal["real", "accelerated", "manual"] = "real"
    speed: StrictFloat = Field(1.0, gt=0)


class CallbackSettings(StrictModel):
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="host names (fnmatch patterns) callbacks may target besides loopback")
    timeout: StrictFloat | None = Field(
        None, gt=0, le=3600,
        description=f"network timeout of one callback attempt, wall s; null: {CALLBACK_TIMEOUT:g} s, "
                    f"{MANUAL_CALLBACK_TIMEOUT:g} s while the clock is manual or advancing")
    connections: StrictInt = Field(
        8, ge=1, le=64,
        description="callbacks in flight at once per target (scheme, host, port), one per call: a "
                    "call's callbacks arrive in order, other calls' go meanwhile; 1: every callback "
                    "to a target waits for the one before it")

    def attempt_timeout(self, clock_mode: str, advancing: bool) -> float:
        """The wall seconds one attempt may wait: what an advance costs per unanswered attempt."""
        if self.timeout is not None:
            return self.timeout
        return MANUAL_CALLBACK_TIMEOUT if clock_mode == "manual" or advancing else CALLBACK_TIMEOUT


class Parties(StrictModel):
    """Behaviour of the people behind numbers that no tenant owns (callers, customers)."""

    default: PartyBehaviour = Field(default_factory=lambda: PartyBehaviour(answer_after=3, hangup_after=60))
    numbers: dict[str, PartyBehaviour] = Field(
        default_factory=dict, max_length=MAX_PARTY_NUMBERS,
        description=f"behaviour per phone number (any format), at most {MAX_PARTY_NUMBERS}")

    @field_validator("numbers", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        return counted_first(value, MAX_PARTY_NUMBERS, "at most {limit} numbers, got {n}", dict)


class HistorySettings(StrictModel):
    """How much call history a tenant has before the simulator starts."""

    days: StrictInt = Field(7, ge=0, le=366)
    calls_per_day: StrictInt = Field(20, ge=0, le=10_000)


class ConformanceSettings(StrictModel):
    strict: StrictBool = Field(
        False, description="flag every request that breaks the provider's documented format in the journal "
                           "(answered as usual); GET /_sim/journal?flagged=1 lists them")


class WorldBase(StrictModel):
    name: str = "world"
    seed: StrictInt = 1
    clock: ClockSettings = Field(default_factory=ClockSettings)
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    parties: Parties = Field(default_factory=Parties)
    conformance: ConformanceSettings = Field(default_factory=ConformanceSettings)
