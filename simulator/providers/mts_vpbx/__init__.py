"""MTS virtual PBX "API CRM" (vpbx.mts.ru): REST with X-AUTH-TOKEN, subscriptions, webhooks,
call control, find-me, schedules, call history and recordings. See mts-vpbx-api-crm.txt;
the operations are listed in catalogue.py."""


def __getattr__(name: str):
    # the provider is imported on first use (listing.py says what the registry needs before)
    if name == "MtsVpbx":
        from .provider import MtsVpbx

        return MtsVpbx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MtsVpbx"]
