"""The world: core settings plus one section per provider. Importing this package imports
no provider: the provider sections are given (``sections={slug: model}``) or, by default,
read from the registry when a world is validated."""
from .diff import MapDiff, changed_fields, map_diff, section_diff
from .fake import faker_for, rng_for, stable_seed
from .loader import (DEFAULT_WORLD, Sections, WorldError, load_world, read_world_file, registered_sections,
                     validate_world, world_model, world_schema)
from .models import HistorySettings, StrictModel
from .store import WorldStore, merge_patch

__all__ = ["faker_for", "rng_for", "stable_seed", "DEFAULT_WORLD", "Sections", "WorldError", "load_world",
           "read_world_file", "registered_sections", "validate_world", "world_model", "world_schema",
           "HistorySettings", "StrictModel", "WorldStore", "merge_patch", "MapDiff", "changed_fields",
           "map_diff", "section_diff"]
