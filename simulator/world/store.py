"""The live world: validated, patchable with a JSON merge patch, resettable exactly."""
from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from .loader import Sections, WorldError, validate_world
from .models import MAX_PARTY_NUMBERS


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


MAX_PATCH_VALUES = 100_000  # values (objects, arrays, scalars) in one PATCH body


def check_patch_size(patch: Any) -> None:
    """Refuse a patch too large to merge and validate on the loop, before any of that work:
    ``parties.numbers`` by its documented bound, any other patch by counting its values (the count
    stops at the bound, so a 200k-entry patch costs one walk of 100k values, ~0.1 s)."""
    parties = patch.get("parties") if isinstance(patch, dict) else None
    numbers = parties.get("numbers") if isinstance(parties, dict) else None
    if isinstance(numbers, dict) and len(numbers) > MAX_PARTY_NUMBERS:
        raise WorldError(f"PATCH /_sim/world: parties.numbers: at most {MAX_PARTY_NUMBERS} numbers, "
                         f"got {len(numbers)}")
    seen, stack = 0, [patch]
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_PATCH_VALUES:
            raise WorldError(f"PATCH /_sim/world: (top): a patch holds at most {MAX_PATCH_VALUES} values")
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


class WorldStore:
    def __init__(self, raw: dict, source: str = "<world>", model: BaseModel | None = None,
                 sections: Sections | None = None):
        self.source = source
        self.sections = sections
        self.world = model if model is not None else validate_world(raw, source, sections)
        self._initial = self.world.model_copy(deep=True)

    def reset(self) -> None:
        self.world = self._initial.model_copy(deep=True)

    def dump(self) -> dict:
        return self.world.model_dump(mode="json", by_alias=True)

    def patch(self, patch: dict) -> tuple[BaseModel, BaseModel]:
        if not isinstance(patch, dict):
            raise WorldError("PATCH body: (top): a JSON merge patch object is required")
        check_patch_size(patch)
        new = validate_world(merge_patch(self.dump(), patch), "PATCH /_sim/world", self.sections)
        old, self.world = self.world, new
        return old, new
