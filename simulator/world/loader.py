"""Loading and validating world files; errors name the file, the field path and the problem."""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

if TYPE_CHECKING:  # pydantic and the models are imported by the first world validated, not at start-up
    from pydantic import BaseModel, ValidationError

    from .models import WorldBase

#: the world's provider sections: {slug: the pydantic model of ``providers.<slug>``}; ``Any`` for
#: a section kept as written and validated on first use (WorldStore's ``deferred``)
Sections = Mapping[str, "type[BaseModel] | Any | None"]

#: shipped inside the package (package data), so a non-editable install finds it too
DEFAULT_WORLD = Path(__file__).resolve().with_name("default.yaml")


class WorldError(Exception):
    """A world file or patch that cannot be used; ``str()`` is the one-line message."""


def field_name(slug: str) -> str:
    return slug.replace("-", "_")


def registered_sections() -> dict[str, "type[BaseModel] | None"]:
    """The sections of every registered provider (imports their section modules): the
    default of the functions below when no ``sections`` are given."""
    from ..providers.registry import section_models

    return section_models()


def world_model(sections: Sections | None = None) -> type[WorldBase]:
    """The world model: the core's fields plus one optional field per provider section given
    (by default every registered provider's). Built once per set of sections."""
    if sections is None:
        sections = registered_sections()
    return _world_model(tuple(sorted((slug, model) for slug, model in sections.items()
                                     if model is not None)))


@lru_cache(maxsize=16)
def _world_model(sections: tuple[tuple[str, type[BaseModel]], ...]) -> type[WorldBase]:
    from pydantic import ConfigDict, Field, create_model

    from .models import WorldBase

    fields: dict[str, Any] = {}
    for slug, model in sections:
        fields[field_name(slug)] = (Any if model is Any else model | None, Field(None, alias=slug))
    providers = create_model(
        "Providers", __config__=ConfigDict(extra="forbid", populate_by_name=True), **fields)
    return create_model(
        "World", __base__=WorldBase,
        providers=(providers, Field(default_factory=providers,
                                    description="one section per provider slug")))


def describe_errors(exc: ValidationError, prefix: tuple = ()) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in (*prefix, *err["loc"])) or "(top)"
        parts.append(f"{loc}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def validate_world(raw: Any, source: str = "<world>", sections: Sections | None = None) -> BaseModel:
    """The world ``raw`` validated against the core's model and ``sections``."""
    if not isinstance(raw, dict):
        raise WorldError(f"{source}: (top): the world must be a mapping, not {type(raw).__name__}")
    model = world_model(sections)
    from pydantic import ValidationError

    try:
        return model.model_validate(copy.deepcopy(raw))
    except ValidationError as exc:
        raise WorldError(f"{source}: {describe_errors(exc)}") from None


def read_world_file(path: str | Path) -> dict:
    path = Path(path)
    if path == DEFAULT_WORLD:
        raw = _default_world_snapshot()
        if raw is not None:
            return raw
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorldError(f"{path}: cannot read: {exc.strerror or exc}") from None
    import yaml  # 20 ms of imports at start-up: the default world comes from its snapshot

    try:
        raw = (yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when built in
               if path.suffix != ".json" else json.loads(text))
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise WorldError(f"{path}: not valid YAML{where}: {problem}") from None
    if raw is None:  # an empty file (or only comments) is a mistake, not the default world
        raise WorldError(f"{path}: the file is empty; a world is a mapping "
                         "(see `telsim world schema`, or leave --world out for the default world)")
    return raw


def proven_default_world() -> dict | None:
    """The default world's data when its snapshot proves it is exactly ``default.yaml`` as it is
    now (a world the test suite validates); None: read and validate it like any other file."""
    return _default_world_snapshot()


class CoreSettings(NamedTuple):
    """What a simulator needs of the world to start: the clock's start (epoch seconds), mode
    and speed, the seed, and ``conformance.strict``."""

    start: float
    mode: str
    speed: float
    seed: int
    strict: bool


CLOCK_MODES = ("real", "accelerated", "manual")
#: an RFC 3339 date-time, which pydantic and ``datetime.fromisoformat`` read as the same instant
#: (pydantic also takes unix times, dates and more: those leave the world to the model)
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})")


def proven_core_settings(raw: dict) -> CoreSettings | None:
    """The core settings of the proven default world's data, read as its model reads them,
    without building the model: an RFC 3339 start, one of the modes, a finite positive speed
    (as a float), an int seed, a bool ``conformance.strict`` (False when the section is left
    out). None when a value is anything else: the world is then validated at start."""
    from ..engine.clock import parse_time

    clock = raw.get("clock")
    seed = raw.get("seed")
    conformance = raw.get("conformance", {"strict": False})
    if not isinstance(clock, dict) or set(clock) != {"start", "mode", "speed"} \
            or not isinstance(conformance, dict) or set(conformance) != {"strict"}:
        return None
    start, mode, speed, strict = clock["start"], clock["mode"], clock["speed"], conformance["strict"]
    if not isinstance(start, str) or not _RFC3339.fullmatch(start) or mode not in CLOCK_MODES \
            or type(speed) not in (int, float) or not 0 < speed < float("inf") \
            or type(seed) is not int or type(strict) is not bool:
        return None
    try:
        epoch = parse_time(start)
    except ValueError:
        return None
    return CoreSettings(epoch, mode, float(speed), seed, strict)


def _default_world_snapshot() -> dict | None:
    """The default world's data from its JSON snapshot while that was made from the file as it
    is now (see snapshot.py); None: parse the YAML."""
    from .snapshot import load_snapshot

    try:
        source = DEFAULT_WORLD.read_bytes()
    except OSError:
        return None  # read_world_file reports it
    return load_snapshot(source)


def load_world(path: str | Path | None = None, seed: int | None = None,
               sections: Sections | None = None) -> tuple[dict, BaseModel]:
    """Read and validate a world file (the default world when ``path`` is None)."""
    path = Path(path) if path else DEFAULT_WORLD
    raw = read_world_file(path)
    if seed is not None and isinstance(raw, dict):
        raw["seed"] = seed
    return raw, validate_world(raw, str(path), sections)


def validate_section(raw: Any, model: type[BaseModel], slug: str, source: str) -> BaseModel | None:
    """One provider's section validated alone, exactly as :func:`validate_world` would (errors
    name the same path)."""
    if raw is None:
        return None
    from pydantic import ValidationError

    try:
        return model.model_validate(copy.deepcopy(raw))
    except ValidationError as exc:
        raise WorldError(f"{source}: {describe_errors(exc, ('providers', slug))}") from None


def world_schema(sections: Sections | None = None) -> dict:
    schema = world_model(sections).model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://telsim.local/contracts/world.schema.json"
    schema["title"] = "telsim world file"
    return schema
