"""The handlers of every catalogue operation (catalogue.py), by operation name."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..models import MakeCallParams, SetParkingNumbersParams, TerminateCallParams, TransferCallParams
from .calls import CallRoutes
from .common import api_method
from .oauth import OAuthRoutes
from .pbx import PbxRoutes
from .records import RecordRoutes

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider


def mount(provider: "MttBusinessProvider", app: web.Application) -> None:
    oauth, pbx, calls, records = (OAuthRoutes(provider), PbxRoutes(provider), CallRoutes(provider),
                                  RecordRoutes(provider))
    api = lambda method, params=None: api_method(provider, method, params)  # noqa: E731
    provider.catalogue.mount(app, {
        "GET /oauth/authorize": oauth.authorize,
        "POST /oauth/authorize": oauth.login,
        "POST /oauth/token": oauth.token,
        "GET externalNumbersInfo": api(pbx.external_numbers_info),
        "GET workplacesInfo": api(pbx.workplaces_info),
        "GET terminalsinfo": api(pbx.terminals_info),
        "POST setParkingNumbers": api(pbx.set_parking_numbers, SetParkingNumbersParams),
        "POST makeCall": api(calls.make_call, MakeCallParams),
        "POST terminateCall": api(calls.terminate_call, TerminateCallParams),
        "POST transferCall": api(calls.transfer_call, TransferCallParams),
        "GET records": records.record,
    })
