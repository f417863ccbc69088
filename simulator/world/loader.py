"""Loading and validating world files; errors name the file, the field path and the problem."""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ..providers.registry import discover
from .models import WorldBase

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in

#: shipped inside the package (package data), so a non-editable install finds it too
DEFAULT_WORLD = Path(__file__).resolve().with_name("default.yaml")


class WorldError(Exception):
    """A world file or patch that cannot be used; ``str()`` is the one-line message."""


def field_name(slug: str) -> str:
    return slug.replace("-", "_")


@lru_cache(maxsize=1)
def world_model() -> type[WorldBase]:
    """The world model: the core's fields plus each registered provider's section."""
    fields: dict[str, Any] = {}
    for slug, cls in discover().items():
        if cls.section_model is not None:
            fields[field_name(slug)] = (cls.section_model | None, Field(None, alias=slug))
    providers = create_model(
        "Providers", __config__=ConfigDict(extra="forbid", populate_by_name=True), **fields)
    return create_model(
        "World", __base__=WorldBase,
        providers=(providers, Field(default_factory=providers,
                                    description="one section per provider slug")))


def describe_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        parts.append(f"{loc}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def validate_world(raw: Any, source: str = "<world>") -> BaseModel:
    if not isinstance(raw, dict):
        raise WorldError(f"{source}: (top): the world must be a mapping, not {type(raw).__name__}")
    try:
        return world_model().model_validate(copy.deepcopy(raw))
    except ValidationError as exc:
        raise WorldError(f"{source}: {describe_errors(exc)}") from None


def read_world_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorldError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        raw = yaml.load(text, Loader=_Loader) if path.suffix != ".json" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WorldError(f"{path}: not valid YAML{where}: {problem}") from None
    if raw is None:  # an empty file (or only comments) is a mistake, not the default world
        raise WorldError(f"{path}: the file is empty; a world is a mapping "
                         "(see `telsim world schema`, or leave --world out for the default world)")
    return raw


def load_world(path: str | Path | None = None, seed: int | None = None) -> tuple[dict, BaseModel]:
    """Read and validate a world file (the default world when ``path`` is None)."""
    path = Path(path) if path else DEFAULT_WORLD
    raw = read_world_file(path)
    if seed is not None and isinstance(raw, dict):
        raw["seed"] = seed
    return raw, validate_world(raw, str(path))


def world_schema() -> dict:
    schema = world_model().model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://telsim.local/contracts/world.schema.json"
    schema["title"] = "telsim world file"
    return schema
