"""The /_sim control API: world, reset, clock, calls, journal, faults, events, OpenAPI."""
from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..digits import parse_int
from ..http import JsonBodyError, audio_response, loads_json_off_loop
from ..conformance.strict import FLAGS
from ..engine.settling import next_turn
from ..journal import DIRECTIONS, json_parts
from ..sim import Simulator, UnknownProvider
from ..world import WorldError
from ..world.loader import describe_errors
from .dashboard import DASHBOARD_HTML
from .openapi import openapi_document

if TYPE_CHECKING:
    from pydantic import BaseModel


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _json_body(request: web.Request) -> Any:
    try:
        return await loads_json_off_loop(await request.read() or b"null")
    except JsonBodyError as exc:
        raise web.HTTPBadRequest(text=json.dumps({"error": f"invalid JSON: {exc}"}),
                                 content_type="application/json") from None


def _validate(model: type[BaseModel], data: Any) -> Any:
    from pydantic import ValidationError  # the models' import brought it in: no cost here

    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise web.HTTPUnprocessableEntity(text=json.dumps({"error": describe_errors(exc)}),
                                          content_type="application/json") from None


def setup_control(app: web.Application, sim: Simulator) -> None:
    r = web.RouteTableDef()

    @r.get("/_sim")
    @r.get("/_sim/")
    async def dashboard(request):
        return web.Response(text=DASHBOARD_HTML, content_type="text/html")

    @r.get("/_sim/health")
    async def health(request):
        return web.json_response({"status": "ok", "clock": sim.clock.describe()})

    @r.get("/_sim/providers")
    async def providers(request):
        # from the listings: naming the providers builds none of them (their listings'
        # slug, title and hosts are the classes', tests/core/test_lazy_providers.py)
        base = f"{request.scheme}://{request.host}"
        return web.json_response([
            {"slug": p.slug, "title": p.title, "hosts": list(p.hosts), "base_url": f"{base}/{p.slug}/"}
            for p in sim.providers.listings.values()])

    @r.get("/_sim/providers/{slug}")
    async def provider_state(request):
        try:
            provider = sim.provider(request.match_info["slug"])
        except UnknownProvider as exc:
            return _error(404, str(exc))
        return web.json_response({"slug": provider.slug, "title": provider.title,
                                  "hosts": list(provider.hosts), "state": provider.describe()},
                                 dumps=lambda d: json.dumps(d, default=str, ensure_ascii=False))

    @r.post("/_sim/providers/{slug}/actions/{action}")
    async def provider_action(request):
        provider = sim.providers.get(request.match_info["slug"])
        if provider is None:
            return _error(404, "unknown provider")
        action = request.match_info["action"]
        if action not in provider.control_actions:
            return _error(404, f"{provider.slug} has no action {action!r}; it has: "
                               f"{', '.join(provider.control_actions) or 'none'}")
        body = await _json_body(request)
        from pydantic import ValidationError  # the provider's build imported it

        try:
            result = await provider.control_action(action, body if body is not None else {})
        except ValidationError as exc:
            return _error(422, describe_errors(exc))
        except ValueError as exc:
            return _error(422, str(exc))
        except LookupError as exc:
            return _error(404, str(exc.args[0]) if exc.args else "not found")
        return web.json_response(result, dumps=lambda d: json.dumps(d, default=str, ensure_ascii=False))

    @r.get("/_sim/providers/{slug}/operations")
    async def provider_operations(request):
        provider = sim.providers.get(request.match_info["slug"])
        if provider is None:
            return _error(404, "unknown provider")
        from ..catalogue import describe_operations  # the provider's build imported it

        return web.json_response(describe_operations(provider, sim.journal.counts(provider.slug)))

    @r.get("/_sim/world")
    async def get_world(request):
        return web.json_response(sim.world_store.dump())

    @r.patch("/_sim/world")
    async def patch_world(request):
        patch = await _json_body(request)
        try:
            return web.json_response(sim.patch_world(patch))
        except WorldError as exc:
            return _error(422, str(exc))

    @r.post("/_sim/reset")
    async def reset(request):
        await sim.reset()
        return web.json_response({"status": "reset", "clock": sim.clock.describe()})

    @r.get("/_sim/clock")
    async def get_clock(request):
        return web.json_response(sim.clock.describe())

    @r.post("/_sim/clock")
    async def post_clock(request):
        from .models import ClockCommand  # pydantic models: imported on first use, not at start-up

        cmd = _validate(ClockCommand, await _json_body(request))
        fired = 0
        if cmd.mode == "accelerated" and (cmd.speed or sim.clock.speed) == 1:
            return _error(422, "accelerated mode needs a speed other than 1")
        if cmd.mode is not None:
            sim.clock.set_mode(cmd.mode, cmd.speed)
        elif cmd.speed is not None:
            sim.clock.set_speed(cmd.speed)
        if cmd.advance is not None:
            fired = await sim.clock.advance(cmd.advance)
        return web.json_response({**sim.clock.describe(), "fired": fired})

    @r.post("/_sim/calls")
    async def post_call(request):
        from ..providers.call_request import CallRequest

        req = _validate(CallRequest, await _json_body(request))
        if req.provider not in sim.providers:
            return _error(404, str(UnknownProvider(req.provider, sim.providers)))
        try:
            call = await sim.start_call(req)
        except (ValueError, LookupError) as exc:
            return _error(422, str(exc))
        return web.json_response(call.to_json(timeline=False), status=201)

    @r.get("/_sim/calls")
    async def list_calls(request):
        provider = request.query.get("provider")
        calls = [c.to_json(timeline=False) for c in sim.engine.live(provider)]
        if request.query.get("finished") in ("1", "true"):
            calls += [c.to_json(timeline=False) for c in sim.engine.finished.values()
                      if provider is None or c.provider == provider]
        return web.json_response(calls)

    @r.get("/_sim/calls/{id}")
    async def get_call(request):
        from ..engine import CallNotFound  # the engine's modules are imported by the first call

        try:
            return web.json_response(sim.engine.get(request.match_info["id"]).to_json())
        except CallNotFound:
            return _error(404, "no such call")

    @r.post("/_sim/calls/{id}/hangup")
    async def hangup_call(request):
        from ..engine import CallNotFound

        try:
            call = sim.engine.get(request.match_info["id"])
        except CallNotFound:
            return _error(404, "no such call")
        sim.engine.hangup_call(call)
        return web.json_response(call.to_json(timeline=False))

    @r.get("/_sim/recordings/{id}.{ext:wav|mp3}")
    async def recording(request):
        rec = sim.engine.recordings.get(request.match_info["id"])
        if rec is None:
            return _error(404, "no such recording")
        return await audio_response(request, rec, request.match_info["ext"])

    @r.get("/_sim/journal")
    async def journal(request):
        q = request.query
        since = parse_int(q["since"], signed=True) if "since" in q else None
        limit = parse_int(q["limit"], signed=True) if "limit" in q else None
        if ("since" in q and since is None) or ("limit" in q and limit is None):
            return _error(400, "since and limit are integers (ASCII digits)")
        if limit is not None and limit < 0:
            return _error(400, "limit is not negative")
        if q.get("direction") not in (None, *DIRECTIONS):
            return _error(400, f"direction is one of {', '.join(DIRECTIONS)}")
        if q.get("flagged") not in (None, "0", "1"):
            return _error(400, "flagged is 0 or 1")
        flagged = q.get("flagged")
        entries = sim.journal.query(
            provider=q.get("provider"), direction=q.get("direction"), kind=q.get("kind"),
            operation=q.get("operation"), tenant=q.get("tenant"), call_id=q.get("call_id"),
            since=since, limit=None if flagged is not None else limit)
        if flagged is not None:
            entries = [e for e in entries if bool(e.extra.get(FLAGS)) == (flagged == "1")]
            if limit is not None:
                entries = entries[len(entries) - limit:] if limit < len(entries) else entries
        return await _json_array(request, entries)

    @r.get("/_sim/faults")
    async def list_faults(request):
        return web.json_response([f.model_dump() for f in sim.faults.list()])

    @r.post("/_sim/faults")
    async def add_fault(request):
        from ..fault_rule import FaultRule

        rule = _validate(FaultRule, await _json_body(request))
        if rule.provider and rule.provider not in sim.providers:
            return _error(404, str(UnknownProvider(rule.provider, sim.providers)))
        return web.json_response(sim.faults.add(rule).model_dump(), status=201)

    @r.delete("/_sim/faults")
    async def clear_faults(request):
        sim.faults.clear()
        return web.json_response([])

    @r.delete("/_sim/faults/{id}")
    async def delete_fault(request):
        rule_id = parse_int(request.match_info["id"])
        if rule_id is None or not sim.faults.remove(rule_id):
            return _error(404, "no such fault")
        return web.json_response({"deleted": rule_id})

    streams: set[asyncio.Queue] = set()

    @r.get("/_sim/events")
    async def events(request):
        return await _event_stream(request, sim, streams)

    async def close_streams(_app):
        for queue in streams:
            queue.put_nowait(None)

    app.on_shutdown.append(close_streams)

    @r.get("/_sim/openapi.json")
    async def openapi(request):
        return web.json_response(openapi_document())

    app.add_routes(r)


