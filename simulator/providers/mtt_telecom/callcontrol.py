"""Call control ("Управление входящими вызовами"): an inbound call to a sip_id with a client
URL makes the platform ask the client, by the JSON-RPC request getControlCallFollowMe, where
to send the call; the answer drives it (redirect type, numbers, prompts, masking, events).
Any answer other than HTTP 200 with a usable result, or none in time, routes the call to the
reserve ("offline") number. The client URL and reserve number are managed by
updateCallControlURL, setReserveCallControlNumber and read by getAccountCustomFields."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlsplit

from ...digits import is_ascii_digits, parse_int
from ...catalogue import CallbackSpec
from ...engine import Cause
from ...jsonrpc import JsonRpcError, MethodSet, Param, call as rpc_call
from . import errors as E
from .control_events import ControlEvents
from .followme import i_account
from .history import conf_id_for
from .period import PeriodError, parse as parse_period
from .redirect import Target, extension_of, redirect
from .state import number_of

if TYPE_CHECKING:
    from .endpoint import Ctx
    from .state import AccountRef
    from .world import PremediaPrompt

SECTION = "Управление входящими вызовами (getControlCallFollowMe)"
NO_ACCESS = "agent does not have access to this account"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
RESERVE_TIMEOUT = 60.0
#: the call fails with this cause when the client gives no route and there is no reserve number
NO_ROUTE_CAUSE = Cause.TEMPORARY_FAILURE
REDIRECT_TYPES = {1: "single", 2: "sequential", 3: "parallel"}
MAX_FOLLOWME_ENTRIES = 50  # targets in one routing answer: no call rings more; a huge answer is refused
MSK = timezone(timedelta(hours=3))

CALLBACKS = (
    CallbackSpec("getControlCallFollowMe", SECTION, "jsonrpc", "the account's client URL (GN_IP_IPCR)",
                 summary="where to send an inbound call: the client answers redirect_type, followme_struct, "
                         "prompts, masking, event_URL"),
    CallbackSpec("call control event", SECTION, "rest", "event_URL of the client's answer",
                 summary="o, s, h (and sp, ep, t with event_extended Y) as JSON"),
)

RPC = MethodSet()


# ----------------------------------------------------------------- methods
def _own_account(ctx: "Ctx", sip_id: Any) -> "AccountRef":
    if not isinstance(sip_id, str) or not sip_id.strip():
        raise E.bad_param("sip_id is required")
    ref = ctx.state.account(sip_id)
    if ref is None or ref.tenant_id != ctx.tenant_id:
        raise E.permission_denied(NO_ACCESS)
    return ref


def url_allowed(provider, url: str) -> bool:
    """http(s) with a host, on port 80 or 443 ("порт 80/443"); loopback receivers on any
    port when the world allows them (test receivers)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname in LOOPBACK and provider.state.world.settings.loopback_receivers:
        return True
    return (port or (443 if parts.scheme == "https" else 80)) in (80, 443)


@RPC.method("updateCallControlURL", [Param("sip_id"), Param("url")], returns="object", section=SECTION)
async def update_call_control_url(ctx: "Ctx", sip_id, url):
    """Sets the client URL getControlCallFollowMe is POSTed to; an empty url clears it."""
    ref = _own_account(ctx, sip_id)
    if not isinstance(url, str):
        raise E.bad_param("url must be a string")
    url = url.strip()
    if url and not url_allowed(ctx.provider, url):
        raise E.bad_param("Invalid url: http(s)://[login:password@]host[:80|:443]/path expected "
                          "(only ports 80 and 443 are open towards the client)")
    ref.account.control_url = url
    return {"success": 1}


@RPC.method("setReserveCallControlNumber", [Param("sip_id"), Param("number")], returns="object", section=SECTION)
async def set_reserve_call_control_number(ctx: "Ctx", sip_id, number):
    """Sets the reserve ("offline") number used when the client URL does not answer; empty clears."""
    ref = _own_account(ctx, sip_id)
    value = str(number).strip().lstrip("+") if isinstance(number, (str, int)) and not isinstance(number, bool) else None
    if value is None or (value and not (is_ascii_digits(value) and 5 <= len(value) <= 16)):
        raise E.bad_param("Invalid number")
    ref.account.reserve_number = value
    return {"success": 1}


