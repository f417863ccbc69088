"""The two bases of the VPBX models: requests ignore unknown fields as the portal's JSON
binding does; answers are exact."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")
