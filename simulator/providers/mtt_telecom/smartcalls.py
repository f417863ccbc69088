"""Smart calls on sb-api.mtt.ru (POST /v1/sb, Basic auth): a call to b_number that speaks a
text (TTS) and, in the IVR variant, acts on the key the called party presses. The request
is checked here; the call itself runs in smartcall_flow.py."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Optional
from urllib.parse import urlsplit

from aiohttp import web

from ...catalogue import CallbackSpec, Operation
from ...http import set_tenant
from ...world import rng_for
from .auth import basic_credentials
from .smartcall_flow import SmartCallFlow

if TYPE_CHECKING:
    from .world import SbApi, Tenant

SECTION_TTS = "Умный звонок (TTS)"
SECTION_IVR = "Умный звонок с IVR"
HOST = "sb-api.mtt.ru"

OPERATIONS = (
    Operation("POST /v1/sb", SECTION_TTS, "rest", "POST", "/v1/sb", host=HOST,
              summary="start a smart call: TTS, or IVR with a dtmf action list (the account's method name)"),
)
CALLBACKS = (
    CallbackSpec("smart call event", SECTION_TTS, "form", "the account's notification URL",
                 summary="TTS: o_<b_number>, h_<b_number>_<cause>_<duration> as a query-string body"),
    CallbackSpec("IVR event", SECTION_IVR, "rest", "the account's notification URL",
                 summary="IVR: o/h of the call and of a transfer, JSON"),
    CallbackSpec("IVR notify", SECTION_IVR, "rest", "the https URL of the chosen dtmf entry",
                 summary="n_<b_number> with the chosen dtmf (or \"null\" when none was chosen), JSON"),
)

E164 = re.compile(r"^[0-9]{11}$")
LANGS = {"tts": ("ru-RU", "en-US"), "ivr": ("ru-RU", "en-US", "tr-TR")}
VOICES = ("alyss", "jane", "oksana", "omazh", "zahar", "ermil", "erkanyavas")
EMOTIONS = ("good", "evil", "neutral")


class Refused(Exception):
    """A documented failure: ``{"result": {"success": 0, "error": ...}, "id": ..., "CallID": ...}``."""

    def __init__(self, error: str, call_id: bool = True):
        super().__init__(error)
        self.error, self.call_id = error, call_id


@dataclass
class DtmfAction:
    dtmf_id: str
    type: Literal["notify", "transfer"]
    value: str


@dataclass
class SmartCall:
    """One accepted request, as the flow and the events need it."""

    tenant: str
    kind: Literal["tts", "ivr"]
    mess_id: Any
    call_id: str
    sip_id: str
    a_number: str
    b_number: str
    text: str
    lang: str
    voice: str
    emotion: str
    speed: float
    event_url: Optional[str]
    dtmf: list[DtmfAction] = field(default_factory=list)

    def action(self, digit: str) -> Optional[DtmfAction]:
        return next((a for a in self.dtmf if a.dtmf_id == digit), None)


class SmartCalls:
    def __init__(self, provider):
        self.p = provider
        self.flow = SmartCallFlow(provider)
        self._rng = rng_for(0, "mtt-telecom", "sb")
        self.by_login: dict[str, tuple[str, "Tenant"]] = {}
        self.started = 0

    def reset(self) -> None:
        self._rng = rng_for(getattr(self.p.sim.world, "seed", 0), "mtt-telecom", "sb")
        self.started = 0
        self.world_changed()

    def world_changed(self) -> None:
        self.by_login = {t.sb_api.login: (tid, t) for tid, t in self.p.state.world.tenants.items()
                         if t.sb_api is not None}

    def _call_id(self) -> str:
        return "0003" + f"{self._rng.getrandbits(48):012x}"

    async def start(self, request: web.Request) -> web.Response:
        """POST /v1/sb: ``{"method": ..., "data": {...}}`` (IVR: ``dtmf`` inside or beside data)."""
        creds = basic_credentials(request)
        found = self.by_login.get(creds[0]) if creds else None
        if found is None or found[1].sb_api.password != creds[1]:
            return _json({"message": "access forbidden"}, 401)
        tid, tenant = found
        set_tenant(request, tid)
        api: SbApi = tenant.sb_api
        try:
            body = json.loads(await request.read() or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError):
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return _json({"result": {"success": 0, "error": "\"data\" not found in request body"},
                          "id": self._call_id()})
        kind = api.methods.get(body.get("method")) if isinstance(body.get("method"), str) else None
        if kind is None:
            return _json({"message": "access forbidden"}, 403)
        data = body["data"]
        mess_id = data.get("messId")
        if mess_id is None or mess_id == "":
            return _json({"result": {"success": 0, "error": "\"messId\" not found in request body"},
                          "id": self._call_id()})
        call_id = self._call_id()
        try:
            call = self._parse(tid, api, kind, mess_id, call_id, data, body)
        except Refused as exc:
            return _json({"result": {"success": 0, "error": exc.error}, "id": mess_id, "CallID": call_id})
        self.started += 1
        self.flow.start(call)
        return _json({"result": {"success": 1}, "id": mess_id, "CallID": call_id})

    def _parse(self, tid: str, api: "SbApi", kind: str, mess_id: Any, call_id: str, data: dict,
               body: dict) -> SmartCall:
        sip_id = _text(data.get("sip_id"))
        if sip_id not in api.sip_ids:
            raise Refused("Forbidden")
        b_number = _text(data.get("b_number"))
        if not E164.match(b_number):
            raise Refused("\"b_number\" should be in e164 format")
        a_raw = data.get("a_number")
        if a_raw in (None, ""):
            if kind == "ivr":
                raise Refused("\"a_number\" not found in request body")
            a_number = sip_id
        else:
            a_number = _text(a_raw)
            if not E164.match(a_number):
                raise Refused("\"a_number\" should be in e164 format")
            if a_number != sip_id and a_number not in api.sip_ids[sip_id].a_numbers:
                raise Refused("\"a_number\" is not allowed")
        text = data.get("messText")
        if not isinstance(text, str) or not text.strip():
            raise Refused("\"messText\" not found in request body")
        lang = data.get("langCode", data.get("lang_code", "ru-RU"))
        lang = "ru-RU" if lang == "ru" else lang
        if lang not in LANGS[kind]:
            raise Refused("\"langCode\" value is not allowed")
        voice = data.get("voice_name", "erkanyavas")
        if voice not in VOICES:
            raise Refused("\"voice_name\" value is not allowed")
        emotion = data.get("emotion", "neutral")
        if emotion not in EMOTIONS:
            raise Refused("\"emotion\" value is not allowed")
        speed = data.get("speed_speech", 1.0)
        try:
            speed = float(speed)
        except (TypeError, ValueError):
            raise Refused("\"speed_speech\" should be a number from 0.1 to 3.0") from None
        if isinstance(data.get("speed_speech"), bool) or not 0.1 <= speed <= 3.0:
            raise Refused("\"speed_speech\" should be a number from 0.1 to 3.0")
        dtmf: list[DtmfAction] = []
        if kind == "ivr":
            dtmf = self._dtmf(data.get("dtmf", body.get("dtmf")))
        return SmartCall(tid, kind, mess_id, call_id, sip_id, a_number, b_number, text, lang, voice,
                         emotion, speed, api.event_url, dtmf)

    def _dtmf(self, raw: Any) -> list[DtmfAction]:
        if raw is None:
            raise Refused("\"dtmf\" not found in request body")
        if not isinstance(raw, list) or not raw or not all(isinstance(x, dict) for x in raw):
            raise Refused("\"dtmf\" should be a non-empty array")
        out: list[DtmfAction] = []
        for item in raw:
            digit = _text(item.get("dtmf_id"))
            if not re.fullmatch(r"[1-9]", digit):
                raise Refused("\"dtmf_id\" should be a number from 1 to 9")
            if any(a.dtmf_id == digit for a in out):
                raise Refused(f"\"dtmf_id\" {digit} is duplicated")
            kind = item.get("type")
            value = _text(item.get("value"))
            if kind == "notify":
                if not self.notify_url_ok(value):
                    raise Refused("\"notify\" value is not allowed")
            elif kind == "transfer":
                if not E164.match(value):
                    raise Refused("\"transfer\" value is not allowed")
            else:
                raise Refused("\"type\" value is not allowed")
            out.append(DtmfAction(digit, kind, value))
        return out

    def notify_url_ok(self, url: str) -> bool:
        """https only; plain http to a loopback receiver when the world allows it."""
        try:
            parts = urlsplit(url)
            parts.port
        except ValueError:
            return False
        if not parts.hostname:
            return False
        if parts.scheme == "https":
            return True
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        return parts.scheme == "http" and loopback and self.p.state.world.settings.loopback_receivers

    def describe(self) -> dict:
        return {"smart_calls": self.started}


# ------------------------------------------------------------ module hooks
def reset(provider) -> None:
    provider.state.extra["smartcalls"] = service = SmartCalls(provider)
    service.reset()


def world_changed(provider) -> None:
    service = provider.state.extra.get("smartcalls")
    if service is None:
        reset(provider)
    else:
        service.world_changed()


def error_body(provider, request: web.Request, path: str, status: int, message: str) -> Optional[web.Response]:
    """Wrong methods and failures on /v1/sb answer the service's ``{"message": ...}``."""
    return _json({"message": message}, status) if path.startswith("/v1/sb") else None


def handlers(provider) -> dict:
    async def smart_call(request: web.Request) -> web.StreamResponse:
        return await provider.state.extra["smartcalls"].start(request)
    smart_call.__doc__ = SmartCalls.start.__doc__
    return {OPERATIONS[0].name: smart_call}


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, (str, int)) else ""


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status, content_type="application/json")


