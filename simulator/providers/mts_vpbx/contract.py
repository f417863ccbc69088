"""The portal's contract for the core's checker (simulator/conformance/): contracts/mts-vpbx/openapi.yaml
for every answer and event, unknown routes answered with the Spring error body, and the events'
documented value lists (state, callDirection) checked by the Event model as well."""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from ...conformance import Contract, ContractViolation
from .catalogue import CATALOGUE
from .models import Event


def event_values(entry: Any) -> None:
    data = entry.to_json()
    if entry.direction != "out" or not data["request_body"] or data["request_body"].endswith("…"):
        return
    try:
        Event.model_validate(json.loads(data["request_body"]))
    except (ValueError, ValidationError) as exc:
        raise ContractViolation(f"event {entry.operation}: {exc}") from None


def portal_contract() -> Contract:
    return Contract.from_files("mts-vpbx", catalogue=CATALOGUE, options={"rest": {"unknown_route_schema": "ErrorBody"}},
                               checks=(event_values,))
