"""The provider registry: what every package under simulator/providers/ provides.

Each provider package has a ``listing.py`` with its :class:`Listing` (slug, title, hosts, where
its class and world section live, whether it must be built at start), which the registry reads
without importing the rest of the package: the simulator imports a provider on its first use
(``Simulator.providers``, simulator/providers/lazy.py), and validates the world with only the
section modules. A package without a listing is imported whole, and its class (decorated with
:func:`register`) is listed from its attributes; so is any class registered by hand (the bench's
probe provider, test providers).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .base import Provider

if TYPE_CHECKING:
    from pydantic import BaseModel

_REGISTRY: dict[str, type[Provider]] = {}
_LISTED: dict[str, "Listing"] | None = None


@dataclass(frozen=True)
class Listing:
    """What the registry knows of a provider before its package is imported."""

    slug: str
    hosts: tuple[str, ...]
    #: "module:Class" of the provider (the module registers it with :func:`register`)
    provider: str
    #: "module:Model" of its ``providers.<slug>`` world section; None: no section
    section: str | None = None
    title: str = ""
    #: raw world section (as written, before validation; None when absent) -> True when the
    #: provider's reset starts work that nothing asks for (timers, callbacks): it is built at
    #: start then, as before. None: always built on first use.
    build_at_start: Callable[[Any], bool] | None = None
    #: raw world section -> the seconds after a reset of each timer the provider's reset arms,
    #: when the section shows them exactly (None: it does not; build_at_start decides). A provider
    #: whose timers are known is not built at start: stand-in timers hold their places and build
    #: it when the first is due (simulator/providers/lazy.py)
    reset_timers: Callable[[Any], "list[float] | None"] | None = None

    @classmethod
    def of(cls, provider: type[Provider]) -> "Listing":
        """The listing of a class registered by hand (already imported)."""
        return cls(provider.slug, tuple(provider.hosts), f"{provider.__module__}:{provider.__qualname__}",
                   None, provider.title, lambda _raw: True)


def register(cls: type[Provider]) -> type[Provider]:
    _REGISTRY[cls.slug] = cls
    return cls


def _load(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _package_listings() -> dict[str, Listing]:
    """The listings of the packages under simulator/providers/ (scanned once); a package without
    a ``listing`` module is imported, so that its provider registers itself."""
    global _LISTED
    if _LISTED is None:
        from .. import providers as pkg

        found: dict[str, Listing] = {}
        for mod in pkgutil.iter_modules(pkg.__path__):
            if not mod.ispkg:
                continue
            name = f"{pkg.__name__}.{mod.name}"
            try:
                listing = importlib.import_module(f"{name}.listing").LISTING
            except ModuleNotFoundError as exc:
                if exc.name != f"{name}.listing":
                    raise
                importlib.import_module(name)
                continue
            found[listing.slug] = listing
        _LISTED = found
    return _LISTED


def listings() -> dict[str, Listing]:
    """Every provider's listing by slug, sorted; imports no provider that has a listing."""
    found = dict(_package_listings())
    for slug, cls in _REGISTRY.items():
        if slug not in found:
            found[slug] = Listing.of(cls)
    return dict(sorted(found.items()))


def provider_class(slug: str) -> type[Provider]:
    """The class of ``slug`` (imports its package the first time); KeyError: no such provider."""
    cls = _REGISTRY.get(slug)
    if cls is None:
        cls = _load(listings()[slug].provider)
        _REGISTRY.setdefault(slug, cls)
    return cls


def section_model(slug: str) -> type[BaseModel] | None:
    """The model of ``providers.<slug>``; imports the section's module, not the provider."""
    cls = _REGISTRY.get(slug)
    if cls is not None:
        return cls.section_model
    listing = listings()[slug]
    return _load(listing.section) if listing.section else None


def section_models() -> dict[str, type[BaseModel] | None]:
    """Every provider's section model by slug (what validating a world needs)."""
    return {slug: section_model(slug) for slug in listings()}


def discover() -> dict[str, type[Provider]]:
    """Every provider class by slug, sorted (imports every provider package)."""
    return {slug: provider_class(slug) for slug in listings()}
