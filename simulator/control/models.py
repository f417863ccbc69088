"""The control API's request bodies that are not another module's model (a call is
``CallRequest``, a fault ``FaultRule``). Imported by the first request that has one."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, model_validator


class ClockCommand(BaseModel):
    """POST /_sim/clock: a mode and/or speed change, then an optional advance."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    # strict: JSON true/false and "30" are mistakes, not 1, 0 and 30 seconds
    advance: StrictFloat | None = Field(None, ge=0, le=10 * 365 * 86400, description="simulated seconds")
    speed: StrictFloat | None = Field(None, gt=0, le=1_000_000,
                                description="1 = real time; other values switch to accelerated")
    mode: Literal["real", "accelerated", "manual"] | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.advance is None and self.speed is None and self.mode is None:
            raise ValueError("give advance, speed or mode")
        if self.mode == "real" and self.speed not in (None, 1):
            raise ValueError("real mode runs at speed 1")
        return self
