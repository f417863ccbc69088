"""ВАТС МТТ Бизнес "Открытое API" (mtt-business-open-api.txt): OAuth 2.0 on oauth.mtt.ru,
the ВАТС structure, parking, call control, call and structure notifications, records."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from ...conformance import Contract
from ...http import routed_allow
from ..base import Provider
from ..registry import register
from .calls import CallRegistry
from .catalogue import CATALOGUE
from .directory import Directory
from .errors import ApiError, api_error_response
from .events import EngineAdapter
from .flows import Flows
from .models import TokenResponse
from .notify import Notifier
from .oauth import TokenStore, registered_redirects
from .ratelimit import RateLimiter
from .records import Records
from .routes import mount
from .world import MttBusinessWorld

if TYPE_CHECKING:
    from ...engine import Call
    from ...sim import CallRequest

SLUG = "mtt-business"


class CodeAction(BaseModel):
    """POST /_sim/providers/mtt-business/actions/authorization-code: as if the user logged in."""

    model_config = ConfigDict(extra="forbid")
    client_id: str
    redirect_uri: Optional[str] = None
    scope: Optional[str] = None
    state: Optional[str] = None


class TokenAction(BaseModel):
    """POST /_sim/providers/mtt-business/actions/token: a fresh pair without the flow."""

    model_config = ConfigDict(extra="forbid")
    client_id: str
    scope: Optional[str] = None


@register
class MttBusinessProvider(Provider):
    slug = SLUG
    title = "MTT Business virtual PBX Open API"
    hosts = ("oauth.mtt.ru", "openapi.mtt.ru", "openapi-stage.mtt.ru")
    section_model = MttBusinessWorld
    catalogue = CATALOGUE
    control_actions = {
        "authorization-code": "issue a code as a successful login would (body: client_id, redirect_uri, scope, state)",
        "token": "issue an access/refresh pair for an integration (body: client_id, scope)",
    }

    def __init__(self, sim):
        super().__init__(sim)
        self.directory = Directory(None)
        self.registry = CallRegistry()
        self.tokens = TokenStore(sim.clock.now, self.registry.rng)
        self.limiter = RateLimiter()
        self.records = Records(self)
        self.flows = Flows(self)
        self.notifier = Notifier(self)
        self.adapter = EngineAdapter(self)
        self._unsubscribe = None

    # ------------------------------------------------------------ life cycle
    @property
    def seed(self) -> int:
        return getattr(self.sim.world, "seed", 0)

    def reset(self) -> None:
        start = self.sim.clock.now()
        self.directory = Directory(self.section)
        self.registry.reset(self.seed)
        self.tokens = TokenStore(self.sim.clock.now, self.registry.rng)
        self.tokens.load(self.directory, start)
        self.limiter.reset()
        self.records.reset(self.directory, self.seed, start)
        if self._unsubscribe is None:
            self._unsubscribe = self.sim.bus.subscribe(self.adapter.on_event, self.slug)

    def world_changed(self, old: Any, new: Any) -> None:
        """A change made in the ЛК: the structure is rebuilt (parking set through the API is
        kept for numbers the patch left alone), tokens and codes stay, and each customer whose
        numbering or workplaces changed is told (§9.4, §9.5)."""
        previous = self.directory
        self.directory = Directory(new)
        old_t = old.tenants if old is not None else {}
        for cid, pbx in self.directory.pbx.items():
            before = previous.pbx.get(cid)
            if before is not None:
                for number, entry in pbx.cfg.numbers.items():
                    if before.cfg.numbers.get(number) == entry:
                        pbx.parking[number] = before.parking.get(number, entry.parking)
            was = old_t.get(cid)
            if was is None:
                continue
            if was.numbers != pbx.cfg.numbers:
                self.notifier.vpbx(pbx, "numbersChanged")
            if was.workplaces != pbx.cfg.workplaces:
                self.notifier.vpbx(pbx, "workplacesChanged")
        for bc in self.registry.calls.values():   # live calls keep their customer, with its new settings
            if bc.pbx.centrex_id in self.directory.pbx:
                bc.pbx = self.directory.pbx[bc.pbx.centrex_id]

    async def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def snapshot(self) -> Any:
        """Generated data: the record files of the calls before start, per customer."""
        out: dict[str, list] = {}
        for rec in self.records.by_path.values():
            out.setdefault(rec.centrex_id, []).append(rec.view())
        return out

    def describe(self) -> Any:
        return {
            "customers": {cid: {
                "name": pbx.cfg.name, "parking": pbx.parking,
                "integrations": list(pbx.cfg.integrations),
                "records": sum(1 for r in self.records.by_path.values() if r.centrex_id == cid)}
                for cid, pbx in self.directory.pbx.items()},
            "calls": [{"call": bc.call.id, "customer": bc.pbx.centrex_id, "type": bc.type,
                       "legs": [{"id": leg.id, "tag": leg.tag, "workplace": leg.workplace, "parked": leg.parked}
                                for leg in bc.legs if not leg.ended]}
                      for bc in self.registry.calls.values()],
            "tokens": len(self.tokens.access),
        }

    @classmethod
    def contract(cls) -> Contract:
        """contracts/mtt-business/openapi.yaml checks every request the journal holds, the
        OAuth pages and forms and the record downloads too (the document gives them one
        OpenAPI file, so every inbound entry goes to the REST validator whatever its catalogue
        transport); an unknown method answers 404/405 with the API's error body; a
        notification's body is checked against the webhook of its catalogue name
        (callNotifications, vpbxNotifications: the validator's default webhook_name)."""
        return Contract.from_files(cls.slug, catalogue=cls.catalogue,
                                   options={"rest": {"unknown_route_schema": "ApiError"}},
                                   transport_of=lambda entry: "rest")

    # ----------------------------------------------------------------- HTTP
    def setup_routes(self, app: web.Application) -> None:
        mount(self, app)

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        headers = None
        if status == 404:
            message = f"no method {request.path.rsplit('/', 1)[-1]!r}" if message == "Not Found" else message
        elif status == 405:
            message = f"method {request.method} is not allowed here"
            allow = routed_allow(request)
            headers = {"Allow": allow} if allow else None  # a 405 names the methods (RFC 9110 15.5.6)
        return api_error_response(ApiError(status, message, headers=headers))

    # --------------------------------------------------------------- control
    async def control_action(self, name: str, body: Any) -> Any:
        if name == "authorization-code":
            req = CodeAction.model_validate(body)
            pbx, integration = self._integration(req.client_id)
            redirect = req.redirect_uri or integration.redirect_uri
            if redirect not in registered_redirects(integration):
                raise ValueError(f"redirect_uri {redirect!r} is not registered for {req.client_id}")
            scope = (req.scope or self.directory.settings.scopes[0]).strip()
            code = self.tokens.new_code(req.client_id, req.redirect_uri, scope, self.directory.settings.code_ttl)
            return {"code": code, "state": req.state, "redirect_uri": redirect,
                    "expires_in": self.directory.settings.code_ttl}
        req = TokenAction.model_validate(body)
        pbx, _ = self._integration(req.client_id)
        grant = self.tokens.issue(self.directory, pbx, req.client_id,
                                  (req.scope or self.directory.settings.scopes[0]).strip())
        return TokenResponse(access_token=grant.access_token, refresh_token=grant.refresh_token,
                             expires_in=self.directory.settings.access_token_ttl, scope=grant.scope).model_dump()

    def _integration(self, client_id: str):
        found = self.directory.integration(client_id)
        if found is None:
            raise LookupError(f"no integration with client_id {client_id!r}")
        return found

    # ---------------------------------------------------------------- calls
    def number_owner(self, number: str, direction: str) -> str | None:
        """The customer with the external number an inbound call dials, or with the workplace
        or terminal SIP ID an outgoing call starts from."""
        if direction == "inbound":
            found = self.directory.by_number(number)
        else:
            found = self.directory.by_caller(number)
        return found[0].centrex_id if found is not None else None

    def call_numbers(self, direction: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for cid, pbx in self.directory.pbx.items():
            if direction == "inbound":
                out[cid] = list(pbx.cfg.numbers)
            else:
                out[cid] = [*pbx.cfg.workplaces, *(tid for tid, _, _ in pbx.terminals())]
        return out

    async def start_call(self, req: "CallRequest") -> "Call":
        if req.tenant is not None and req.tenant not in self.directory.pbx:
            raise LookupError(f"unknown mtt-business customer {req.tenant!r}")
        if req.direction == "inbound":
            found = self.directory.by_number(req.to)
            if found is not None and (req.tenant is None or found[0].centrex_id == req.tenant):
                pbx, number, cfg = found
                return self.flows.incoming(pbx, number, cfg, req)
        else:
            caller = self.directory.by_caller(req.from_)
            if caller is not None and (req.tenant is None or caller[0].centrex_id == req.tenant):
                return self.flows.outgoing(caller[0], caller[1], caller[2], req.to, req)
        return await super().start_call(req)