HEARTBEAT_WALL_SECONDS = 15.0


async def _json_array(request: web.Request, entries: list) -> web.StreamResponse:
    """The journal's entries as one JSON array. An answer of one part (up to ~256 KiB) is a
    plain response; a longer one is streamed part by part (chunked), so the event loop runs
    between the parts and a slow reader holds one part in memory, not the whole journal."""
    parts = json_parts(entries)
    first = next(parts)
    more = next(parts, None)
    if more is None:
        return web.Response(text=first, content_type="application/json")
    resp = web.StreamResponse(headers={"Content-Type": "application/json; charset=utf-8"})
    await resp.prepare(request)
    await resp.write(first.encode())
    while more is not None:
        await resp.write(more.encode())  # waits while the reader's buffer is full
        await next_turn()  # and lets the loop run when the socket took it all at once
        more = next(parts, None)
    await resp.write_eof()
    return resp


async def _event_stream(request: web.Request, sim: Simulator,
                        streams: set[asyncio.Queue]) -> web.StreamResponse:
    """Server-sent events: engine events (event: engine) and journal entries (event: journal)."""
    queue: asyncio.Queue = asyncio.Queue(maxsize=10_000)
    streams.add(queue)

    def put(kind: str, data: dict) -> None:
        if queue.full():
            queue.get_nowait()
        queue.put_nowait((kind, data))

    unsubscribe_bus = sim.bus.subscribe(lambda e: put("engine", e.to_json()))
    unsubscribe_journal = sim.journal.subscribe(lambda e: put("journal", e.to_json()))
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                       "Cache-Control": "no-cache"})
    await resp.prepare(request)
    try:
        await resp.write(b": telsim events\n\n")
        while True:
            try:
                # a comment line now and then finds clients that went away
                item = await asyncio.wait_for(queue.get(), HEARTBEAT_WALL_SECONDS)
            except asyncio.TimeoutError:
                await resp.write(b": keep-alive\n\n")
                continue
            if item is None:
                break
            kind, data = item
            await resp.write(f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        streams.discard(queue)
        unsubscribe_bus()
        unsubscribe_journal()
    return resp


def __getattr__(name: str) -> Any:
    if name == "ClockCommand":  # importable from here as it always was (models.py)
        from .models import ClockCommand

        return ClockCommand
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