@RPC.method("getAccountCustomFields", [Param("sip_id")], returns="object", section=SECTION)
async def get_account_custom_fields(ctx: "Ctx", sip_id):
    """The client URL (GN_IP_IPCR), the reserve number (GN_IPCR_RESERVE) and i_account."""
    ref = _own_account(ctx, sip_id)
    return {"account_custom_fields": {"GN_IP_IPCR": ref.account.control_url,
                                      "GN_IPCR_RESERVE": ref.account.reserve_number,
                                      "i_account": i_account(ref)}}


# ------------------------------------------------------------------ answer
@dataclass
class ControlAnswer:
    redirect_type: int
    entries: list[dict]
    event_url: Optional[str] = None
    event_extended: bool = False
    client_id: Optional[str] = None
    file_to_a: Optional[str] = None
    file_to_b: Optional[str] = None
    masking: bool = False
    answer: bool = False
    targets: list[Target] = field(default_factory=list)


def _yn(result: dict, key: str) -> bool:
    value = result.get(key, "N")
    if value not in ("Y", "N", "y", "n"):
        raise ValueError(f"{key} must be Y or N")
    return value in ("Y", "y")


def _opt_str(result: dict, key: str) -> Optional[str]:
    value = result.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{key} must be a string")
    return str(value)


def parse_answer(result: Any) -> ControlAnswer:
    """The client's result; ValueError when the platform cannot use it."""
    if not isinstance(result, dict):
        raise ValueError("result must be an object")
    rtype = result.get("redirect_type")
    if isinstance(rtype, str) and parse_int(rtype.strip()) is not None:
        rtype = parse_int(rtype.strip())
    if isinstance(rtype, bool) or not isinstance(rtype, int) or rtype not in REDIRECT_TYPES:
        raise ValueError("redirect_type must be 1, 2 or 3")
    struct = result.get("followme_struct")
    if not (isinstance(struct, list) and len(struct) == 2 and isinstance(struct[1], list)):
        raise ValueError("followme_struct must be [count, [...]]")
    entries = struct[1]
    if len(entries) > MAX_FOLLOWME_ENTRIES:
        raise ValueError(f"followme_struct holds more than {MAX_FOLLOWME_ENTRIES} entries")
    if not entries or not all(isinstance(e, dict) for e in entries):
        raise ValueError("followme_struct holds no entries")
    for e in entries:
        if e.get("ACTIVE", "Y") not in ("Y", "N"):
            raise ValueError("ACTIVE must be Y or N")
        if e.get("ACTIVE", "Y") == "Y":
            number = e.get("REDIRECT_NUMBER")
            if isinstance(number, bool) or not isinstance(number, (str, int)) \
                    or not is_ascii_digits(str(number).removeprefix("+")):
                raise ValueError("an active entry needs a REDIRECT_NUMBER")
            timeout = e.get("TIMEOUT", 15)
            if isinstance(timeout, bool) or not 1 <= (parse_int(str(timeout).strip()) or 0) <= 600:
                raise ValueError("TIMEOUT must be seconds")
            dtmf = e.get("DTMF")
            if dtmf not in (None, "") and (not isinstance(dtmf, str) or set(dtmf) - set("0123456789*#wW")):
                raise ValueError("DTMF may hold 0-9, *, #, w and W")
            if e.get("PERIOD") not in (None, ""):
                try:
                    parse_period(str(e["PERIOD"]))
                except PeriodError as exc:
                    raise ValueError(f"PERIOD: {exc}") from None
    url = _opt_str(result, "event_URL")
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError("event_URL must be an http(s) URL")
    return ControlAnswer(rtype, entries, url, _yn(result, "event_extended"), _opt_str(result, "client_id"),
                         _opt_str(result, "file_to_A"), _opt_str(result, "file_to_B"), _yn(result, "masking"),
                         _yn(result, "answer"))


def _targets(provider, answer: ControlAnswer) -> list[Target]:
    """Active entries in I_FOLLOW_ORDER whose PERIOD holds now."""
    tz_name = getattr(provider.state.world.settings, "period_timezone", None)
    try:
        from zoneinfo import ZoneInfo
        tz = ZoneInfo(tz_name) if tz_name else MSK
    except Exception:
        tz = MSK
    now = datetime.fromtimestamp(provider.sim.clock.now(), tz)
    rows = sorted(enumerate(answer.entries), key=lambda ie: (_order(ie[1].get("I_FOLLOW_ORDER"), ie[0]), ie[0]))
    out = []
    for _, e in rows:
        if e.get("ACTIVE", "Y") != "Y":
            continue
        if e.get("PERIOD") not in (None, "") and not parse_period(str(e["PERIOD"])).matches(now):
            continue
        out.append(Target(str(e["REDIRECT_NUMBER"]).lstrip("+"), float(int(e.get("TIMEOUT", 15))),
                          e.get("DTMF") or None))
    return out


