"""SMS API on msapi.mtt.ru (REST v2, Basic {accountSID}:{authToken}): the account's numbers,
sending, the message history with its filters, and the event notifications of each status
change (form-urlencoded, POST or GET as the account chose)."""
from __future__ import annotations

import uuid
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...digits import is_ascii_digits
from ...catalogue import CallbackSpec, Operation
from ...delivery import Callback, FixedRetry
from ...http import set_tenant
from ...world import faker_for, rng_for
from ...world.loader import describe_errors
from ...http import basic_credentials
from .sms_wire import envelope, json_object, json_response, paging
from .sms_store import Message, SendMessage, SmsAccount, SmsError, number_sid, segment_count

SECTION = "SMS API"
HOST = "msapi.mtt.ru"
ACCOUNT = "/v2/accounts/{accountSID}"

OPERATIONS = (
    Operation("GET /v2/accounts/{accountSID}/numbers", SECTION, "rest", "GET", ACCOUNT + "/numbers",
              host=HOST, summary="numbers of the account with their allowed direction"),
    Operation("POST /v2/accounts/{accountSID}/messages", SECTION, "rest", "POST", ACCOUNT + "/messages",
              host=HOST, summary="send a message"),
    Operation("GET /v2/accounts/{accountSID}/messages", SECTION, "rest", "GET", ACCOUNT + "/messages",
              host=HOST, summary="message history with filters"),
    Operation("GET /v2/accounts/{accountSID}/messages/{messageSID}", SECTION, "rest", "GET",
              ACCOUNT + "/messages/{messageSID}", host=HOST, summary="one message"),
)
CALLBACKS = (
    CallbackSpec("SMS event", SECTION, "form", "the account's event URL", method="POST",
                 summary="status change of an outbound message (queued, prebilling, sent, delivered...) "
                         "or an inbound message (received); GET with a query string when the account chose GET"),
)

#: seconds each outbound status lasts before the next one (decisions.md, mtt-telecom part 2)
LIFECYCLE = (("queued", 0.0), ("prebilling", 1.0), ("sent", 2.0), ("delivered", 5.0))
TEXT_MAX_SEGMENTS = 10
EVENT_POLICY = FixedRetry(max_attempts=3, delay=30.0)
FILTERS = ("message_sid", "number", "external_number", "number_sid", "direction", "status")


