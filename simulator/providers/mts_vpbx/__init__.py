"""MTS virtual PBX "API CRM" (vpbx.mts.ru): REST with X-AUTH-TOKEN, subscriptions, webhooks,
call control, find-me, schedules, call history and recordings. See mts-vpbx-api-crm.txt;
the operations are listed in catalogue.py."""
from .provider import MtsVpbx

__all__ = ["MtsVpbx"]
