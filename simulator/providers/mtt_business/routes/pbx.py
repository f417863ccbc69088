"""§9.1–§9.3 (the ВАТС structure) and §10.2 (parking per external number)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..errors import ApiError
from ..models import ExternalNumberInfo, SetParkingNumbersParams, TerminalInfo, WorkplaceInfo
from ..oauth import Grant
from .common import dumps, result, result_text

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider


class PbxRoutes:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    async def external_numbers_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET externalNumbersInfo (§9.1)."""
        pbx = self.p.directory.pbx[grant.tenant]
        text = pbx.answers.get("externalNumbersInfo")
        if text is None:
            items = [ExternalNumberInfo(number=n, type=e.type).model_dump() for n, e in pbx.cfg.numbers.items()]
            text = pbx.answers["externalNumbersInfo"] = dumps(
                {"result": {"total": len(items), "numbersList": items}})
        return result_text(text)

    async def workplaces_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET workplacesInfo (§9.2)."""
        pbx = self.p.directory.pbx[grant.tenant]
        text = pbx.answers.get("workplacesInfo")
        if text is None:
            items = [WorkplaceInfo(workplace=w, name=wp.name).model_dump() for w, wp in pbx.cfg.workplaces.items()]
            text = pbx.answers["workplacesInfo"] = dumps(
                {"result": {"total": len(items), "workplacesList": items}})
        return result_text(text)

    async def terminals_info(self, request: web.Request, grant: Grant, _) -> web.Response:
        """GET terminalsinfo (§9.3; the example's ``terminals_list`` and ``terminal``)."""
        pbx = self.p.directory.pbx[grant.tenant]
        text = pbx.answers.get("terminalsinfo")
        if text is None:
            items = [TerminalInfo(terminal=t, workplace=w).model_dump() for t, w, _ in pbx.terminals()]
            text = pbx.answers["terminalsinfo"] = dumps(
                {"result": {"total": len(items), "terminals_list": items}})
        return result_text(text)

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
        return result({"success": 1})