def _order(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_int(value.strip(), signed=True) if isinstance(value, str) else None
    return default + 1 if number is None else number


# ----------------------------------------------------------------- routing
async def route_inbound(provider, call, origin, ref: "AccountRef") -> bool:
    """Ask the client URL; follow its answer, or the reserve number."""
    url = ref.account.control_url
    if not url:
        return False
    sip_id = number_of(ref.sip_id, ref.account)
    h323 = call.meta.setdefault("h323_conf_id", conf_id_for(provider, call.id))
    answer: Optional[ControlAnswer] = None
    failure = "the client URL is not allowed (ports 80 and 443 only)"
    if url_allowed(provider, url):
        seq = provider.state.extra.setdefault("callcontrol_seq", [0])
        seq[0] += 1
        result = await rpc_call(
            provider.sim.delivery, provider=provider.slug, url=url, method="getControlCallFollowMe",
            params={"sip_id": sip_id, "numberA": origin.number, "h323_conf_id": h323}, id_=str(seq[0]),
            tenant=ref.tenant_id, call_id=call.id, timeout=provider.state.world.settings.control_timeout,
            validate=_check_answer)
        failure = result.failure or (f"JSON-RPC error {result.error.code}" if isinstance(result.error, JsonRpcError)
                                     else "")
        if result.ok:
            answer = parse_answer(result.result)
    if origin.ended:
        return True
    if answer is None:
        call.meta["call_control"] = {"fallback": failure}
        await _reserve(provider, call, origin, ref)
        return True
    call.meta["call_control"] = {"redirect_type": answer.redirect_type, "client_id": answer.client_id}
    await _follow(provider, call, origin, ref, answer, sip_id, h323)
    return True


def _check_answer(result: Any) -> None:
    parse_answer(result)


async def _reserve(provider, call, origin, ref: "AccountRef") -> None:
    number = ref.account.reserve_number
    if not number:
        provider.sim.engine.hangup(origin, NO_ROUTE_CAUSE, by="system")
        return
    await redirect(provider, call, origin, [Target(number, RESERVE_TIMEOUT)], "single",
                   caller_id=origin.number, tenant_id=ref.tenant_id)


async def _follow(provider, call, origin, ref: "AccountRef", answer: ControlAnswer, sip_id: str, h323: str) -> None:
    events = ControlEvents(provider, tenant=ref.tenant_id, call_id=call.id, sip_id=sip_id, number_a=origin.number,
                           h323_conf_id=h323, answer=answer, url_allowed=lambda u: url_allowed(provider, u))
    prompts = provider.state.customer(ref.customer_name).customer.prompts
    by_file = {p.file_id: p for p in prompts.values()}
    targets = _targets(provider, answer)
    leg = None
    try:
        leg = await redirect(
            provider, call, origin, targets, REDIRECT_TYPES[answer.redirect_type],
            prompt_a=_prompt(by_file, answer.file_to_a), prompt_b=_prompt(by_file, answer.file_to_b),
            after_answer=answer.answer, caller_id=sip_id if answer.masking else origin.number,
            tenant_id=ref.tenant_id, listener=events)
        if leg is not None:
            await _until_call_ends()
    finally:
        # also when the engine cancels the flow because the call ended
        _hangup_event(events, origin, call, targets)


def _hangup_event(events: ControlEvents, origin, call, targets: list[Target]) -> None:
    dialled = [l for l in call.legs.values() if l.role == "dialled"]
    connected = next((l for l in dialled if l.answered_at is not None), None)
    last = connected or (dialled[-1] if dialled else None)
    if origin.ended_by == "party" or last is None:
        side, cause = "A", origin.cause or Cause.NORMAL_CLEARING
    else:
        side, cause = "B", last.cause or Cause.NORMAL_CLEARING
    dtmf = last.meta.get("dtmf") if last is not None else None
    events.hangup(side, int(cause), extension_of(dtmf))


async def _until_call_ends() -> None:
    """The conversation goes on; the engine cancels the flow when the call ends."""
    await asyncio.get_running_loop().create_future()


def _prompt(by_file: dict, file_id: Optional[str]) -> "PremediaPrompt | None":
    return by_file.get(file_id) if file_id else None
