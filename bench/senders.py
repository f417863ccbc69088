"""The same-run baselines of the calls section: callback bodies posted to a sink in its own
process without the engine, by aiohttp's client (:func:`bare_sender`, one or several
connections) and by a bare asyncio protocol (:func:`lean_sender`), and the deliverer alone
(:func:`delivery_only`). The lifecycles they are compared with are bench/engine_bench.py's.
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp

from bench.engine_bench import CALLBACK_KINDS, _Frozen, new_simulator
from bench.procs import SinkProcess, sink_cpu
from bench.probe import SLUG, TOKEN
from simulator.delivery import Callback, RetryPolicy
from simulator.delivery.deliverer import CONNECTIONS
from simulator.testing.sink import CallbackSink


async def bare_sender(n: int = 4000, sink_process: bool = True, connections: int = 1) -> dict:
    """The same-run baseline of the callback runs: a bare aiohttp client posting ``n`` JSON
    bodies of a callback's size to the same kind of sink, nothing else; ``connections``
    senders at once, each one POST after another on its own keep-alive connection (as the
    simulator sends with ``callbacks.connections`` lanes per target)."""
    sink: Any = SinkProcess() if sink_process else await CallbackSink().start()
    body = json.dumps({"event": "CALL_ANSWERED", "call_id": "call-000001", "leg_id": "call-000001-L2",
                       "time": 1.0e9, "tenant": "acme", "data": {"number": "+74952000001",
                                                                 "role": "dialled"}}).encode()
    url = sink.url("/hook")
    headers = {"Content-Type": "application/json", "X-AUTH-TOKEN": TOKEN}
    left = [n]

    async def sender(session: aiohttp.ClientSession) -> None:
        while left[0] > 0:
            left[0] -= 1
            async with session.post(url, data=body, headers=headers) as r:
                await r.read()

    try:
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=connector) as session:
            t0, cpu0 = time.perf_counter(), time.process_time()
            await asyncio.gather(*(sender(session) for _ in range(connections)))
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        await sink.stop()
    return {"posts": n, "connections": connections, "wall_s": round(wall, 3),
            "posts_per_s": round(n / wall, 1), "cpu_us_per_post": round(cpu / n * 1e6, 1)}


class _LeanPoster(asyncio.Protocol):
    """The least an HTTP/1.1 sender can do: write prepared request bytes, find the end of
    the answer's head, read its Content-Length, post the next one."""

    def __init__(self, request: bytes, left: list[int], done: asyncio.Future):
        self.request, self.left, self.done = request, left, done
        self.buf = b""
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self._next()

    def _next(self) -> None:
        if self.left[0] <= 0:
            if not self.done.done():
                self.done.set_result(None)
            return
        self.left[0] -= 1
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            self.buf = buf
            return
        at = buf.find(b"\r\ncontent-length:", 0, end)
        if at < 0:
            at = buf.find(b"\r\nContent-Length:", 0, end)
        length = int(buf[at + 17:buf.find(b"\r\n", at + 17)]) if at >= 0 else 0
        if len(buf) < end + 4 + length:
            self.buf = buf
            return
        self.buf = b""
        self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(exc or ConnectionError("the sink closed the connection"))


async def lean_sender(n: int = 4000, connections: int = CONNECTIONS) -> dict:
    """The lean same-run baseline: ``connections`` asyncio protocols posting ``n`` prepared
    requests (the bytes the simulator's client writes for a callback of FourCallbacks' size)
    to a sink in its own process, one after another on each keep-alive connection."""
    from simulator.delivery import http1

    sink = SinkProcess()
    body = json.dumps({"event": "CALL_ANSWERED", "call_id": "call-000001", "leg_id": "call-000001-L2",
                       "time": 1.0e9, "tenant": "acme", "data": {"number": "+74952000001",
                                                                 "role": "dialled"}}).encode()
    prepared = http1.prepare("POST", sink.url("/hook"), {"X-AUTH-TOKEN": TOKEN,
                             "Content-Type": "application/json"}, body, None)
    assert prepared is not None
    (host, port), request = prepared
    loop = asyncio.get_running_loop()
    left = [n]
    try:
        t0, cpu0, sink_cpu0 = time.perf_counter(), time.process_time(), sink._cpu()
        dones = []
        for _ in range(connections):
            done = loop.create_future()
            dones.append(done)
            await loop.create_connection(lambda d=done: _LeanPoster(request, left, d), host, port)
        await asyncio.gather(*dones)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        await sink.stop()
    return {"posts": n, "connections": connections, "wall_s": round(wall, 3),
            "posts_per_s": round(n / wall, 1), "cpu_us_per_post": round(cpu / n * 1e6, 1),
            **sink_cpu(sink, sink_cpu0, n, wall)}


async def delivery_only(n: int = 4000, calls: int = 1000) -> dict:
    """The deliverer alone (no engine): ``n`` callbacks of FourCallbacks' size for ``calls``
    calls, queued at once, delivered to a sink in its own process; CPU per callback of this
    process, to set beside lean_sender's CPU per POST."""
    sim = new_simulator()
    await sim.start()
    sink = SinkProcess()
    body = json.dumps({"event": "CALL_ANSWERED", "call_id": "call-000001", "leg_id": "call-000001-L2",
                       "time": 1.0e9, "tenant": "acme", "data": {"number": "+74952000001",
                                                                 "role": "dialled"}}).encode()
    url, policy = sink.url("/hook"), RetryPolicy()
    sent0 = sim.delivery.sent
    try:
        with _Frozen():
            t0, cpu0, sink_cpu0 = time.perf_counter(), time.process_time(), sink._cpu()
            for i in range(n):
                sim.delivery.send(Callback(
                    provider=SLUG, url=url, kind=CALLBACK_KINDS[i % 4], body=body, tenant="acme",
                    call_id=f"call-{i % calls:06d}", headers={"X-AUTH-TOKEN": TOKEN}, policy=policy))
            while sim.delivery.sent - sent0 < n:
                await sim.clock.advance(0)
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        await sim.stop()
        await sink.stop()
    return {"posts": n, "connections": CONNECTIONS, "wall_s": round(wall, 3),
            "posts_per_s": round(n / wall, 1), "cpu_us_per_post": round(cpu / n * 1e6, 1),
            **sink_cpu(sink, sink_cpu0, n, wall)}
