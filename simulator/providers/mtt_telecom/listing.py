"""What the registry knows of this provider without importing it (see ../registry.py)."""
from __future__ import annotations

from ..registry import Listing

LISTING = Listing(
    slug="mtt-telecom",
    title="MTT Telecom API",
    hosts=("webapicommon.mtt.ru", "rc.mtt.ru", "rs.mtt.ru", "fuds1.mtt.ru", "fuds.mtt.ru", "gapi.mtt.ru",
           "sb-api.mtt.ru", "msapi.mtt.ru", "api.mtt.ru"),
    provider=f"{__package__}.provider:MttTelecomProvider",
    section=f"{__package__}.world:MttTelecomWorld",
)
