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
    python bench/servers.py sink --lean
        the same with the least a correct HTTP/1.1 server does (an asyncio Protocol: request
        line, headers, a Content-Length body, keep-alive; 200 with an empty body): a receiver
        that is not the limit, so a run shows the simulator's own capacity
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


_LEAN_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
_LEAN_OK_CLOSE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_LEAN_MAX_HEAD = 64 * 1024
_LEAN_MAX_BODY = 64 * 1024 * 1024


def _lean_error(status: str) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


class _LeanConnection:
    """One connection of the lean sink: requests parsed as they come (pipelined ones in
    turn), each answered 200 with an empty body; a malformed one 400 and the connection
    closed, a body framed otherwise than by Content-Length 501."""

    def __init__(self, counter: list[int]) -> None:
        self.counter = counter
        self.transport = None
        self.buf = b""

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        while buf:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _LEAN_MAX_HEAD:
                    return self._refuse("431 Request Header Fields Too Large")
                break
            head = buf[:end].decode("latin-1").split("\r\n")
            parts = head[0].split(" ")
            if len(parts) != 3 or not parts[1] or parts[2] not in ("HTTP/1.1", "HTTP/1.0"):
                return self._refuse("400 Bad Request")
            length, keep = 0, parts[2] == "HTTP/1.1"
            for line in head[1:]:
                name, sep, value = line.partition(":")
                if not sep or not name or name != name.strip():
                    return self._refuse("400 Bad Request")
                name, value = name.lower(), value.strip()
                if name == "content-length":
                    if not value.isdigit() or int(value) > _LEAN_MAX_BODY:
                        return self._refuse("400 Bad Request")
                    length = int(value)
                elif name == "transfer-encoding":
                    return self._refuse("501 Not Implemented")
                elif name == "connection":
                    tokens = {t.strip().lower() for t in value.split(",")}
                    keep = "close" not in tokens and (keep or "keep-alive" in tokens)
            if len(buf) < end + 4 + length:
                break  # the body is still on its way
            buf = buf[end + 4 + length:]
            self.counter[0] += 1
            if not keep:
                self.transport.write(_LEAN_OK_CLOSE)
                self.transport.close()
                return
            self.transport.write(_LEAN_OK)
        self.buf = buf

    def _refuse(self, status: str) -> None:
        self.buf = b""
        self.transport.write(_lean_error(status))
        self.transport.close()

    def eof_received(self) -> bool:
        return False

    def pause_writing(self) -> None:  # the asyncio Protocol interface (no asyncio import here)
        pass

    def resume_writing(self) -> None:
        pass

    def connection_lost(self, exc) -> None:
        self.transport = None


def _sink(argv: list[str]) -> int:
    import asyncio
    import signal

    sys.path.insert(0, str(ROOT))
    from simulator.testing.sink import CallbackSink

    parser = argparse.ArgumentParser(prog="servers.py sink")
    parser.add_argument("--lean", action="store_true",
                        help="an asyncio Protocol answering 200 (no CallbackSink)")
    lean = parser.parse_args(argv).lean

    async def run_lean() -> int:
        loop = asyncio.get_running_loop()
        counter = [0]
        server = await loop.create_server(lambda: _LeanConnection(counter), "127.0.0.1", 0)
        print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.close()
        print(counter[0], flush=True)
        return 0

    async def run() -> int:
        if lean:
            return await run_lean()
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
