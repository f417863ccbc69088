"""Record files (§10.1.3): ``/records/<centrexId>/<yyyy>/<mm>/<dd>/<file>.mp3``, kept 90 days."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..errors import ApiError, api_error_response
from .common import authenticate

if TYPE_CHECKING:
    from ..provider import MttBusinessProvider


class RecordRoutes:
    def __init__(self, provider: "MttBusinessProvider"):
        self.p = provider

    async def record(self, request: web.Request) -> web.StreamResponse:
        """GET a record file named by a ``recorded`` notification's urlRecord."""
        m = request.match_info
        try:
            if self.p.directory.settings.records_need_token:
                grant = authenticate(self.p, request)
                if grant.tenant != m["centrexId"]:
                    raise ApiError(404, "no such record")
            path = f"{m['centrexId']}/{m['yyyy']}/{m['mm']}/{m['dd']}/{m['file']}"
            rec = self.p.records.get(path)
            if rec is None:
                raise ApiError(404, "no such record (unknown, or older than the retention period)")
        except ApiError as exc:
            return api_error_response(exc)
        data = await self.p.records.mp3(rec)
        return web.Response(body=data, content_type="audio/mpeg",
                            headers={"Content-Disposition": f'attachment; filename="{m["file"]}"'})
