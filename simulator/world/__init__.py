from .fake import faker_for, rng_for, stable_seed
from .loader import DEFAULT_WORLD, WorldError, load_world, read_world_file, validate_world, world_model, world_schema
from .models import HistorySettings, StrictModel
from .store import WorldStore, merge_patch

__all__ = ["faker_for", "rng_for", "stable_seed", "DEFAULT_WORLD", "WorldError", "load_world", "read_world_file",
           "validate_world", "world_model", "world_schema", "HistorySettings", "StrictModel",
           "WorldStore", "merge_patch"]
