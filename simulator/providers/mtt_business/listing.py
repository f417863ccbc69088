"""What the registry knows of this provider without importing it (see ../registry.py)."""
from __future__ import annotations

from ..registry import Listing

LISTING = Listing(
    slug="mtt-business",
    title="MTT Business virtual PBX Open API",
    hosts=("oauth.mtt.ru", "openapi.mtt.ru", "openapi-stage.mtt.ru"),
    provider=f"{__package__}.provider:MttBusinessProvider",
    section=f"{__package__}.world:MttBusinessWorld",
)
