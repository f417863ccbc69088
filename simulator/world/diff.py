"""What a PATCH /_sim/world changed in a provider's section, for ``Provider.world_changed``.

Sections keep their collections as maps keyed by id (tenants, abonents, UNs), so a change is
always "these keys were added, these removed, these changed"::

    def world_changed(self, old, new):
        d = map_diff(old and old.tenants, new and new.tenants)
        for key in d.removed: ...                 # old[key] is gone
        for key in d.added: ...                   # new[key] is new
        for key in d.changed:                     # both exist and differ
            fields = changed_fields(d.old[key], d.new[key])   # {"callback_url", ...}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Mapping, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

V = TypeVar("V")


@dataclass(frozen=True)
class MapDiff(Generic[V]):
    old: Mapping[str, V] = field(default_factory=dict)
    new: Mapping[str, V] = field(default_factory=dict)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def touched(self) -> tuple[str, ...]:
        """Every key that was added, removed or changed (in that order)."""
        return self.added + self.removed + self.changed


def map_diff(old: Mapping[str, V] | None, new: Mapping[str, V] | None) -> MapDiff[V]:
    """Keys of ``new`` not in ``old`` (added), of ``old`` not in ``new`` (removed), and in both
    with unequal values (changed), each in the maps' order. ``None`` is an empty map (a world
    without the section)."""
    old = old if old is not None else {}
    new = new if new is not None else {}
    return MapDiff(old, new,
                   added=tuple(k for k in new if k not in old),
                   removed=tuple(k for k in old if k not in new),
                   changed=tuple(k for k in new if k in old and old[k] != new[k]))


def changed_fields(old: BaseModel | None, new: BaseModel | None, *,
                   exclude: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The fields of two instances of one model whose values differ (all fields of the
    model when one side is None), minus ``exclude``."""
    if old is None or new is None:
        model = type(new if new is not None else old)
        return set(getattr(model, "model_fields", {})) - set(exclude)
    return {name for name in type(new).model_fields
            if name not in exclude and getattr(old, name, None) != getattr(new, name, None)}


def section_diff(old: Any, new: Any, attribute: str) -> MapDiff:
    """``map_diff`` of one map attribute of two sections (either may be None)."""
    return map_diff(getattr(old, attribute, None), getattr(new, attribute, None))
