"""The world: core settings plus one section per provider. Importing this package imports
no provider: the provider sections are given (``sections={slug: model}``) or, by default,
read from the registry when a world is validated. Nor pydantic: the models (models.py) are
imported by the first world validated."""
from .fake import faker_for, rng_for, stable_seed
from .loader import (DEFAULT_WORLD, Sections, WorldError, load_world, read_world_file, registered_sections,
                     validate_world, world_model, world_schema)
from .store import WorldStore, merge_patch

__all__ = ["faker_for", "rng_for", "stable_seed", "DEFAULT_WORLD", "Sections", "WorldError", "load_world",
           "read_world_file", "registered_sections", "validate_world", "world_model", "world_schema",
           "HistorySettings", "StrictModel", "WorldStore", "merge_patch", "MapDiff", "changed_fields",
           "map_diff", "section_diff"]


def __getattr__(name: str):
    # imported by the first provider or world that needs them, not at start-up: the models
    # (pydantic) and the diff helpers of ``world_changed``
    if name in ("HistorySettings", "StrictModel"):
        from . import models

        return getattr(models, name)
    if name in ("MapDiff", "changed_fields", "map_diff", "section_diff"):
        from . import diff

        return getattr(diff, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
