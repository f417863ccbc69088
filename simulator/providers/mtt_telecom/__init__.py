"""MTT Telecom API ("Gnezdo", mtt-telecom-api.txt): see provider.py and catalogue.py."""


def __getattr__(name: str):
    # the provider is imported on first use (listing.py says what the registry needs before)
    if name == "MttTelecomProvider":
        from .provider import MttTelecomProvider

        return MttTelecomProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MttTelecomProvider"]
