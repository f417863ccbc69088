"""Lets spyne 2.14 (its last release) import on Python 3.12 and 3.13. Import before spyne.

spyne bundles a copy of ``six`` whose ``six.moves`` importer implements only the PEP 302
``find_module``/``load_module`` protocol, which Python 3.12 no longer consults: every
``spyne.util.six.moves.*`` import fails. :class:`SixMovesFinder` answers those names with
the modern ``find_spec`` protocol by delegating to that bundled importer (what six 1.16 does
itself). Python 3.13 removed ``cgi``, which spyne's SOAP protocol imports for
``parse_header``; the ``legacy-cgi`` distribution (a dependency on 3.13+) puts it back.
"""
from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

_SIX = "spyne.util.six"


class _MovesLoader:
    def __init__(self, importer) -> None:
        self.importer = importer

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        return self.importer.load_module(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: load_module returned the finished module."""


class SixMovesFinder:
    """A meta path finder for ``spyne.util.six.moves`` and its submodules."""

    @classmethod
    def find_spec(cls, fullname: str, path=None, target=None) -> ModuleSpec | None:
        if not fullname.startswith(_SIX + ".moves"):
            return None
        importer = getattr(sys.modules.get(_SIX), "_importer", None)
        if importer is None or fullname not in importer.known_modules:
            return None
        return importlib.util.spec_from_loader(
            fullname, _MovesLoader(importer), is_package=importer.is_package(fullname))


def install() -> None:
    """Idempotent. Installed on 3.11 too (where the old protocol still works) so that the
    dev interpreter runs the same import path as 3.12 and 3.13."""
    if not any(f is SixMovesFinder for f in sys.meta_path):
        sys.meta_path.insert(0, SixMovesFinder)


install()
