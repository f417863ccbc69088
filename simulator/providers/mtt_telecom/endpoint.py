"""A JSON-RPC endpoint of the provider (POST /index.php and friends): Basic authentication
by the host's credentials, dispatch through the core's JSON-RPC server, the Zend SMD on GET,
and the :class:`Ctx` every method handler receives."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from aiohttp import web

from ...catalogue import Operation, set_operation
from ...jsonrpc import BATCH, INVALID, JsonRpcError, MethodSet, Server, describe, error_object, response
from . import errors as E
from .auth import authenticate, challenge
from .state import AccountRef, CustomerRef, State
from .world import Tenant

if TYPE_CHECKING:
    from .provider import MttTelecomProvider


@dataclass(frozen=True)
class Endpoint:
    """A JSON-RPC route: its path, real host, whose credentials open it, its methods."""

    path: str
    host: str
    credentials: str          # a state.HOSTS name: webapicommon, gapi, ...
    methods: MethodSet
    #: catalogue name prefix when the same methods are served on a second route (archive.)
    prefix: str = ""
    section: Optional[str] = None
    #: GET answers the Zend_Json_Server service description
    smd: bool = True

    def operations(self) -> tuple[Operation, ...]:
        ops = self.methods.operations(path=self.path, host=self.host, section=self.section, prefix=self.prefix)
        # what the JSON-RPC server journals besides a method: a batch, a body naming no method
        # (or credentials refused before it was read)
        section = self.section or "JSON-RPC 2.0 (wire-facts 4.1)"
        ops += (Operation(self.prefix + BATCH, section, "jsonrpc", method="POST", path=self.path, selector=BATCH,
                          host=self.host, summary="A batch of calls (JSON-RPC 2.0)"),
                Operation(self.prefix + INVALID, section, "jsonrpc", method="POST", path=self.path,
                          selector=INVALID, host=self.host,
                          summary="A body naming no method, or credentials refused: a JSON-RPC error"))
        if self.smd:
            ops += (Operation(f"GET {self.path}", "Service description (wire-facts 4.1)", "rest", method="GET",
                              path=self.path, host=self.host,
                              summary="Zend_Json_Server SMD: the methods, their parameters and return types"),)
        return ops


@dataclass(slots=True)
class Ctx:
    """What a method handler gets: the provider, the live state and the agent (tenant)."""

    provider: "MttTelecomProvider"
    endpoint: Endpoint
    tenant_id: str
    request: web.Request

    @property
    def state(self) -> State:
        return self.provider.state

    @property
    def tenant(self) -> Tenant:
        return self.state.tenant(self.tenant_id)

    @property
    def archive(self) -> bool:
        return self.endpoint.prefix == "archive."

    def now(self) -> float:
        return self.provider.sim.clock.now()

    def customer(self, name: Any, *, unknown: JsonRpcError | None = None) -> CustomerRef:
        """The agent's customer ``name``; -32001 when nobody has it, -32002 when another agent does."""
        ref = self.state.customer(name)
        if ref is None:
            raise unknown or E.data_not_found()
        if ref.tenant_id != self.tenant_id:
            raise E.permission_denied(E.NO_CUSTOMER_ACCESS)
        return ref

    def account(self, sip_id: Any, *, by_number: bool = False,
                unknown: JsonRpcError | None = None) -> AccountRef:
        """The agent's account ``sip_id``; -32001 when it does not exist, -32002 "You can not
        access to this sip_id" when it belongs to another agent."""
        ref = self.provider.state.account(sip_id, by_number=by_number)
        if ref is None:
            raise unknown or E.data_not_found()
        if ref.tenant_id != self.tenant_id:
            raise E.permission_denied(E.NO_SIP_ACCESS)
        return ref


class RpcRoute:
    def __init__(self, provider: "MttTelecomProvider", endpoint: Endpoint):
        self.p = provider
        self.endpoint = endpoint
        self.server = Server(endpoint.methods, status_for=E.http_status)

    def handlers(self) -> dict[str, Any]:
        out = {f"POST {self.endpoint.path}": self.post}
        if self.endpoint.smd:
            out[f"GET {self.endpoint.path}"] = self.get
        return out

    def _tenant(self, request: web.Request) -> Optional[str]:
        return authenticate(request, self.p.state, self.endpoint.credentials)

    def unauthorized(self) -> web.Response:
        """No or wrong credentials: HTTP 401 with a JSON-RPC error body."""
        body = error_object(E.permission_denied("Authentication required"), None)
        return web.Response(text=json.dumps(body), status=401, content_type="application/json",
                            headers=challenge(self.endpoint.host))

    async def post(self, request: web.Request) -> web.StreamResponse:
        tenant_id = self._tenant(request)
        if tenant_id is None:
            set_operation(request, self.endpoint.prefix + INVALID)
            return self.unauthorized()
        ctx = Ctx(self.p, self.endpoint, tenant_id, request)
        body = request._read_bytes  # the core's observer has read it (aiohttp's cache of read())
        reply = await self.server.handle(await request.read() if body is None else body, ctx)
        set_operation(request, self.endpoint.prefix + reply.operation)
        return response(reply)

    async def get(self, request: web.Request) -> web.StreamResponse:
        if self._tenant(request) is None:
            return self.unauthorized()
        return web.json_response(describe(self.endpoint.methods, target=self.endpoint.path,
                                          description=f"{self.p.title}: {self.endpoint.host}{self.endpoint.path}"))
