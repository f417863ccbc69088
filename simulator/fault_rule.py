"""A fault rule (POST /_sim/faults): which provider requests it matches and what it does
instead of the provider (simulator/faults.py applies them)."""
from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, field_validator, model_validator

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token
_HEADER_VALUE = re.compile(r"^[^\x00-\x08\x0a-\x1f\x7f]*$")  # no control characters but tab
_READ_ONLY = {"readOnly": True}


class FaultRule(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: StrictInt | None = Field(None, json_schema_extra=_READ_ONLY)
    provider: str | None = Field(None, description="provider slug; none = every provider")
    method: str = Field("*", description="HTTP method or *")
    path: str = Field("*", description="glob on the path inside the provider, e.g. /api/*")
    action: Literal["delay", "respond", "drop", "native"]
    delay: StrictFloat = Field(0, ge=0, description="simulated seconds (action delay)")
    status: StrictInt = Field(500, ge=200, le=599)
    body: Any = None
    content_type: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    native: str | None = Field(None, pattern=r"^[45][0-9][0-9]",
                               description="provider error code rendered natively (action native); "
                               "starts with its HTTP status, e.g. 503 or 500.1")
    times: StrictInt | None = Field(None, ge=1, description="apply to the next N matches only")
    probability: StrictFloat | None = Field(None, gt=0, le=1)
    hits: StrictInt = Field(0, json_schema_extra=_READ_ONLY)

    @field_validator("headers")
    @classmethod
    def _valid_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _HEADER_NAME.match(name) or not _HEADER_VALUE.match(value):
                raise ValueError(f"not a valid HTTP header: {name!r}: {value!r}")
        return headers

    @field_validator("content_type")
    @classmethod
    def _valid_content_type(cls, value: str | None) -> str | None:
        if value is not None and not _HEADER_VALUE.match(value):
            raise ValueError("control characters in content_type")
        return value

    @model_validator(mode="after")
    def _check(self):
        if self.action == "native" and not self.provider:
            raise ValueError("a native fault needs a provider")
        return self
