"""MTT Business virtual PBX Open API (mtt-business-open-api.txt): OAuth 2.0, the ВАТС
structure, parking, call control, notifications and records."""
from .provider import MttBusinessProvider

__all__ = ["MttBusinessProvider"]
