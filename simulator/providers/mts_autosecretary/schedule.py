"""Which DNs of a UN may take a call at a given moment (pure logic).

A DN takes part in distribution when it is not locked, is not a short number (priority -1, reachable
only by dialling its ext, within its own schedule too), its ``day`` is 0 (every day) or the ISO weekday
of the UN's local time (1 = Monday .. 7 = Sunday) and the local time of day lies in [begin, end] (end
inclusive, so 00:00:00-23:59:59 is the whole day). Candidates are tried by ascending priority, ties in
list order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .models import DN, UN
from .timefmt import parse_hms, to_msk


def un_local_time(un: UN, moment: datetime) -> datetime:
    """``time_zone`` is the UN's offset from Moscow time in hours."""
    return to_msk(moment) + timedelta(hours=un.time_zone)


def dn_covers(dn: DN, local: datetime) -> bool:
    if dn.day != 0 and dn.day != local.isoweekday():
        return False
    now = local.time().replace(microsecond=0)
    return parse_hms(dn.begin) <= now <= parse_hms(dn.end)


def eligible_dns(un: UN, moment: datetime) -> list[DN]:
    local = un_local_time(un, moment)
    hits = [
        (dn.priority, index, dn)
        for index, dn in enumerate(un.dn_list)
        if not dn.locked and dn.priority >= 0 and dn_covers(dn, local)
    ]
    hits.sort(key=lambda item: (item[0], item[1]))
    return [dn for _, _, dn in hits]


def dn_by_ext(un: UN, ext: str, moment: datetime) -> DN | None:
    """The short number's DN when it is unlocked and on duty (its own day and begin-end window)."""
    local = un_local_time(un, moment)
    for dn in un.dn_list:
        if dn.ext == ext and not dn.locked and dn_covers(dn, local):
            return dn
    return None
