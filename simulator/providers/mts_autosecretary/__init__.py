"""MTS "@втосекретарь" API v1 (aa.mts.ru): REST with a {value,status_code,status_msg} envelope and a
WCF-compatible SOAP twin (un.svc, cdr.svc); universal numbers distribute simulated calls to DNs."""


def __getattr__(name: str):
    # the provider is imported on first use (listing.py says what the registry needs before)
    if name == "MtsAutosecretaryProvider":
        from .provider import MtsAutosecretaryProvider

        return MtsAutosecretaryProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MtsAutosecretaryProvider"]
