"""Scale check: the cost of routes in the default world and in a world 10× larger.

The 10× world has ten times the generated history of every provider (each ``calls_per_day``
×10), ten times the abonents of the VPBX enterprise X214 (clones with their own ids,
extensions and numbers), and ten times the finished engine calls (VPBX calls placed and run
to the end before measuring, so call records and provider histories are 10×).
Each route is then requested sequentially over loopback keep-alive from the same process;
the figure is CPU µs per request (client and server together: the client's share is the
same in both worlds). ``slope`` = cost at 10× / cost at 1×: about 1 for a single-record
route; a list route may grow with its answer (its ``answer ×`` column says by how much).
Nothing here passes or fails; the runner prints it.
"""
from __future__ import annotations

import asyncio
import base64
import copy
import gc
import json
import time
from typing import Any

import aiohttp
import yaml
from aiohttp import web

from simulator.app import create_app
from simulator.settings import Settings
from simulator.sim import CallRequest, Simulator
from simulator.world import DEFAULT_WORLD

VPBX_TOKEN = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}
AUTOSEC = {"Authorization": "Basic " + base64.b64encode(b"user:password").decode()}
TELECOM = {"Authorization": "Basic " + base64.b64encode(b"romashka-api:Gnezdo-Api-2026").decode(),
           "Content-Type": "application/json"}
CALLED = "+79160001735"


def world_data(scale: int) -> dict:
    raw = yaml.safe_load(DEFAULT_WORLD.read_text(encoding="utf-8"))
    if scale == 1:
        return raw

    def grow(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "calls_per_day" and isinstance(v, int):
                    node[k] = v * scale
                else:
                    grow(v)
        elif isinstance(node, list):
            for v in node:
                grow(v)
    grow(raw)
    ent = raw["providers"]["mts-vpbx"]["enterprises"]["X214"]
    base = dict(ent["abonents"])
    for c in range(1, scale):
        for aid, ab in base.items():
            clone = copy.deepcopy(ab)
            clone["extension"] = f"{c}{ab['extension']}"
            if clone.get("phoneNumber"):
                clone["phoneNumber"] = f"+7926{c:03d}{aid:0>4}"
            clone["email"] = f"c{c}.{ab['email']}"
            clone.pop("bwksUserId", None)
            ent["abonents"][str(int(aid) + 10_000 * c)] = clone
    return raw


def routes(call_id: str) -> list[tuple[str, str, str, dict, Any]]:
    """(label, method, path, headers, JSON body)."""
    rpc = lambda method, params: {"jsonrpc": "2.0", "id": "1", "method": method, "params": params}  # noqa: E731
    return [
        ("control GET /_sim/clock", "GET", "/_sim/clock", {}, None),
        ("control GET /_sim/calls/{id} (finished)", "GET", f"/_sim/calls/{call_id}", {}, None),
        ("control GET /_sim/journal?call_id=&limit=5", "GET", f"/_sim/journal?call_id={call_id}&limit=5", {}, None),
        ("mts-vpbx GET /api/abonents (list)", "GET", "/mts-vpbx/api/abonents", VPBX_TOKEN, None),
        ("mts-vpbx GET /api/findMe/1233", "GET", "/mts-vpbx/api/findMe/1233", VPBX_TOKEN, None),
        ("mts-vpbx GET /api/groups", "GET", "/mts-vpbx/api/groups", VPBX_TOKEN, None),
        ("mts-vpbx GET callHistory/user/1735 (page of 20)", "GET",
         "/mts-vpbx/api/v1/callHistory/user/1735?page=0&size=20", VPBX_TOKEN, None),
        ("mts-autosecretary GET /api/v1/un (list)", "GET", "/mts-autosecretary/api/v1/un", AUTOSEC, None),
        ("mtt-telecom POST getFollowme", "POST", "/mtt-telecom/index.php", TELECOM,
         rpc("getFollowme", ["74951345987"])),
    ]


async def _measure(session: aiohttp.ClientSession, base: str, method: str, path: str,
                   headers: dict, body: Any, n: int) -> tuple[float, int, int]:
    data = json.dumps(body).encode() if body is not None else None
    size = status = 0
    for _ in range(max(3, n // 10)):  # warm-up
        async with session.request(method, base + path, headers=headers, data=data) as r:
            size, status = len(await r.read()), r.status
    gc.collect()
    cpu0 = time.process_time()
    for _ in range(n):
        async with session.request(method, base + path, headers=headers, data=data) as r:
            await r.read()
    return (time.process_time() - cpu0) / n, size, status


async def one_world(scale: int, calls: int, n: int) -> dict:
    sim = Simulator(Settings(manual_clock=True, access_log=False, world_data=world_data(scale)))
    await sim.start()
    for i in range(calls * scale):  # finished calls: records, histories, journal entries
        await sim.start_call(CallRequest.model_validate({
            "provider": "mts-vpbx", "from": f"+7916100{i % 10000:04d}", "to": CALLED,
            "script": {CALLED: {"answer_after": 1, "hangup_after": 2}}}))
        if i % 200 == 199:
            await sim.clock.advance(5)
    await sim.clock.advance(10)
    call_id = next(reversed(sim.engine.finished)) if sim.engine.finished else "call-000001"
    app = create_app(sim)  # its start-up hook finds the simulator started (idempotent)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    out = {"scale": scale, "finished_calls": sim.engine.records_total, "journal": len(sim.journal),
           "routes": {}}
    try:
        async with aiohttp.ClientSession() as session:
            for label, method, path, headers, body in routes(call_id):
                cost, size, status = await _measure(session, f"http://127.0.0.1:{port}", method, path,
                                                    headers, body, n)
                out["routes"][label] = {"us": cost * 1e6, "bytes": size, "status": status}
    finally:
        await runner.cleanup()
        await sim.stop()
    return out


def scale(calls: int = 300, n: int = 300, factor: int = 10) -> dict:
    small = asyncio.run(one_world(1, calls, n))
    large = asyncio.run(one_world(factor, calls, n))
    rows = []
    for label, a in small["routes"].items():
        b = large["routes"][label]
        rows.append({"route": label, "us_1x": round(a["us"], 1), "us_10x": round(b["us"], 1),
                     "slope": round(b["us"] / a["us"], 2) if a["us"] else None,
                     "answer_growth": round(b["bytes"] / a["bytes"], 2) if a["bytes"] else None,
                     "status": (a["status"], b["status"])})
    return {"factor": factor, "worlds": [{k: v for k, v in w.items() if k != "routes"}
                                         for w in (small, large)], "rows": rows}
