"""§9.1–§9.3 (the ВАТС structure) and §10.2 (parking per external number)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..errors import ApiError
from ..models import ExternalNumberInfo, SetParkingNumbersParams, TerminalInfo, WorkplaceInfo
from ..oauth import Grant
from .common import SUCCESS, dumps, result_text

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider


class PbxRoutes:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    async def external_numbers_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET externalNumbersInfo (§9.1)."""
        pbx = self.p.directory.pbx[grant.tenant]
        return _kept(pbx, "externalNumbersInfo", "numbersList", lambda: [
            ExternalNumberInfo(number=n, type=e.type) for n, e in pbx.cfg.numbers.items()])

    async def workplaces_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET workplacesInfo (§9.2)."""
        pbx = self.p.directory.pbx[grant.tenant]
        return _kept(pbx, "workplacesInfo", "workplacesList", lambda: [
            WorkplaceInfo(workplace=w, name=wp.name) for w, wp in pbx.cfg.workplaces.items()])

    async def terminals_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET terminalsinfo (§9.3; the example's ``terminals_list`` and ``terminal``)."""
        pbx = self.p.directory.pbx[grant.tenant]
        return _kept(pbx, "terminalsinfo", "terminals_list", lambda: [
            TerminalInfo(terminal=t, workplace=w) for t, w, _ in pbx.terminals()])

    async def set_parking_numbers(self, request: web.Request, grant: Grant,
                                  params: SetParkingNumbersParams) -> web.Response:
        """POST setParkingNumbers (§10.2): all numbers must be the customer's, or nothing changes."""
        pbx = self.p.directory.pbx[grant.tenant]
        found, foreign = [], []
        for number in params.numbers:
            entry = pbx.number(number.strip())
            (found if entry is not None else foreign).append(entry[0] if entry else number)
        if foreign:
            raise ApiError(403, "not in the customer's external numbering: " + ", ".join(foreign))
        for number in found:
            pbx.parking[number] = params.isParking
        return result_text(SUCCESS)


def _kept(pbx, method: str, key: str, models) -> web.Response:
    """A structure answer, built from its models once per customer directory (a world change
    builds a new directory, and with it new answers)."""
    text = pbx.answers.get(method)
    if text is None:
        items = [m.model_dump() for m in models()]
        text = pbx.answers[method] = dumps({"result": {"total": len(items), key: items}})
    return result_text(text)
