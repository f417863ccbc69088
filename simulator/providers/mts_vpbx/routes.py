"""HTTP routes of the portal, paths exactly as the document writes them."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Awaitable, Callable, Optional

from aiohttp import web
from pydantic import BaseModel

from ...engine import CallNotFound, Cause
from ...http import audio_response, set_tenant
from . import errors as E
from .auth import authenticate
from .backend import Enterprise
from .catalogue import CATALOGUE
from .errors import VpbxError
from .models import (
    CallHistoryQuery, ParallelRuleIn, RedirectRuleIn, ScheduleIn, SequentialRuleIn, ServiceActivation,
    SubscriptionRequest,
)
from .validators import parse_address
from .wire import answer, body_as, body_long, int_param, json_body, ok, parse

if TYPE_CHECKING:
    from .provider import MtsVpbx

Handler = Callable[[web.Request, Enterprise], Awaitable[web.StreamResponse]]
RULE_MODELS: dict[str, type[BaseModel]] = {"parallel": ParallelRuleIn, "sequential": SequentialRuleIn,
                                           "redirect": RedirectRuleIn}
TRANSFERABLE = ("Alerting", "Held", "Remote Held", "Active")


class Routes:
    def __init__(self, provider: "MtsVpbx"):
        self.p = provider

    # -------------------------------------------------------------- plumbing
    def wrap(self, fn: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Authenticates the request (X-AUTH-TOKEN) and renders a VpbxError in the portal's format."""
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                ent = authenticate(request, self.p.backend)
                set_tenant(request, ent.cfg.bwksId)
                return await fn(request, ent)
            except VpbxError as exc:
                return self.p.error_response(request, exc.status, exc.message)
        return handler

    def handlers(self) -> dict[str, Handler]:
        """Each catalogue operation's handler (catalogue.py names them as the document does)."""
        out: dict[str, Handler] = {
            "POST /api/service/apicrm": self.activate_apicrm,
            "POST /api/service/webhook": self.activate_webhook,
            "GET /api/abonents": self.abonents,
            "GET /api/groups": self.groups,
            "GET /api/v1/callHistory/enterprise": self.history_enterprise,
            "GET /api/v1/callHistory/user/{userId}": self.history_user,
            "GET /api/v1/callHistory/group/{groupId}": self.history_group,
            "GET /api/callHistory": self.history_legacy,
            "POST /api/subscription": self.subscribe,
            "GET /api/subscription": self.subscription_get,
            "PUT /api/subscription": self.subscription_put,
            "DELETE /api/subscription": self.subscription_delete,
            "GET /api/user/{id}/calls": self.calls_list,
            "POST /api/user/{id}/calls": self.calls_create,
            "POST /api/user/{id}/calls/CallReturn": self.call_return,
            "POST /api/user/{id}/calls/LastNumberRedial": self.last_number_redial,
            "GET /api/user/{id}/calls/{callId}": self.call_get,
            "DELETE /api/user/{id}/calls/{callId}": self.call_delete,
            "PUT /api/user/{id}/calls/{callId}/BlindTransfer": self.blind_transfer,
            "PUT /api/user/{id}/calls/{callId}/ConsultTransfer/{callId2}": self.consult_transfer,
            "GET /api/callRecording/mp3/{extTrackingId}": self.recording_mp3,
            "GET /api/callRecording/{extTrackingId}": self.recording,
            "GET /api/findMe/{userId}": self.findme_get,
            "GET /api/schedules/abonent/{abonentId}": self.schedules_get,
        }
        for kind in RULE_MODELS:
            out[f"POST /api/findMe/{{userId}}/{kind}"] = functools.partial(self.findme_create, kind=kind)
            out[f"PUT /api/findMe/{{userId}}/{kind}/{{id}}"] = functools.partial(self.findme_update, kind=kind)
            out[f"DELETE /api/findMe/{{userId}}/{kind}/{{id}}"] = functools.partial(self.findme_delete, kind=kind)
        for kind, owner in (("abonent", "abonentId"), ("group", "groupId")):
            for method, fn in (("POST", self.schedule_create), ("PUT", self.schedule_update),
                               ("DELETE", self.schedule_delete)):
                out[f"{method} /api/schedules/{kind}/{{{owner}}}"] = functools.partial(fn, kind=kind, owner_param=owner)
        return out

    def setup(self, app: web.Application) -> None:
        CATALOGUE.mount(app, {name: self.wrap(fn) for name, fn in self.handlers().items()})

    @property
    def now(self) -> float:
        return self.p.sim.clock.now()

    # ---------------------------------------------------------- 4.1 - 4.2
    async def _activate(self, request: web.Request, ent: Enterprise, kind: str) -> web.Response:
        body = await body_as(request, ServiceActivation)
        ent.activate(kind, body.callbackUrl, body.clientApiKey)  # type: ignore[arg-type]
        self.p.notifier.arm_check_alive(ent, kind)
        return ok()

    async def activate_apicrm(self, request, ent):
        return await self._activate(request, ent, "apicrm")

    async def activate_webhook(self, request, ent):
        return await self._activate(request, ent, "webhook")

    # ---------------------------------------------------------- 4.4, 4.10
    async def abonents(self, request, ent):
        q = request.query
        phone, extension = q.get("phoneNumber") or None, q.get("extension") or None
        if phone is None and extension is None:
            return answer(ent.abonents_json())
        return ok(ent.list_abonents(phone, extension))

    async def groups(self, request, ent):
        return ok(list(ent.groups.values()))

    # ---------------------------------------------------------------- 4.5
    def _history_query(self, request) -> CallHistoryQuery:
        data = {k: v for k, v in request.query.items() if k in CallHistoryQuery.model_fields}
        return parse(CallHistoryQuery, data)

    async def history_enterprise(self, request, ent):
        return answer(ent.history.page_json(self._history_query(request)))

    async def history_user(self, request, ent):
        uid = int_param(request, "userId")
        q = self._history_query(request)
        ent.abonent(uid)
        return answer(ent.history.page_json(q, user_id=uid))

    async def history_group(self, request, ent):
        gid = int_param(request, "groupId")
        q = self._history_query(request)
        ent.group(gid)
        return answer(ent.history.page_json(q, group_id=gid))

    async def history_legacy(self, request, ent):
        """The older ``GET /api/callHistory`` with a JSON body (not in the document; real clients use it)."""
        body = await json_body(request, required=False) or {}
        if not isinstance(body, dict):
            raise VpbxError(400, E.BAD_JSON.format(detail="a JSON object is expected"))
        now_ms = int(self.now * 1000)
        data = {"direction": body.get("callDirection"), "status": body.get("callStatus"),
                "calledNumber": body.get("calledNumber"), "callingNumber": body.get("callingNumber"),
                "dateFrom": body.get("dateFrom") or now_ms - 86400000, "dateTo": body.get("dateTo") or now_ms,
                "page": 0, "size": 1000}
        q = parse(CallHistoryQuery, data)
        uid = body.get("abonentId")
        if uid is not None:
            uid = body_long(uid, "abonentId")
            ent.abonent(uid)
        return ok(ent.history.query(q, user_id=uid).content)

    # ---------------------------------------------------------------- 4.6
    async def _subscription_body(self, request) -> SubscriptionRequest:
        """The document sends a JSON body (also on GET); clients that cannot send a body on GET
        may give abonentId/subscriptionId as query parameters."""
        body = await json_body(request, required=False)
        if body is None:
            body = {k: v for k, v in request.query.items() if k in ("abonentId", "subscriptionId")}
            if not body:
                raise VpbxError(400, "Required request body is missing")
        return parse(SubscriptionRequest, body)

    async def subscribe(self, request, ent):
        body = await self._subscription_body(request)
        sub = ent.subscribe(body.abonentId, self.now)
        self.p.notifier.arm_expiry(ent, sub)
        return ok(ent.subscription_view(sub, self.now))

    async def subscription_get(self, request, ent):
        body = await self._subscription_body(request)
        return ok(ent.subscription_view(ent.subscription(body.abonentId, body.subscriptionId, self.now), self.now))

    async def subscription_put(self, request, ent):
        body = await self._subscription_body(request)
        sub = ent.renew(body.abonentId, body.subscriptionId, self.now)
        self.p.notifier.arm_expiry(ent, sub)
        return ok(ent.subscription_view(sub, self.now))

    async def subscription_delete(self, request, ent):
        body = await self._subscription_body(request)
        ent.unsubscribe(body.abonentId, body.subscriptionId, self.now)
        return ok()

    # ---------------------------------------------------------------- 4.8
    def _abonent(self, request, ent):
        return ent.abonent(int_param(request, "id"))

    def _call(self, request, ent):
        ab = self._abonent(request, ent)
        call_id = request.match_info["callId"]
        ac = self.p.registry.get(ab.userId, call_id)
        if ac is None or not ac.live:
            raise VpbxError(404, E.CALL_NOT_FOUND.format(id=call_id))
        return ab, ac

    def _leg(self, ac):
        try:
            call = self.p.sim.engine.get(ac.engine_call_id)
        except CallNotFound:
            raise VpbxError(404, E.CALL_NOT_FOUND.format(id=ac.callId)) from None
        leg = call.legs.get(ac.leg_id)
        if leg is None or leg.ended:
            raise VpbxError(404, E.CALL_NOT_FOUND.format(id=ac.callId))
        return call, leg

    async def calls_list(self, request, ent):
        ab = self._abonent(request, ent)
        return ok([ac.summary() for ac in self.p.registry.live_for(ab.userId)])

    def _address(self, request) -> str:
        raw = request.query.get("address")
        if raw is None or raw.strip() == "":
            raise VpbxError(400, "Required request parameter 'address' is not present")
        number = parse_address(raw)
        if number is None:
            raise VpbxError(400, E.BAD_ADDRESS.format(value=raw))
        return number

    async def calls_create(self, request, ent):
        ab = self._abonent(request, ent)
        self.p.click_to_dial(ent, ab, self._address(request))
        return ok(status=201)

    async def call_return(self, request, ent):
        ab = self._abonent(request, ent)
        if not ab.last_received:
            raise VpbxError(400, E.NO_CALL_TO_RETURN)
        ac = self.p.click_to_dial(ent, ab, ab.last_received)
        return ok(ac.summary())

    async def last_number_redial(self, request, ent):
        ab = self._abonent(request, ent)
        if not ab.last_dialed:
            raise VpbxError(400, E.NO_NUMBER_TO_REDIAL)
        ac = self.p.click_to_dial(ent, ab, ab.last_dialed)
        return ok(ac.summary())

    async def call_get(self, request, ent):
        _, ac = self._call(request, ent)
        return ok(ac.details())

    async def call_delete(self, request, ent):
        _, ac = self._call(request, ent)
        call, leg = self._leg(ac)
        # ending a call that still rings declines it, as the phone's reject key does (busy forwarding applies)
        cause = Cause.NORMAL_CLEARING if leg.answered_at is not None else Cause.CALL_REJECTED
        self.p.sim.engine.hangup(leg, cause, by="party")
        return ok()

    async def blind_transfer(self, request, ent):
        ab, ac = self._call(request, ent)
        number = self._address(request)
        if ac.state not in TRANSFERABLE:
            raise VpbxError(400, E.TRANSFER_BAD_STATE.format(id=ac.callId, state=ac.state))
        call, leg = self._leg(ac)
        if not call.peers(leg) and not any(l is not leg and l.role == "origin" for l in call.live_legs()):
            raise VpbxError(400, E.TRANSFER_BAD_STATE.format(id=ac.callId, state="Idle"))
        self.p.blind_transfer(ent, ab, ac, call, leg, number)
        return ok()

    async def consult_transfer(self, request, ent):
        ab, ac1 = self._call(request, ent)
        ac2 = self.p.registry.get(ab.userId, request.match_info["callId2"])
        if ac2 is None or not ac2.live:
            raise VpbxError(404, E.CALL_NOT_FOUND.format(id=request.match_info["callId2"]))
        _, leg1 = self._leg(ac1)
        _, leg2 = self._leg(ac2)
        try:
            self.p.sim.engine.consult_transfer(leg1, leg2)
        except ValueError:
            raise VpbxError(400, f"Calls {ac1.callId} and {ac2.callId} can not be joined") from None
        return ok()

    # ---------------------------------------------------------------- 4.9
    def _recording_seconds(self, request, ent) -> tuple[str, float]:
        ext = request.match_info["extTrackingId"]
        key = ent.recording_key(ext)
        if key is None:
            raise VpbxError(404, E.RECORD_NOT_FOUND.format(id=ext))
        return key, ent.recordings[key]

    async def recording(self, request, ent):
        key, seconds = self._recording_seconds(request, ent)
        return await audio_response(request, seconds, "wav", filename=f"{key}.wav")

    async def recording_mp3(self, request, ent):
        key, seconds = self._recording_seconds(request, ent)
        return await audio_response(request, seconds, "mp3", filename=f"{key}.mp3")

    # --------------------------------------------------------------- 4.11
    async def findme_get(self, request, ent):
        return ok(ent.findme_of(int_param(request, "userId")).view())

    async def findme_create(self, request, ent, kind):
        uid = int_param(request, "userId")
        ent.abonent(uid)
        body = await body_as(request, RULE_MODELS[kind])
        return ok(ent.save_rule(uid, kind, body))  # type: ignore[arg-type]

    async def findme_update(self, request, ent, kind):
        uid = int_param(request, "userId")
        rid = int_param(request, "id")
        ent.abonent(uid)
        body = await body_as(request, RULE_MODELS[kind])
        return ok(ent.save_rule(uid, kind, body, rid))  # type: ignore[arg-type]

    async def findme_delete(self, request, ent, kind):
        uid = int_param(request, "userId")
        rid = int_param(request, "id")
        ent.delete_rule(uid, kind, rid)  # type: ignore[arg-type]
        return ok()

    # --------------------------------------------------------------- 4.12
    async def schedules_get(self, request, ent):
        return answer(ent.schedules_answer(int_param(request, "abonentId")))

    async def schedule_create(self, request, ent, kind, owner_param):
        owner = int_param(request, owner_param)
        ent._owner_check(kind, owner)
        body = await body_as(request, ScheduleIn)
        return answer(ent.add_schedule(kind, owner, body.model_copy(update={"recordId": None})).answer())

    async def schedule_update(self, request, ent, kind, owner_param):
        owner = int_param(request, owner_param)
        ent._owner_check(kind, owner)
        body = await body_as(request, ScheduleIn)
        if body.recordId is None and request.query.get("recordId"):
            body = body.model_copy(update={"recordId": int_param(request, "recordId")})
        return answer(ent.replace_schedule(kind, owner, body, await request.read()).answer())

    async def schedule_delete(self, request, ent, kind, owner_param):
        owner = int_param(request, owner_param)
        record_id: Optional[int] = None
        if request.query.get("recordId"):
            record_id = int_param(request, "recordId")
        else:
            body = await json_body(request, required=False)
            if isinstance(body, dict) and body.get("recordId") is not None:
                record_id = body_long(body["recordId"], "recordId")
        ent.delete_schedule(kind, owner, record_id)
        return ok()
