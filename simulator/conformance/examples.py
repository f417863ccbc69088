"""The documented examples under ``contracts/<slug>/examples/``, in one index format.

``contracts/<slug>/examples/index.yaml``::

    provider: mts-vpbx                 # the provider's slug
    document: mts-vpbx-api-crm.txt     # the document (shared/seeds/) the examples come from
    examples:
    - file: 4.4-abonents.response.json # a file next to index.yaml
      section: '4.4'                   # the document's section
      kind: response                   # request | response | event | error
      operation: GET /api/abonents     # the catalogue name (optional until catalogued)
      method: GET                      # the HTTP request it belongs to (optional)
      path: /api/abonents
      status: 200                      # the answer's status (responses, errors)
      headers: {...}                   # request headers / query parameters shown
      query: {...}
      schema: ...                      # a schema reference into the contract (optional)
      note: ...                        # how the file differs from the document, if it does
      ...                              # anything else the provider's tests need (extra)

Every file of the directory is listed, and every listed file exists
(:meth:`ExampleIndex.problems`).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml  # noqa: F401  (load_yaml parses with it)

from .openapi import load_yaml

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
INDEX = "index.yaml"
KINDS = ("request", "response", "event", "error")

_FIELDS = ("file", "section", "kind", "operation", "method", "path", "status", "headers",
           "query", "schema", "note")


class ExampleIndexError(ValueError):
    pass


@dataclass(frozen=True, eq=False)
class Example(Mapping):
    """One documented example. Typed (``example.status``) or as its index entry
    (``example["status"]``, ``example.get("command")``) for provider-specific keys."""

    root: Path
    file: str
    section: str
    kind: str
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    schema: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> Path:
        return self.root / self.file

    def bytes(self) -> bytes:
        return self.location.read_bytes()

    def text(self) -> str:
        return self.location.read_text(encoding="utf-8")

    def json(self) -> Any:
        return json.loads(self.text())

    def body(self) -> Any:
        """The parsed JSON of a ``.json`` file, else the text."""
        return self.json() if self.file.endswith(".json") else self.text()

    # the index entry as a read-only mapping
    def _entry(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _FIELDS if getattr(self, name) not in (None, {})}
        out.update(self.extra)
        return out

    def __getitem__(self, key: str) -> Any:
        return self._entry()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entry())

    def __len__(self) -> int:
        return len(self._entry())

    def __repr__(self) -> str:
        return f"Example({self.file!r}, {self.kind}, section {self.section})"


@dataclass(frozen=True)
class ExampleIndex:
    provider: str
    document: str
    root: Path
    examples: tuple[Example, ...]

    def __iter__(self) -> Iterator[Example]:
        return iter(self.examples)

    def __len__(self) -> int:
        return len(self.examples)

    def of_kind(self, *kinds: str) -> list[Example]:
        return [e for e in self.examples if e.kind in kinds]

    def for_operation(self, name: str) -> list[Example]:
        return [e for e in self.examples if e.operation == name]

    def file(self, name: str) -> Example:
        for e in self.examples:
            if e.file == name:
                return e
        raise KeyError(f"{self.provider}: no example {name!r} in {self.root / INDEX}")

    def problems(self) -> list[str]:
        """Files the index does not list and listed files that do not exist."""
        listed = {e.file for e in self.examples}
        present = {p.name for p in self.root.iterdir() if p.name != INDEX and p.is_file()}
        return ([f"{self.root.name}/{name}: not in {INDEX}" for name in sorted(present - listed)]
                + [f"{INDEX}: {name} does not exist" for name in sorted(listed - present)])


def examples_dir(slug: str, contracts: Path = CONTRACTS) -> Path:
    return contracts / slug / "examples"


def has_examples(slug: str, contracts: Path = CONTRACTS) -> bool:
    return (examples_dir(slug, contracts) / INDEX).is_file()


def load_examples(slug_or_dir: str | Path, contracts: Path = CONTRACTS) -> ExampleIndex:
    """The example index of a provider (``"mts-vpbx"``) or of an examples directory."""
    root = Path(slug_or_dir) if isinstance(slug_or_dir, Path) else examples_dir(slug_or_dir, contracts)
    return _load(root.resolve())


@lru_cache(maxsize=32)
def _load(root: Path) -> ExampleIndex:
    where = root / INDEX
    try:
        data = load_yaml(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExampleIndexError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if not isinstance(data, dict) or set(data) - {"provider", "document", "examples"}:
        raise ExampleIndexError(f"{where}: a mapping of provider, document and examples")
    provider, document, entries = data.get("provider"), data.get("document"), data.get("examples")
    if not isinstance(provider, str) or not isinstance(document, str) or not isinstance(entries, list):
        raise ExampleIndexError(f"{where}: provider and document (strings) and examples (a list) are required")
    examples = []
    for i, entry in enumerate(entries):
        examples.append(_example(root, entry, f"{where}: examples[{i}]"))
    if len({e.file for e in examples}) != len(examples):
        raise ExampleIndexError(f"{where}: a file is listed twice")
    return ExampleIndex(provider, document, root, tuple(examples))


def _example(root: Path, entry: Any, where: str) -> Example:
    if not isinstance(entry, dict):
        raise ExampleIndexError(f"{where}: a mapping")
    for key in ("file", "section", "kind"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ExampleIndexError(f"{where}: {key} (a string) is required")
    if entry["kind"] not in KINDS:
        raise ExampleIndexError(f"{where}: kind is one of {', '.join(KINDS)}, not {entry['kind']!r}")
    status = entry.get("status")
    if status is not None and not isinstance(status, int):
        raise ExampleIndexError(f"{where}: status is an integer")
    for key in ("headers", "query"):
        if not isinstance(entry.get(key, {}), dict):
            raise ExampleIndexError(f"{where}: {key} is a mapping")
    known = {k: entry[k] for k in _FIELDS if k in entry}
    extra = {k: v for k, v in entry.items() if k not in _FIELDS}
    known["headers"] = {str(k): str(v) for k, v in known.get("headers", {}).items()}
    known["query"] = {str(k): str(v) for k, v in known.get("query", {}).items()}
    return Example(root=root, extra=extra, **known)
