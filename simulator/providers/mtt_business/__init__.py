"""MTT Business virtual PBX Open API (mtt-business-open-api.txt): OAuth 2.0, the ВАТС
structure, parking, call control, notifications and records."""


def __getattr__(name: str):
    # the provider is imported on first use (listing.py says what the registry needs before)
    if name == "MttBusinessProvider":
        from .provider import MttBusinessProvider

        return MttBusinessProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MttBusinessProvider"]
