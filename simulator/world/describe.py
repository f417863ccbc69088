"""Renders docs/default-world.md from the default world, so the list of credentials and
numbers can never drift from the file (regenerate with ``python -m simulator.contracts``)."""
from __future__ import annotations

import yaml

from .loader import DEFAULT_WORLD, load_world


def _yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).rstrip()


def describe_default_world() -> str:
    raw, world = load_world(DEFAULT_WORLD)
    dumped = world.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    lines = [
        "# The default world",
        "",
        "Generated from `simulator/world/default.yaml` by `python -m simulator.contracts`; do not edit.",
        "Everything `make run` serves: every credential, number and id, by provider. The documents'",
        "own example identifiers are used wherever they exist, so a document's example request sent",
        "to the simulator with only the host changed finds its data. Fields left at their defaults",
        "are omitted; `GET /_sim/world` shows the whole live world.",
        "",
        f"- seed: `{world.seed}`; clock start: `{world.clock.start.isoformat()}` ({world.clock.mode})",
        "",
        "## Parties outside every tenant",
        "",
        "```yaml",
        _yaml({"default": dumped.get("parties", {}).get("default", world.parties.default.model_dump(exclude_defaults=True)),
               "numbers": dumped.get("parties", {}).get("numbers", {})}),
        "```",
    ]
    for slug, section in (dumped.get("providers") or {}).items():
        lines += ["", f"## {slug}", "", "```yaml", _yaml(section), "```"]
    return "\n".join(lines) + "\n"
