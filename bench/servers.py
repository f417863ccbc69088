"""Servers the HTTP benchmark starts as separate processes.

    python bench/servers.py probe serve --host 127.0.0.1 --port P --quiet
        `telsim serve` (the same CLI entry point) with the bench-only provider registered
    python bench/servers.py baseline --port P --path /api/abonents --json FILE
        a bare aiohttp handler returning the same JSON (no middleware, no journal, no auth)
    python bench/servers.py baseline --port P --spec FILE
        one bare handler per route of FILE (bench/http_targets.py BaselineSpec as JSON): it
        parses the request body as the real route must, then answers the same bytes
    python bench/servers.py sink
        a CallbackSink (simulator.testing) on a free loopback port; prints its base URL,
        runs until SIGTERM, then prints the number of requests it received
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _probe(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    import bench.probe  # noqa: F401  registers the bench-probe provider
    from simulator.cli import main

    return main(argv)


def _baseline(argv: list[str]) -> int:
    from aiohttp import web

    parser = argparse.ArgumentParser(prog="servers.py baseline")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--json", type=Path, help="the body to return, as JSON")
    parser.add_argument("--spec", type=Path, help="routes to serve (BaselineSpec list, JSON)")
    args = parser.parse_args(argv)
    app = web.Application()
    if args.spec is not None:
        for spec in json.loads(args.spec.read_text(encoding="utf-8")):
            app.router.add_route(spec["method"], spec["path"], _bare_handler(spec))
        app.router.add_get("/_sim/health", _health)
        web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)
        return 0
    data = json.loads(args.json.read_text(encoding="utf-8"))

    async def handler(request: web.Request) -> web.Response:
        # serialise per request, as a real handler does
        return web.Response(text=json.dumps(data, ensure_ascii=False),
                            content_type="application/json")

    app.router.add_get(args.path, handler)
    if args.path != "/_sim/health":
        app.router.add_get("/_sim/health", _health)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)
    return 0


async def _health(request):
    from aiohttp import web

    return web.json_response({"status": "ok"})


def _bare_handler(spec: dict):
    """A handler doing the least a real one must: parse the body, serialise the answer."""
    from aiohttp import web

    body = bytes.fromhex(spec["body_hex"])
    data = json.loads(body) if spec["json_body"] else None
    parse, status, content_type = spec["parse"], spec["status"], spec["content_type"]

    async def handler(request: web.Request) -> web.Response:
        if parse == "json":
            await request.json()
        elif parse == "post":
            await request.post()
        elif parse == "read":
            await request.read()
        out = json.dumps(data, ensure_ascii=False).encode() if data is not None else body
        return web.Response(body=out, status=status, content_type=content_type)

    return handler


def _sink(argv: list[str]) -> int:
    import asyncio
    import signal

    sys.path.insert(0, str(ROOT))
    from simulator.testing.sink import CallbackSink

    async def run() -> int:
        sink = await CallbackSink().start()
        print(sink.base_url, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await sink.stop()
        print(len(sink.requests), flush=True)
        return 0

    return asyncio.run(run())


def main() -> int:
    kinds = {"probe": _probe, "baseline": _baseline, "sink": _sink}
    if len(sys.argv) < 2 or sys.argv[1] not in kinds:
        print(__doc__, file=sys.stderr)
        return 2
    return kinds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
