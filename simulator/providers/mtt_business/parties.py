"""Who is who in callInfo/caller and callInfo/callee (§10.1.1–§10.1.7). Numbers are passed on
as they arrived (§6.4)."""
from __future__ import annotations

from typing import Optional

from .directory import Pbx
from .models import Forwarder, Party
from .world import Workplace


def outside(number: str, pstn: bool = True) -> Party:
    """An outside party: the caller of an incoming call has ``accountId`` ``<number>@pstn``
    (§10.1.1); the callee of an outgoing call has no accountId (§10.1.2)."""
    return Party(accountId=f"{number}@pstn" if pstn else None, displayId=number, id=number)


def external_number(pbx: Pbx, number: str) -> Party:
    """The customer's external number as the callee of an incoming trying (§10.1.1)."""
    return Party(accountId=number, centrexId=pbx.centrex_id, displayId=number, displayName="", id=number)


def workplace_callee(pbx: Pbx, wid: str, account: Optional[str], dialled: Optional[str],
                     forwarders: list[str]) -> Party:
    """A workplace an incoming call reached; displayName is the number the call came in on."""
    return Party(accountId=account or wid, centrexId=pbx.centrex_id, displayId=wid,
                 displayName=dialled or "", forwarderList=[Forwarder(id=f) for f in forwarders], id=wid)


def workplace_caller(pbx: Pbx, wid: str, wp: Workplace, display: Optional[str] = None) -> Party:
    """The workplace of an outgoing call: ``accountId`` the workplace, ``id``/``displayId`` the
    external number it shows (§10.1.2)."""
    shown = display or wp.display_number or wid
    return Party(accountId=wid, centrexId=pbx.centrex_id, displayId=shown, id=shown)


def finished_form(party: Party, extension: str = "") -> Party:
    """A workplace in the finished example (§10.1.7) is written with ``display_name`` and
    ``extensionId`` (the short number it was reached by: "" when the scheme sent the call)."""
    return party.model_copy(update={"displayName": None, "display_name": party.displayName or "",
                                    "extensionId": extension})