class SmsApi:
    def __init__(self, provider):
        self.p = provider
        self._accounts: dict[str, SmsAccount] = {}  # every spelling of an accountSID
        # histories generated on first use, in reset order (the same ids as generated at once):
        # the generator's Faker costs a fifth of the start-up and most runs send no SMS
        self._pending: list[tuple[SmsAccount, int, int]] = []
        self._timers: list = []
        self._rng = rng_for(0, "mtt-telecom", "sms")

    # ------------------------------------------------------------- state
    def reset(self) -> None:
        for handle in self._timers:
            handle.cancel()
        self._timers = []
        seed = getattr(self.p.sim.world, "seed", 0)
        self._rng = rng_for(seed, "mtt-telecom", "sms")
        self._accounts = {}
        self._pending = []
        now = int(self.p.sim.clock.now())
        for tid, tenant in self._tenants():
            for sid, cfg in tenant.msapi.items():
                acc = SmsAccount(sid, tid, cfg)
                self._pending.append((acc, seed, now))
                for name in (sid, *cfg.aliases):
                    self._accounts[name] = acc

    @property
    def accounts(self) -> dict[str, SmsAccount]:
        if self._pending:
            pending, self._pending = self._pending, []
            for acc, seed, now in pending:
                self._generate(acc, seed, now)
        return self._accounts

    def world_changed(self) -> None:
        """New credentials, numbers or event URLs apply at once; the history stays."""
        old = {acc.sid: acc for acc in self.accounts.values()}
        self._accounts = {}
        seed = getattr(self.p.sim.world, "seed", 0)
        for tid, tenant in self._tenants():
            for sid, cfg in tenant.msapi.items():
                acc = old.get(sid)
                if acc is None:
                    acc = SmsAccount(sid, tid, cfg)
                    self._generate(acc, seed, int(self.p.sim.clock.now()))
                acc.tenant, acc.cfg = tid, cfg
                for name in (sid, *cfg.aliases):
                    self._accounts[name] = acc

    def _tenants(self):
        return list(self.p.state.world.tenants.items())

    def _generate(self, acc: SmsAccount, seed: int, now: int) -> None:
        seeds = sorted(acc.cfg.messages.items(), key=lambda kv: kv[1].created_at)
        fake = faker_for(seed, "mtt-telecom", "sms", acc.sid)
        ours = sorted(acc.cfg.numbers)
        generated = []
        if ours:
            for day in range(acc.cfg.history_days, 0, -1):
                for _ in range(acc.cfg.messages_per_day):
                    number = fake.random_element(ours)
                    allowed = acc.cfg.numbers[number].direction
                    direction = {"IN": "inbound", "OUT": "outbound"}.get(
                        allowed, fake.random_element(["inbound", "outbound"]))
                    status = "received" if direction == "inbound" else fake.random_element(
                        ["delivered"] * 8 + ["undelivered", "sent"])
                    created = now - day * 86400 + fake.random_int(0, 86399)
                    generated.append((created, direction, number, "79" + fake.numerify("#########"),
                                      fake.sentence(nb_words=6), status))
        rows = [(s.created_at, s.direction, s.number, s.external_number, s.text, s.status, sid)
                for sid, s in seeds]
        rows += [(*g, None) for g in generated]
        for created, direction, number, external, text, status, sid in sorted(rows, key=lambda r: r[0]):
            acc.add(Message(account_sid=acc.sid, message_sid=sid or self._msg_sid(), text=text,
                            created_at=created, direction=direction, number=number,
                            external_number=external, status=status, segment_count=segment_count(text)))

    def _msg_sid(self) -> str:
        return "msg" + str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _request_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # ---------------------------------------------------------- handlers
    def error(self, status: int, message: str) -> web.Response:
        return json_response({"status_code": status, "request_id": self._request_id(), "error": message}, status)

    def authenticate(self, request: web.Request) -> SmsAccount:
        creds = basic_credentials(request)
        path_sid = request.match_info.get("accountSID", "")
        acc = self.accounts.get(path_sid)
        if creds is None or acc is None or self.accounts.get(creds[0]) is not acc \
                or creds[1] != acc.cfg.auth_token:
            raise SmsError(401, "Unauthorized: invalid accountSID or token")
        set_tenant(request, acc.tenant)
        return acc

    async def numbers(self, request: web.Request, acc: SmsAccount) -> web.Response:
        """GET .../numbers: the account's numbers, paged by limit/offset."""
        limit, offset = paging(request)
        numbers = sorted(acc.cfg.numbers.items())
        page = [{"number": n, "direction": c.direction, "number_sid": number_sid(n)}
                for n, c in numbers[offset:offset + limit]]
        return json_response({**envelope(request, len(numbers), limit, offset), "numbers": page})

    async def send(self, request: web.Request, acc: SmsAccount) -> web.Response:
        """POST .../messages: queue a message; its statuses follow on the virtual clock."""
        body = await json_object(request)
        fields: dict[str, Any] = {}
        for key in ("from", "to", "text", "tag"):
            value = body.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise SmsError(400, f"Invalid params: {key} should be a string")
            fields["from_" if key == "from" else key] = str(value)
        req = SendMessage.model_validate(fields)
        sender, to, text = req.from_.strip().lstrip("+"), req.to.strip().lstrip("+"), req.text
        if not sender:
            raise SmsError(400, "Invalid params: from shouldn't be empty")
        if not to:
            raise SmsError(400, "Invalid params: to shouldn't be empty")
        if not text:
            raise SmsError(400, "Invalid params: text shouldn't be empty")
        if not is_ascii_digits(to) or not 10 <= len(to) <= 15:
            raise SmsError(400, "Invalid params: to should be a phone number in E.164 format")
        own = acc.cfg.numbers.get(sender)
        if own is None or own.direction == "IN":
            raise SmsError(400, f"Invalid params: from number {sender} is not allowed for outbound messages")
        if segment_count(text) > TEXT_MAX_SEGMENTS:
            raise SmsError(400, f"Invalid params: text shouldn't be longer than {TEXT_MAX_SEGMENTS} segments")
        if req.tag is not None and len(req.tag) > 255:
            raise SmsError(400, "Invalid params: tag shouldn't be longer than 255 characters")
        msg = Message(account_sid=acc.sid, message_sid=self._msg_sid(), text=text,
                      created_at=int(self.p.sim.clock.now()), direction="outbound", number=sender,
                      external_number=to, status="queued", segment_count=segment_count(text), tag=req.tag)
        acc.add(msg)
        self._notify(acc, msg)
        self._schedule(acc, msg, 1)
        uri = f"/v2/accounts/{request.match_info['accountSID']}/messages/{msg.message_sid}"
        return json_response({"status_code": 201, "status_message": "CREATED", "uri": uri}, 201)

    async def history(self, request: web.Request, acc: SmsAccount) -> web.Response:
        """GET .../messages: newest first, filtered by the documented parameters."""
        limit, offset = paging(request)
        found = self._filter(acc, request.query)
        page = [m.view() for m in found[offset:offset + limit]]
        return json_response({**envelope(request, len(found), limit, offset), "messages": page})

    async def message(self, request: web.Request, acc: SmsAccount) -> web.Response:
        """GET .../messages/{messageSID}: the history envelope holding the one message."""
        msg = acc.messages.get(request.match_info["messageSID"])
        if msg is None:
            raise SmsError(404, f"Not found: message {request.match_info['messageSID']} not found")
        limit, _ = paging(request)
        return json_response({**envelope(request, 1, limit, 0), "messages": [msg.view()]})

    def _filter(self, acc: SmsAccount, query) -> list[Message]:
        wanted = {k: query[k] for k in FILTERS if query.get(k)}
        if "number_sid" in wanted:
            match = [n for n in acc.cfg.numbers if number_sid(n) == wanted["number_sid"]]
            if not match or wanted.get("number", match[0]) != match[0]:
                return []
            wanted["number"] = match[0]
        # the smallest index that satisfies one filter, then the other filters on it
        checks = {k: v.lstrip("+") if k in ("number", "external_number") else v
                  for k, v in wanted.items() if k != "number_sid"}
        pools: list = [acc.messages]
        if "message_sid" in checks:
            msg = acc.messages.get(checks["message_sid"])
            pools.append({msg.message_sid: msg} if msg else {})
        for key, index in (("number", acc.by_number), ("external_number", acc.by_external),
                           ("direction", acc.by_direction), ("status", acc.by_status)):
            if key in checks:
                pools.append(index.get(checks[key], {}))
        pool = min(pools, key=len)
        out = [m for m in pool.values() if all(getattr(m, k) == v for k, v in checks.items())]
        if "status" in checks and pool is acc.by_status.get(checks["status"]):
            out.sort(key=lambda m: acc.order[m.message_sid])  # a status index holds them in change order
        out.reverse()
        return out

    # --------------------------------------------------------- lifecycle
    def _schedule(self, acc: SmsAccount, msg: Message, step: int) -> None:
        if step < len(LIFECYCLE):
            handle = self.p.sim.clock.call_later(LIFECYCLE[step][1], self._advance, acc, msg, step)
            self._timers.append(handle)

    def _advance(self, acc: SmsAccount, msg: Message, step: int) -> None:
        status = LIFECYCLE[step][0]
        if status == "delivered":
            status = acc.cfg.outcomes.get(msg.external_number, "delivered")
        if status == "sent" and acc.cfg.outcomes.get(msg.external_number) == "rejected":
            status = "rejected"  # refused by the operator: never sent
        acc.set_status(msg, status)
        self._notify(acc, msg)
        if status not in ("rejected", "undelivered", "delivered"):
            self._schedule(acc, msg, step + 1)
        self._timers = [h for h in self._timers if not getattr(h, "cancelled", False)][-1000:]

    def receive(self, account_sid: str, from_: str, to: str, text: str) -> Message:
        """An inbound message from ``from_`` to the account's number ``to`` (control API)."""
        acc = self.accounts.get(account_sid)
        if acc is None:
            raise LookupError(f"no SMS account {account_sid!r}")
        to = to.lstrip("+")
        own = acc.cfg.numbers.get(to)
        if own is None or own.direction == "OUT":
            raise ValueError(f"{to} does not receive messages on account {acc.sid}")
        msg = Message(account_sid=acc.sid, message_sid=self._msg_sid(), text=text,
                      created_at=int(self.p.sim.clock.now()), direction="inbound", number=to,
                      external_number=from_.lstrip("+"), status="received", segment_count=segment_count(text))
        acc.add(msg)
        self._notify(acc, msg)
        return msg

    def _notify(self, acc: SmsAccount, msg: Message) -> None:
        url = acc.cfg.event_url
        if not url:
            return
        sender, receiver = ((msg.number, msg.external_number) if msg.direction == "outbound"
                            else (msg.external_number, msg.number))
        fields = {"account_sid": acc.sid, "direction": msg.direction, "from": sender, "hash": "view",
                  "message_sid": msg.message_sid, "status": msg.status, "text": msg.text, "to": receiver}
        get = acc.cfg.event_method == "GET"
        if not self._https_or_test_receiver(url):
            self.p.sim.journal.add("out", "SMS event", self.p.slug, acc.tenant, method=acc.cfg.event_method,
                                   url=url, attempt=1, status=None, error="refused",
                                   detail="SMS events go to https URLs only (\"строго в формате https\")")
            return
        self.p.sim.delivery.send(Callback(
            provider=self.p.slug, url=url, kind="SMS event", method=acc.cfg.event_method,
            body=None if get else urlencode(fields), params=fields if get else None,
            content_type=None if get else "application/x-www-form-urlencoded",
            tenant=acc.tenant, policy=EVENT_POLICY, meta={"message_sid": msg.message_sid}))

    def _https_or_test_receiver(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "https":
            return True
        return parts.hostname in ("127.0.0.1", "localhost", "::1") and self.p.state.world.settings.loopback_receivers

    def describe(self) -> dict:
        seen = {id(a): a for a in self.accounts.values()}
        return {a.sid: {"messages": len(a.messages)} for a in seen.values()}

    def snapshot(self) -> dict:
        """The generated histories (the same seed gives the same messages)."""
        seen = {a.sid: a for a in self.accounts.values()}
        return {sid: [m.view() for m in seen[sid].messages.values()] for sid in sorted(seen)}


# ------------------------------------------------------------ module hooks
def api(provider) -> SmsApi:
    return provider.state.extra["sms"]


def snapshot(provider) -> dict:
    return api(provider).snapshot()


def error_body(provider, request: web.Request, path: str, status: int, message: str) -> Optional[web.Response]:
    """Unknown paths, wrong methods and failures under /v2/ answer the API's error envelope."""
    if not path.startswith("/v2/") or "sms" not in provider.state.extra:
        return None
    return api(provider).error(status, message)


def reset(provider) -> None:
    provider.state.extra["sms"] = service = SmsApi(provider)
    service.reset()


def world_changed(provider) -> None:
    if "sms" in provider.state.extra:
        api(provider).world_changed()
    else:
        reset(provider)


def handlers(provider) -> dict:
    def wrap(name: str):
        async def handler(request: web.Request) -> web.StreamResponse:
            service = api(provider)
            fn = getattr(service, name)
            try:
                return await fn(request, service.authenticate(request))
            except SmsError as exc:
                return service.error(exc.status, exc.error)
        handler.__name__ = name
        handler.__doc__ = getattr(SmsApi, name).__doc__
        return handler
    return {op.name: wrap(fn) for op, fn in zip(OPERATIONS, ("numbers", "send", "history", "message"))}


class InboundSms(BaseModel):
    """POST /_sim/providers/mtt-telecom/actions/sms.inbound: a message to one of the account's numbers."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    account_sid: str
    from_: str = Field(alias="from", pattern=r"^\+?[0-9]{3,16}$")
    to: str = Field(pattern=r"^\+?[0-9]{3,16}$")
    text: str = ""


async def inbound_action(provider, body: Any) -> dict:
    """an inbound SMS {account_sid, from, to, text} to one of the account's numbers"""
    try:
        req = InboundSms.model_validate(body)
    except ValidationError as exc:
        raise ValueError(describe_errors(exc)) from None
    return api(provider).receive(req.account_sid, req.from_, req.to, req.text).view()


ACTIONS = {"sms.inbound": inbound_action}
