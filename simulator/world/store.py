"""The live world: validated, patchable with a JSON merge patch, resettable exactly."""
from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from .loader import Sections, WorldError, validate_world


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
        new = validate_world(merge_patch(self.dump(), patch), "PATCH /_sim/world", self.sections)
        old, self.world = self.world, new
        return old, new
