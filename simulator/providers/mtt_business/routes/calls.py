"""§10.3: makeCall, terminateCall, transferCall."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..calls import BizCall, BizLeg
from ..errors import ApiError
from ..models import CallRef, MakeCallParams, TerminateCallParams, TransferCallParams
from ..oauth import Grant
from .common import RESULT_SUCCESS, result, result_text

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider


class CallRoutes:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    async def make_call(self, request: web.Request, grant: Grant, params: MakeCallParams) -> web.Response:
        """POST makeCall (§10.3.1): callerId must be a workplace (РМ) of the customer, not a terminal."""
        pbx = self.p.directory.pbx[grant.tenant]
        if pbx.workplace(params.callerId) is None:
            if any(t == params.callerId for t, _, _ in pbx.terminals()):
                raise ApiError(400, f"callerId {params.callerId} is a terminal; makeCall takes a workplace SIP ID")
            raise ApiError(403, f"callerId {params.callerId} is not a workplace of the customer")
        if not pbx.workplace(params.callerId).terminals:
            raise ApiError(409, f"workplace {params.callerId} has no terminal to ring")
        bc = self.p.flows.make_call(pbx, params.callerId, params.calleid)
        return result({"result": {"call": {"id": bc.first.id}, "success": 1}})

    def _leg(self, grant: Grant, ref: CallRef, transport_id: str) -> tuple[BizCall, BizLeg]:
        found = self.p.registry.leg(ref.id)
        if found is None or found[0].pbx.centrex_id != grant.tenant:
            raise ApiError(404, f"no call leg {ref.id!r} in progress")
        bc, leg = found
        if ref.tag is not None and leg.tag is not None and ref.tag != leg.tag:
            raise ApiError(404, f"call leg {ref.id!r} has no tag {ref.tag!r}")
        if transport_id != bc.transport_id:
            raise ApiError(404, f"call leg {ref.id!r} is not on transport {transport_id!r}")
        if leg.ended:
            raise ApiError(404, f"call leg {ref.id!r} has ended")
        return bc, leg

    async def terminate_call(self, request: web.Request, grant: Grant,
                             params: TerminateCallParams) -> web.Response:
        """POST terminateCall (§10.3.2): ends the leg; a parked call goes on by the ВАТС scheme at once."""
        bc, leg = self._leg(grant, params.call, params.transportId)
        self.p.flows.terminate(bc, leg)
        return result_text(RESULT_SUCCESS)

    async def transfer_call(self, request: web.Request, grant: Grant,
                            params: TransferCallParams) -> web.Response:
        """POST transferCall (§10.3.3): the call goes to the SIP ID (or number) ``calleid``."""
        bc, leg = self._leg(grant, params.call, params.transportId)
        reason = self.p.flows.transfer(bc, leg, params.calleid.strip())
        if reason is not None:
            raise ApiError(409, reason)
        return result_text(RESULT_SUCCESS)
