"""The live world: validated, patchable with a JSON merge patch, resettable exactly."""
from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .loader import Sections, WorldError, field_name, validate_section, validate_world

if TYPE_CHECKING:
    from pydantic import BaseModel


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
    from .models import MAX_PARTY_NUMBERS

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


_BUILDING = threading.Lock()


class WorldStore:
    """``model``: the validated world, or a function that validates it on first use (the
    default world, whose snapshot proves it is the file the tests validate: no pydantic before
    the first answer). ``deferred``: {slug: the section's model, loaded when called} for the
    sections ``model`` holds as written (fields typed ``Any``: the default world again); each is
    validated on first use (:meth:`section`), and all of them before the world is dumped or
    patched. ``sections`` then gives the full models on call."""

    def __init__(self, raw: dict, source: str = "<world>",
                 model: "BaseModel | Callable[[], BaseModel] | None" = None,
                 sections: "Sections | Callable[[], Sections] | None" = None,
                 deferred: Mapping[str, Callable[[], type[BaseModel]]] | None = None):
        self.source = source
        self._sections = sections
        self.deferred = {field_name(slug): (slug, load) for slug, load in (deferred or {}).items()}
        self._build: Callable[[], BaseModel] | None = model if callable(model) else None
        #: False while a world validated on first use was not used yet
        self.built = self._build is None
        if self.built:
            self.world = model if model is not None else validate_world(raw, source, self.sections)
            self._initial = self.world.model_copy(deep=True)

    def __getattr__(self, name: str) -> Any:
        # ``world`` and ``_initial`` of a world validated on first use: built here once, then
        # plain attributes (the request and callback paths read ``world`` with no extra call)
        if name not in ("world", "_initial") or self.__dict__.get("_build") is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with _BUILDING:  # a sync test's thread and the simulator's loop may both be first
            if self._build is not None:
                world = self._build()
                self.world, self._initial, self._build = world, world.model_copy(deep=True), None
                self.built = True
        return getattr(self, name)

    @property
    def sections(self) -> Sections | None:
        if callable(self._sections):
            self._sections = self._sections()
        return self._sections

    def section(self, field: str) -> Any:
        """The live world's ``providers.<field>`` (validated now if it was deferred)."""
        if field in self.deferred:
            self._validate(field)
        return getattr(self.world.providers, field, None)

    def _validate(self, field: str) -> None:
        # deferred sections are as written in both the live world (unpatched since the reset:
        # a patch validates them all first) and the initial one
        slug, load = self.deferred[field]
        section = validate_section(getattr(self._initial.providers, field), load(), slug, self.source)
        setattr(self._initial.providers, field, section)
        setattr(self.world.providers, field, section.model_copy(deep=True) if section is not None else None)
        del self.deferred[field]

    def validate_deferred(self) -> None:
        for field in list(self.deferred):
            self._validate(field)

    def reset(self) -> None:
        if self.built:  # else never built, so never read or patched: as it started
            self.world = self._initial.model_copy(deep=True)

    def dump(self) -> dict:
        self.validate_deferred()
        return self.world.model_dump(mode="json", by_alias=True)

    def patch(self, patch: dict) -> tuple[BaseModel, BaseModel]:
        if not isinstance(patch, dict):
            raise WorldError("PATCH body: (top): a JSON merge patch object is required")
        check_patch_size(patch)
        new = validate_world(merge_patch(self.dump(), patch), "PATCH /_sim/world", self.sections)
        old, self.world = self.world, new
        return old, new
