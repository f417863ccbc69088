"""MTT Telecom API ("Gnezdo", mtt-telecom-api.txt): see provider.py and catalogue.py."""
from .provider import MttTelecomProvider

__all__ = ["MttTelecomProvider"]
