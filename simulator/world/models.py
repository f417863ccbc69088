"""The world file's core models. Each provider contributes the model of its own section
(``providers.<slug>``) through the registry, so adding a provider never touches this file."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine.behaviour import PartyBehaviour


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class ClockSettings(StrictModel):
    start: datetime = Field(
        datetime.fromisoformat("2026-11-23T09:00:00+03:00"),
        description="simulated time at start and after every reset")
    mode: Literal["real", "accelerated", "manual"] = "real"
    speed: float = Field(1.0, gt=0)


class CallbackSettings(StrictModel):
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="host names (fnmatch patterns) callbacks may target besides loopback")
    timeout: float = Field(5.0, gt=0, le=3600, description="network timeout of one callback attempt, s")


class Parties(StrictModel):
    """Behaviour of the people behind numbers that no tenant owns (callers, customers)."""

    default: PartyBehaviour = Field(default_factory=lambda: PartyBehaviour(answer_after=3, hangup_after=60))
    numbers: dict[str, PartyBehaviour] = Field(
        default_factory=dict, description="behaviour per phone number (any format)")


class HistorySettings(StrictModel):
    """How much call history a tenant has before the simulator starts."""

    days: int = Field(7, ge=0, le=366)
    calls_per_day: int = Field(20, ge=0, le=10_000)


class ConformanceSettings(StrictModel):
    strict: bool = Field(
        False, description="flag every request that breaks the provider's documented format in the journal "
                           "(answered as usual); GET /_sim/journal?flagged=1 lists them")


class WorldBase(StrictModel):
    name: str = "world"
    seed: int = 1
    clock: ClockSettings = Field(default_factory=ClockSettings)
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    parties: Parties = Field(default_factory=Parties)
    conformance: ConformanceSettings = Field(default_factory=ConformanceSettings)
