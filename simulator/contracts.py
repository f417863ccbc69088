"""Writes the generated files: contracts/ (world schema, control API), docs/default-world.md,
the default world's JSON snapshot (simulator/world/snapshot.py), docs/coverage.md (``telsim
coverage --markdown``) and docs/conformance.md (``telsim contracts report --markdown``).

    python -m simulator.contracts      # after changing the world or control models
"""
from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "contracts"


def generated() -> dict[Path, str]:
    from .conformance.report import conformance_markdown
    from .control.openapi import openapi_document
    from .coverage import coverage_markdown
    from .providers.registry import discover
    from .world import world_schema
    from .world.describe import describe_default_world
    from .world.snapshot import SNAPSHOT, default_snapshot_text

    dump = lambda doc: json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"  # noqa: E731
    return {ROOT / "world.schema.json": dump(world_schema()),
            ROOT / "control" / "openapi.json": dump(openapi_document()),
            REPO / "docs" / "default-world.md": describe_default_world(),
            SNAPSHOT: default_snapshot_text(),
            REPO / "docs" / "coverage.md": coverage_markdown(discover()),
            REPO / "docs" / "conformance.md": conformance_markdown(discover())}


def main() -> None:
    for path, text in generated().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
