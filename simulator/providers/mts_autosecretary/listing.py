"""What the registry knows of this provider without importing it (see ../registry.py)."""
from __future__ import annotations

from ..registry import Listing

LISTING = Listing(
    slug="mts-autosecretary",
    title='MTS "@втосекретарь" API v1 (REST + WCF SOAP)',
    hosts=("aa.mts.ru",),
    provider=f"{__package__}.provider:MtsAutosecretaryProvider",
    section=f"{__package__}.world:AutosecretarySection",
)
