"""What the registry knows of this provider without importing it (see ../registry.py)."""
from __future__ import annotations

from ..registry import Listing

LISTING = Listing(
    slug="beeline-cloudcc",
    title="Beeline cloud contact centre (cloudcc)",
    hosts=("cloudcc.beeline.ru",),
    provider=f"{__package__}.provider:BeelineCloudccProvider",
    section=f"{__package__}.world:BeelineWorld",
)
