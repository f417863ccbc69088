"""The call a test, a scenario or a person starts (POST /_sim/calls, ``Simulator.start_call``)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat

from ..engine.behaviour import PartyBehaviour


class CallRequest(BaseModel):
    """A call started by a test, a scenario or a person (POST /_sim/calls), handed to
    :meth:`Provider.start_call`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    provider: str
    direction: str = Field("inbound", pattern="^(inbound|outbound|internal)$")
    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    tenant: str | None = None
    caller: PartyBehaviour | None = Field(None, description="behaviour of the calling party")
    script: dict[str, PartyBehaviour] = Field(default_factory=dict,
                                              description="behaviour per dialled number")
    record: StrictBool = False
    timeout: StrictFloat | None = Field(None, gt=0)
    meta: dict[str, Any] = Field(default_factory=dict)
    allow_unknown: StrictBool = Field(False, description="place the call even when no tenant owns the "
                                "number (a call into nowhere); refused with 422 otherwise")
