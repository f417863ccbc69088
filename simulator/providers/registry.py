"""The provider registry: every package under simulator/providers/ registers itself."""
from __future__ import annotations

import importlib
import pkgutil

from .base import Provider

_REGISTRY: dict[str, type[Provider]] = {}
_discovered = False


def register(cls: type[Provider]) -> type[Provider]:
    _REGISTRY[cls.slug] = cls
    return cls


def discover() -> dict[str, type[Provider]]:
    """Import every provider package once and return the providers by slug, sorted."""
    global _discovered
    if not _discovered:
        from .. import providers as pkg

        for mod in pkgutil.iter_modules(pkg.__path__):
            if mod.ispkg:
                importlib.import_module(f"{pkg.__name__}.{mod.name}")
        _discovered = True
    return dict(sorted(_REGISTRY.items()))
