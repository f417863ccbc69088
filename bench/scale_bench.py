"""Scale check: the cost of routes in the default world and in a world 10× larger.

The 10× world has ten times the generated history of every provider (each ``calls_per_day``
×10), ten times the abonents of the VPBX enterprise X214 (clones with their own ids,
extensions and numbers), and ten times the finished engine calls (VPBX calls placed and run
to the end before measuring, so call records and provider histories are 10×).
Both worlds are served side by side in this process and each route is requested over
loopback keep-alive, alternating between the worlds, the best of 5 rounds kept; the figure
is CPU µs per request (client and server together: the client's share is the same in both
worlds). ``slope`` = cost at 10× / cost at 1×: about 1 for a single-record
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

from bench.report import summarise
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
        ("control GET /_sim/journal?call_id=&limit=5", "GET", f"/_sim/journal?call_id={call_id}&limit=5",
         {}, None),
        ("mts-vpbx GET /api/abonents (list)", "GET", "/mts-vpbx/api/abonents", VPBX_TOKEN, None),
        ("mts-vpbx GET /api/findMe/1233", "GET", "/mts-vpbx/api/findMe/1233", VPBX_TOKEN, None),
        ("mts-vpbx GET /api/groups", "GET", "/mts-vpbx/api/groups", VPBX_TOKEN, None),
        ("mts-vpbx GET callHistory/user/1735 (page of 20)", "GET",
         "/mts-vpbx/api/v1/callHistory/user/1735?page=0&size=20", VPBX_TOKEN, None),
        ("mts-autosecretary GET /api/v1/un (list)", "GET", "/mts-autosecretary/api/v1/un", AUTOSEC, None),
        ("mtt-telecom POST getFollowme", "POST", "/mtt-telecom/index.php", TELECOM,
         rpc("getFollowme", ["74951345987"])),
    ]


async def _measure(session: aiohttp.ClientSession, url: str, method: str, headers: dict,
                   data: bytes | None, n: int) -> tuple[float, int, int]:
    """CPU seconds per request over ``n`` sequential requests; (cost, answer bytes, status)."""
    size = status = 0
    cpu0 = time.process_time()
    for _ in range(n):
        async with session.request(method, url, headers=headers, data=data) as r:
            size, status = len(await r.read()), r.status
    return (time.process_time() - cpu0) / n, size, status


async def _world(scale: int, calls: int) -> dict:
    sim = Simulator(Settings(manual_clock=True, access_log=False, world_data=world_data(scale)))
    await sim.start()
    for i in range(calls * scale):  # finished calls: records, histories
        await sim.start_call(CallRequest.model_validate({
            "provider": "mts-vpbx", "from": f"+7916100{i % 10000:04d}", "to": CALLED,
            "script": {CALLED: {"answer_after": 1, "hangup_after": 2}}}))
        if i % 200 == 199:
            await sim.clock.advance(5)
    await sim.clock.advance(10)
    runner = web.AppRunner(create_app(sim), access_log=None)  # its start-up hook finds sim started
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    call_id = next(reversed(sim.engine.finished)) if sim.engine.finished else "call-000001"
    return {"scale": scale, "sim": sim, "runner": runner, "base": f"http://127.0.0.1:{port}",
            "call_id": call_id, "finished_calls": sim.engine.records_total}


async def _scale(calls: int, n: int, factor: int, rounds: int) -> dict:
    # what the providers preload in a thread once started: loaded first, so that thread does not
    # run during some of the measurements only
    import faker  # noqa: F401
    import simulator.providers.mts_autosecretary.soap.endpoint  # noqa: F401

    worlds = [await _world(1, calls), await _world(factor, calls)]
    rows = []
    try:
        async with aiohttp.ClientSession() as session:
            # both worlds are served side by side and measured in alternation, the best of
            # ``rounds`` kept: other load on the machine hits both alike
            for label, method, path, headers, body in routes("{call_id}"):
                data = json.dumps(body).encode() if body is not None else None
                best: list[float] = [float("inf"), float("inf")]
                sizes, statuses = [0, 0], [0, 0]
                for w in worlds:  # warm-up
                    await _measure(session, w["base"] + path.format(call_id=w["call_id"]), method,
                                   headers, data, 5)
                gc.collect()
                for _ in range(rounds):
                    for k, w in enumerate(worlds):
                        cost, sizes[k], statuses[k] = await _measure(
                            session, w["base"] + path.format(call_id=w["call_id"]), method, headers,
                            data, max(1, n // rounds))
                        best[k] = min(best[k], cost)
                rows.append({"route": label, "us_1x": round(best[0] * 1e6, 1),
                             "us_10x": round(best[1] * 1e6, 1),
                             "slope": round(best[1] / best[0], 2) if best[0] else None,
                             "answer_growth": round(sizes[1] / sizes[0], 2) if sizes[0] else None,
                             "status": tuple(statuses)})
    finally:
        for w in worlds:
            await w["runner"].cleanup()
            await w["sim"].stop()
    return {"factor": factor, "rows": rows,
            "worlds": [{"scale": w["scale"], "finished_calls": w["finished_calls"]} for w in worlds]}


def scale(calls: int = 300, n: int = 300, factor: int = 10, rounds: int = 5) -> dict:
    return asyncio.run(_scale(calls, n, factor, rounds))


# the runner's section (e): bench/run.py --only scale
def bench_scale(args) -> dict:
    r = scale(calls=100 if args.quick else 200, n=100 if args.quick else 200)
    small, large = r["worlds"]
    print(f"  worlds: 1× = default world + {small['finished_calls']} finished calls; {r['factor']}× = "
          f"generated history, X214 abonents and finished calls ×{r['factor']} "
          f"({large['finished_calls']} calls); best of 5 alternating rounds")
    print(f"  {'route':<52} {'µs at 1×':>9} {'µs at 10×':>9} {'slope':>6} {'answer ×':>8}")
    for row in r["rows"]:
        flag = "" if row["slope"] is None or row["slope"] < 1.5 or (row["answer_growth"] or 1) > 1.5 \
            else "  <- grows with the world"
        print(f"  {row['route']:<52} {row['us_1x']:>9.0f} {row['us_10x']:>9.0f} {row['slope']:>6.2f} "
              f"{row['answer_growth']:>8.2f}{flag}")
        if (row["answer_growth"] or 1) <= 1.5:
            summarise(f"scale slope {row['route']}"[:52], row["us_10x"], "µs at 10×", "the same at 1×",
                      row["us_1x"], "≈ 1 (flat)")
    print("  µs = CPU per request of this process (client and server): the client's share is the "
          "same in both worlds")
    return r
