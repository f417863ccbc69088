"""makeCallBackCallFollowme (start a CallBack call), getCallBackFollowmeCallInfo (its outcome,
lengths, cost and record links) and the record downloads on fuds.mtt.ru."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Optional

from aiohttp import web

from ...catalogue import CallbackSpec, Operation
from ...engine.audio import render
from ...jsonrpc import MethodSet, Param
from . import errors as E
from . import history
from .callback_flow import EVENT, PLATFORM, CallBackRun, charged, run_flow, token
from .callback_struct import MAKE_TIMEOUT, SECTION, StructError, parse_steps, stored
from .cdr import Cdr
from .models import CallBackFollowmeCallInfo, DownloadURL
from .params import as_int, as_str, phone

if TYPE_CHECKING:
    from .provider import MttTelecomProvider

RPC = MethodSet()
DOWNLOAD_HOST = "fuds.mtt.ru"
OPERATIONS = (
    Operation("GET /download/{token}", SECTION, "download", "GET", "/download/{token}", host=DOWNLOAD_HOST,
              summary="a CallBack record (call_back_record_URL_A / _B downloadURL)"),
)
CALLBACKS = (
    CallbackSpec(EVENT, "Уведомления о ходе вызова", "get", "http://<callBackURL>/event.php", method="GET",
                 summary="start_side_A, pickup_side_A (phone_A), start_side_B, start_talk, end_side_B, end_side_A"),
)
BAD_B = {"error": 1, "message": "Incorrect B-number format"}
MAX_RUNS = 10_000


def _runs(p: "MttTelecomProvider") -> dict[str, CallBackRun]:
    return p.state.extra.setdefault("callback_runs", {})


def _by_call(p: "MttTelecomProvider") -> dict[str, CallBackRun]:
    return p.state.extra.setdefault("callback_by_call", {})


def _downloads(p: "MttTelecomProvider") -> dict[str, tuple[str, float, Optional[str]]]:
    """token -> (callBackCall_id, seconds, engine recording id)."""
    return p.state.extra.setdefault("callback_downloads", {})


@RPC.method("makeCallBackCallFollowme", [
    Param("customer_name"),
    Param("b_number", optional=True, description="side B (the client); the structure's defaultBNumber when absent"),
    Param("caller_id", optional=True, description="the number side B sees"),
    Param("callBackURL", optional=True, description="host and path, without http:// or www"),
    Param("simpleCallBackFollowmeStruct", "array", optional=True, description="the structure (else the stored one)"),
    Param("recordEnable", ("integer", "string"), optional=True, default=0),
    Param("duration", ("integer", "string"), optional=True, description="longest talk, s"),
    Param("client_caller_id", optional=True, description="the number side A sees (default b_number)"),
    Param("direction", ("integer", "string"), optional=True, default=0),
    Param("callDescription", optional=True),
    Param("dtmf_number", optional=True, description="digits dialled after side B answers"),
    Param("maxtime", ("integer", "string"), optional=True, description="longest A + B length, s"),
    Param("id", optional=True, description="the client's own id of the call (the document's table)"),
], returns="object", section=SECTION)
async def make_callback(ctx, customer_name, b_number, caller_id, callBackURL, simpleCallBackFollowmeStruct,
                        recordEnable, duration, client_caller_id, direction, callDescription, dtmf_number,
                        maxtime, id):
    """Calls side A by the structure, then connects side B; answers the callBackCall_id."""
    ref = ctx.customer(as_str(customer_name, "customer_name"))
    customer = ref.customer
    settings = stored(customer)
    if simpleCallBackFollowmeStruct not in (None, []):
        try:
            steps = parse_steps(simpleCallBackFollowmeStruct, default_timeout=MAKE_TIMEOUT,
                                name="simpleCallBackFollowmeStruct")
        except StructError as exc:
            return exc.result
    elif settings is not None:
        steps = list(settings.callBackFollowmeStruct)
    else:
        raise E.data_not_found(E.FOLLOWME_NOT_FOUND)
    if not any(s.redirect_number for s in steps):
        return {"error": 1, "message": "Incorrect redirect_number format"}
    if b_number in (None, "") and settings is not None and settings.defaultBNumber:
        b_number = settings.defaultBNumber
    b = phone(b_number)
    if b is None:
        return BAD_B
    shown_to_b = phone(caller_id) if caller_id not in (None, "") else (settings.caller_id if settings else None)
    if caller_id not in (None, "") and shown_to_b is None:
        raise E.unknown_value("caller_id")
    shown_to_a = phone(client_caller_id) if client_caller_id not in (None, "") else b
    if shown_to_a is None:
        raise E.unknown_value("client_caller_id")
    direction = as_int(direction, "direction", default=0, maximum=1)
    record = str(recordEnable).strip().lower() in ("1", "true")
    url = as_str(callBackURL, "callBackURL", required=False)
    p = ctx.provider
    run = CallBackRun(
        id="", tenant_id=ctx.tenant_id, customer_name=ref.name, b_number=b, steps=steps, url=url, record=record,
        caller_id=shown_to_b, client_caller_id=shown_to_a, direction=direction,
        duration=as_int(duration, "duration", default=0) or None, maxtime=as_int(maxtime, "maxtime", default=0) or None,
        description=str(callDescription or ""), dtmf_number=as_str(dtmf_number, "dtmf_number", required=False),
        started_at=ctx.now())
    engine = p.sim.engine
    call = engine.create_call(p.slug, ctx.tenant_id, "outbound", shown_to_a, b, record=record,
                              meta={"customer_name": ref.name, "callback": True})
    run.id = hashlib.md5(f"{getattr(p.sim.world, 'seed', 0)}:callback:{call.id}".encode()).hexdigest()
    run.call_id = call.id
    call.meta["callBackCall_id"] = run.id
    call.meta["h323_conf_id"] = history.conf_id_for(p, call.id)
    runs = _runs(p)
    runs[run.id] = run
    while len(runs) > MAX_RUNS:   # the oldest finished calls are forgotten
        old = next(iter(runs))
        if runs[old].info is None:
            break
        del runs[old]
    _by_call(p)[call.id] = run
    platform = engine.add_origin(call, shown_to_b or shown_to_a, behaviour=PLATFORM, meta={"role": "platform"})
    engine.spawn(call, run_flow(p, run, call, platform))
    return {"callBackCall_id": run.id}


@RPC.method("getCallBackFollowmeCallInfo", [Param("customer_name"), Param("callBackCall_id")], returns="object",
            section=SECTION)
async def get_callback_info(ctx, customer_name, callBackCall_id):
    """Outcome, lengths, cost and record links of a CallBack call."""
    ref = ctx.customer(as_str(customer_name, "customer_name"))
    call_id = as_str(callBackCall_id, "callBackCall_id")
    seeded = ref.customer.callback_calls.get(call_id)
    if seeded is not None:
        return {"callBackFollowmeCallInfoStruct": _seeded_info(seeded)}
    run = _runs(ctx.provider).get(call_id)
    if run is None or run.customer_name != ref.name:
        raise E.data_not_found()
    if run.failure is not None and run.info is not None:
        raise E.data_not_found(run.failure)
    return {"callBackFollowmeCallInfoStruct": run.info or _info(ctx.provider, run, ctx.now(), None)}


def _seeded_info(seed) -> dict:
    data = seed.model_dump()
    for side in ("A", "B"):
        url = data.pop(f"call_back_record_URL_{side}")
        if url:
            data[f"call_back_record_URL_{side}"] = DownloadURL(downloadURL=url)
    return CallBackFollowmeCallInfo(**data).answer()


def _lengths(leg, now: float) -> float:
    if leg is None or leg.answered_at is None:
        return 0.0
    return (leg.ended_at or now) - leg.answered_at


def _info(p: "MttTelecomProvider", run: CallBackRun, now: float, recording_id: Optional[str]) -> dict:
    a, b = run.a_leg, run.b_leg
    real_a, real_b = _lengths(a, now), _lengths(b, now)
    wait_a = (a.answered_at if a is not None else now) - run.started_at
    wait_b = 0.0
    if run.b_dialled_at is not None:
        wait_b = (b.answered_at if b is not None else now) - run.b_dialled_at
    rate = p.state.world.settings.rate_per_minute
    cost = round((charged(real_a) + charged(real_b)) / 60 * rate, 2)
    links: dict[str, DownloadURL] = {}
    if recording_id:
        rec = p.sim.engine.recordings.get(recording_id)
        for side in ("A", "B"):
            tok = token(getattr(p.sim.world, "seed", 0), run.id, side)
            _downloads(p)[tok] = (run.id, rec.duration if rec else max(real_a, real_b), recording_id)
            links[f"call_back_record_URL_{side}"] = DownloadURL(downloadURL=f"http://{DOWNLOAD_HOST}/download/{tok}")
    return CallBackFollowmeCallInfo(
        destination_A="+" + a.number.lstrip("+") if a else "",
        destination_B="+" + (b.number if b else run.b_number).lstrip("+"),
        waiting_period_A=str(int(round(max(wait_a, 0)))), waiting_period_B=str(int(round(max(wait_b, 0)))),
        call_back_charged_length_A=str(charged(real_a)), call_back_real_length_A=str(int(round(real_a))),
        call_back_charged_length_B=str(charged(real_b)), call_back_real_length_B=str(int(round(real_b))),
        call_back_cost=cost, call_back_currency=_currency(p, run), call_back_status=run.status,
        callDescription=run.description, **links).answer()


def _currency(p: "MttTelecomProvider", run: CallBackRun) -> str:
    ref = p.state.customer(run.customer_name)   # None when a world patch removed the customer
    return ref.customer.currency if ref is not None else "RUB"


# --------------------------------------------------------------- engine
def on_event(p: "MttTelecomProvider", event) -> None:
    run = _by_call(p).get(event.call_id or "")
    if run is None:
        return
    if event.type in ("leg.released", "leg.failed"):
        legs = {l.id for l in (run.a_leg, run.b_leg) if l is not None}
        if event.leg_id in legs and run.ended is not None and not run.ended.done():
            run.ended.set_result(event.leg_id)
        if run.a_leg is not None and event.leg_id == run.a_leg.id and run.talk_at is None:
            # side A gave up while side B was still ringing: the platform stops calling B
            p.sim.clock.call_later(0, _stop_ringing, p, run)
    elif event.type == "recording.ready":
        run.recording_id = event.data.get("recording_id")
    elif event.type == "call.finished":
        _finished(p, run, event.data["record"])


def _stop_ringing(p: "MttTelecomProvider", run: CallBackRun) -> None:
    try:
        call = p.sim.engine.get(run.call_id or "")
    except KeyError:
        return
    for leg in call.live_legs():
        if leg.role == "dialled" and leg.answered_at is None:
            p.sim.engine.hangup(leg, 16)


def _finished(p: "MttTelecomProvider", run: CallBackRun, record) -> None:
    if run.failure is None and run.status != "ok":
        run.failure = "Call ended by cancel on side A"
    run.info = _info(p, run, record.ended_at, run.recording_id)
    run.info["call_back_status"] = run.status if run.failure is None else "fail"
    cost = run.info["call_back_cost"]
    a_number = run.a_leg.number if run.a_leg else ""
    row = Cdr(record.started_at, "callback", run.caller_id or a_number, a_number, run.b_number,
              int(run.info["call_back_charged_length_A"]) + int(run.info["call_back_charged_length_B"]),
              cost, curr=_currency(p, run), disconnect_cause=record.cause or 16,
              used_quantity=int(run.info["call_back_real_length_B"]), h323_conf_id=record.meta.get("h323_conf_id"),
              voice_record_exist=run.recording_id is not None)
    history.add_row(p, run.customer_name, row)
    _by_call(p).pop(record.id, None)


def reset(p: "MttTelecomProvider") -> None:
    for key in ("callback_runs", "callback_by_call", "callback_downloads"):
        p.state.extra[key] = {}
    for tenant in p.state.world.tenants.values():
        for customer in tenant.customers.values():
            for call_id, seed in customer.callback_calls.items():
                for side in ("A", "B"):
                    url = getattr(seed, f"call_back_record_URL_{side}") or ""
                    if "/download/" in url:
                        seconds = float(getattr(seed, f"call_back_real_length_{side}") or 1)
                        _downloads(p)[url.rsplit("/", 1)[1]] = (call_id, max(seconds, 1.0), None)


def handlers(p: "MttTelecomProvider") -> dict:
    async def download(request: web.Request) -> web.StreamResponse:
        item = _downloads(p).get(request.match_info["token"])
        if item is None:
            return web.json_response({"error": "file not found"}, status=404)
        _, seconds, rec_id = item
        rec = p.sim.engine.recordings.get(rec_id) if rec_id else None
        audio = await (rec.render("wav") if rec is not None else render(seconds, "wav"))
        return web.Response(body=audio, content_type="audio/wav",
                            headers={"Content-Disposition": f'attachment; filename="{request.match_info["token"]}.wav"'})

    return {OPERATIONS[0].name: download}
