"""MTT Telecom API ("Gnezdo"): JSON-RPC 2.0 on webapicommon.mtt.ru/index.php, records on
rc.mtt.ru, CallBack prompts on fuds1.mtt.ru, premedia/numbers/GBL on gapi.mtt.ru, smart calls on
sb-api.mtt.ru, SMS on msapi.mtt.ru. Routes come from the catalogue (catalogue.py), which
lists every module."""
from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...engine import Cause
from ...jsonrpc import JsonRpcError, error_object, loads
from ..base import Provider
from ..registry import register
from .catalogue import CATALOGUE, ENDPOINTS, INBOUND, MODULES, SLUG
from .endpoint import RpcRoute
from .history import conf_id_for
from .state import AccountRef, State, number_of
from .world import MttTelecomWorld

if TYPE_CHECKING:
    from ...engine.calls import Call, Leg
    from ...sim import CallRequest

log = logging.getLogger("simulator.mtt_telecom")

HOSTS = ("webapicommon.mtt.ru", "rc.mtt.ru", "rs.mtt.ru", "fuds1.mtt.ru", "fuds.mtt.ru", "gapi.mtt.ru",
         "sb-api.mtt.ru", "msapi.mtt.ru", "api.mtt.ru")
RPC_PATHS = frozenset(e.path for e in ENDPOINTS)


