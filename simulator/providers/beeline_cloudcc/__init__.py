"""Beeline cloud contact centre (cloudcc.beeline.ru): online XML operations and offline commands."""


def __getattr__(name: str):
    # the provider is imported on first use (listing.py says what the registry needs before)
    if name == "BeelineCloudccProvider":
        from .provider import BeelineCloudccProvider

        return BeelineCloudccProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BeelineCloudccProvider"]
