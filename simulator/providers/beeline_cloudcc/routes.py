"""HTTP handlers: the online XML endpoint (POST /), the offline commands (POST /api/request)
and downloads (GET /api/download/...)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aiohttp import web

from simulator.catalogue import set_operation
from simulator.http import audio_response, client_base_url, set_tenant

from . import multipart, xmlmsg
from .auth import authenticate
from .catalogue import CATALOGUE, DOWNLOAD, OFFLINE_ROUTE, ONLINE_ROUTE
from .commands import OfflineApi, command_name, parse_api_form
from .downloads import resolve
from .errors import NO_FORM_PART, BeelineError
from .models import AgentInfo, AnnCall, InitCall

if TYPE_CHECKING:
    from .provider import BeelineCloudccProvider

SLUG = "beeline-cloudcc"
XML_CT = "text/xml"


def xml_response(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type=XML_CT, charset="utf-8")


def json_error(provider: "BeelineCloudccProvider", err: BeelineError, tenant=None) -> web.Response:
    status = 200 if tenant is not None and tenant.errors_as_200 else err.status
    return web.Response(text=err.to_json(provider.backend.auxcode()), status=status,
                        content_type="application/json", charset="utf-8")


class Handlers:
    def __init__(self, provider: "BeelineCloudccProvider") -> None:
        self.p = provider

    def setup(self, app: web.Application) -> None:
        CATALOGUE.mount(app, {ONLINE_ROUTE: self.online, OFFLINE_ROUTE: self.offline, DOWNLOAD: self.download})

    # ------------------------------------------------------------------ part 1
    async def online(self, request: web.Request) -> web.Response:
        if request.method != "POST":
            return xml_response(xmlmsg.error_info("only POST is accepted (1.1)"), 405)
        tenant = authenticate(request, self.p.backend)
        if tenant is None:
            return xml_response(xmlmsg.error_info("Unknown UserName or Password"), 401)
        set_tenant(request, tenant.tenant_id)
        body = await request.read()
        try:
            msg = xmlmsg.parse(body)
        except xmlmsg.XmlError as exc:
            return xml_response(xmlmsg.error_info(str(exc)), exc.status)
        set_operation(request, type(msg).__name__)
        if not msg.request_id and not isinstance(msg, AgentInfo):
            return xml_response(xmlmsg.error_info("missing request_id", addpar=msg.AddPar), 400)
        online = self.p.flows
        if isinstance(msg, InitCall):
            info = online.init_call(tenant, msg)
        elif isinstance(msg, AnnCall):
            info = online.ann_call(tenant, msg)
        else:
            if not msg.ScriptID:
                return xml_response(xmlmsg.error_info("missing ScriptID", msg.request_id, msg.AddPar), 400)
            if not online.agent_info(tenant, msg):
                return xml_response(xmlmsg.error_info("no inbound call waits for this ScriptID",
                                                      msg.request_id, msg.AddPar), 404)
            return web.Response(status=200)  # 2.5: no answer is provided
        return xml_response(xmlmsg.render(info))

    # ------------------------------------------------------------------ part 2
    def _tenant(self, request: web.Request):
        """The tenant of the Basic credentials, or 401.1 (offline API and downloads)."""
        tenant = authenticate(request, self.p.backend)
        if tenant is None:
            raise BeelineError("401.1")
        set_tenant(request, tenant.tenant_id)
        return tenant

    async def offline(self, request: web.Request) -> web.Response:
        command = ""
        tenant = None
        try:
            tenant = self._tenant(request)
            if request.method != "POST":
                raise BeelineError("400.7")
            content_type = request.headers.get("Content-Type")
            multipart.boundary_of(content_type)
            body = await request.read()
            if len(body) > tenant.limits.max_body_bytes:
                raise BeelineError("413.1")
            parts = await multipart.read_form_async(content_type, body, self.p.max_form_parts)
            form_part = multipart.find(parts, "api_form")
            if form_part is None:
                raise BeelineError("400.8", NO_FORM_PART)
            form = parse_api_form(form_part.data, tenant.limits.max_json_bytes)
            command = command_name(form)
            set_operation(request, command)
            api = OfflineApi(tenant, now=self.p.sim.clock.now, new_cdrid=self.p.backend.new_cdrid,
                             base_url=client_base_url(request, SLUG))
            answer = api.execute(form, parts)
        except BeelineError as err:
            err.command = err.command or command
            return json_error(self.p, err, tenant)
        return web.Response(text=json.dumps(answer, ensure_ascii=False), content_type="application/json",
                            charset="utf-8")

    async def download(self, request: web.Request) -> web.StreamResponse:
        tenant = None
        try:
            tenant = self._tenant(request)
            if request.method not in ("GET", "HEAD"):
                raise BeelineError("404.112")
            found = resolve(tenant, request.match_info.get("tail", "").removeprefix("/"), self.p.sim.clock.now(),
                            client_base_url(request, SLUG),
                            recording_seconds=self.p.recording_seconds)
        except BeelineError as err:
            return json_error(self.p, err, tenant)
        if found.audio_seconds is not None:
            return await audio_response(request, found.audio_seconds, "wav", filename=found.filename)
        return web.Response(body=found.body, content_type=found.content_type.split(";")[0],
                            charset="utf-8" if "charset" in found.content_type else None,
                            headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})