@register
class MttTelecomProvider(Provider):
    slug = SLUG
    title = "MTT Telecom API"
    hosts = HOSTS
    section_model = MttTelecomWorld
    catalogue = CATALOGUE
    control_actions = {name: (fn.__doc__ or "").strip().splitlines()[0]
                       for module in MODULES for name, fn in getattr(module, "ACTIONS", {}).items()}

    def __init__(self, sim):
        super().__init__(sim)
        self.state = State.build(None)
        self.rpc_routes = [RpcRoute(self, e) for e in ENDPOINTS]
        self._unsubscribe = None

    @classmethod
    def contract(cls):
        """contracts/mtt-telecom/: OpenRPC for the JSON-RPC endpoints, the hosts' OpenAPI files
        for the rest (contract.py)."""
        from .contract import telecom_contract
        return telecom_contract()

    # ------------------------------------------------------------ life cycle
    def reset(self) -> None:
        self.state = State.build(self.section)
        self._each("reset")

    def world_changed(self, old: Any, new: Any) -> None:
        """A patched world is a change made by MTT's support: the state is rebuilt from it
        (what the API changed is replaced by the new world's data); finished CallBack calls,
        uploads and history made by engine calls are kept."""
        extra = self.state.extra
        self.state = State.build(self.section)
        self.state.extra = extra
        self._each("world_changed")

    async def startup(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self.sim.bus.subscribe(self._on_event, self.slug)
        if "faker" not in sys.modules:
            # the SMS histories' Faker loads off the loop once the server runs (sms.py makes
            # them on first use), so neither start-up nor the first SMS request waits for it
            asyncio.get_running_loop().run_in_executor(None, importlib.import_module, "faker")

    async def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _each(self, hook: str, *args: Any) -> None:
        for module in MODULES:
            fn = getattr(module, hook, None)
            if fn is not None:
                fn(self, *args)

    def _on_event(self, event) -> None:
        self._each("on_event", event)

    def snapshot(self) -> Any:
        from .history import snapshot
        from .sms import snapshot as sms_snapshot
        return {**snapshot(self), "sms": sms_snapshot(self)}

    def describe(self) -> Any:
        """Per tenant its customers with live balances, CallBack structure and calls, uploads."""
        extra = self.state.extra
        runs = list(extra.get("callback_runs", {}).values())
        return {"tenants": {tid: {"customers": {name: {
            "balance": c.balance, "real_balance": c.real_balance, "accounts": len(c.accounts),
            "callback_structure": bool(c.callback and c.callback.callBackFollowmeStruct),
            "callback_prompts": sorted(c.callback_prompts),
            "history_rows": len(extra.get("history", {}).get(name).all) if name in extra.get("history", {}) else 0,
        } for name, c in t.customers.items()}} for tid, t in self.state.world.tenants.items()},
            "callback_calls": [{"callBackCall_id": r.id, "customer_name": r.customer_name, "status": r.status,
                                "failure": r.failure, "call_id": r.call_id} for r in runs[-50:]],
            "uploads": {u.id: u.status for u in list(extra.get("uploads", {}).values())[-50:]},
            "records": len(extra.get("records", {})),
            "sms_accounts": extra["sms"].describe() if "sms" in extra else {},
            "smart_calls": extra["smartcalls"].started if "smartcalls" in extra else 0}

    # ----------------------------------------------------------------- HTTP
    def setup_routes(self, app: web.Application) -> None:
        handlers: dict[str, Any] = {}
        for route in self.rpc_routes:
            handlers.update(route.handlers())
        for module in MODULES:
            if hasattr(module, "handlers"):
                handlers.update(module.handlers(self))
        CATALOGUE.mount(app, handlers)

    def _inner(self, request: web.Request) -> str:
        path = request.path
        prefix = f"/{self.slug}"
        return path[len(prefix):] or "/" if path.startswith(prefix + "/") else path

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        """JSON-RPC routes answer a JSON-RPC error object; the REST hosts a JSON error."""
        if self._inner(request) in RPC_PATHS:
            code = -32601 if status in (404, 405) else -32603
            return self.json(error_object(JsonRpcError(code, data=message), None), status=status)
        for module in MODULES:  # a REST host's own error body (SMS, smart calls)
            render = getattr(module, "error_body", None)
            out = render(self, request, self._inner(request), status, message) if render else None
            if out is not None:
                return out
        return self.json({"error": message, "status": status}, status=status)

    def native_fault(self, request: web.Request, code: str) -> web.StreamResponse:
        """A fault ``native: "<http status>[.<JSON-RPC code>]"`` on a JSON-RPC route answers
        that JSON-RPC error (default -32603 Internal error) with the request's id."""
        inner = self._inner(request)
        if inner.startswith(("/upload/", "/status/")):
            # fuds1.mtt.ru: "error_internal - внутренняя ошибка сервиса"
            status_s = str(code).split(".")[0]
            return self.json({"status": "error_internal"}, status=int(status_s) if status_s.isdigit() else 500)
        if inner not in RPC_PATHS:
            return super().native_fault(request, code)
        status_s, _, rpc = str(code).partition(".")
        try:
            status, rpc_code = int(status_s), int(rpc) if rpc else -32603
        except ValueError:
            status, rpc_code = 500, -32603
        id_ = None
        try:  # the core has read the body already
            data = loads(getattr(request, "_read_bytes", None) or b"")
            id_ = data.get("id") if isinstance(data, dict) else None
        except (ValueError, RecursionError):
            pass
        message = "Data not found" if rpc_code == -32001 else None
        return self.json(error_object(JsonRpcError(rpc_code, message), id_), status=status)

    async def control_action(self, name: str, body: Any) -> Any:
        """POST /_sim/providers/mtt-telecom/actions/{name}: the ACTIONS the modules declare
        (sms.inbound: an inbound SMS)."""
        for module in MODULES:
            fn = getattr(module, "ACTIONS", {}).get(name)
            if fn is not None:
                return await fn(self, body)
        raise LookupError(f"no action {name!r}")

    # ---------------------------------------------------------------- calls
    def number_owner(self, number: str, direction: str) -> str | None:
        """The agent (tenant) whose customer has the account: the sip_id or its phone number an
        inbound call dials, or an outgoing call starts from (8XXXXXXXXXX as 7XXXXXXXXXX)."""
        ref = self.state.account_for_number(number)
        return ref.tenant_id if ref is not None else None

    def call_numbers(self, direction: str) -> dict[str, list[str]]:
        """Per agent, the phone numbers and sip_ids of its customers' accounts."""
        out: dict[str, list[str]] = {tid: [] for tid in self.state.world.tenants}
        for sip_id, ref in self.state.accounts.items():
            out.setdefault(ref.tenant_id, []).extend((number_of(sip_id, ref.account), sip_id))
        return {tid: list(dict.fromkeys(numbers)) for tid, numbers in out.items()}

    async def start_call(self, req: "CallRequest") -> "Call":
        """An inbound call to a sip_id (or its number) is routed by the account's settings
        (INBOUND in catalogue.py); any other call is the core's plain call."""
        ref = self.state.account_for_number(req.to) if req.direction == "inbound" else None
        if req.tenant and req.tenant not in self.state.world.tenants:
            raise LookupError(f"unknown mtt-telecom tenant {req.tenant!r}")
        if ref is None:
            return await super().start_call(req)
        engine = self.sim.engine
        call = engine.create_call(self.slug, ref.tenant_id, "inbound", req.from_, req.to,
                                  record=req.record or ref.account.record, script=req.script,
                                  meta={**req.meta, "sip_id": ref.sip_id, "customer_name": ref.customer_name,
                                        "number": number_of(ref.sip_id, ref.account)})
        call.meta["h323_conf_id"] = conf_id_for(self, call.id)
        origin = engine.add_origin(call, req.from_, behaviour=req.caller)
        engine.spawn(call, self._inbound(call, origin, ref))
        return call

    async def _inbound(self, call: "Call", origin: "Leg", ref: AccountRef) -> None:
        for router in INBOUND:
            if await router(self, call, origin, ref):
                return
        # nothing routes the call and no SIP device of the sip_id is simulated: absent subscriber
        if not origin.ended:
            self.sim.engine.hangup(origin, Cause.SUBSCRIBER_ABSENT)
