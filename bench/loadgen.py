"""HTTP load generators: ``wrk`` when installed, and a pure-Python fallback.

The Python generator is a bare asyncio protocol (pre-built request bytes, Content-Length
framing, one request in flight per keep-alive connection) rather than aiohttp's client,
which spends several times more CPU per request. It still shares the machine's cores with
the server, so on a 2-core box it understates what the server can do; wrk (C, one thread)
leaves most of a core to the server.

    python bench/loadgen.py http://127.0.0.1:8080/_sim/clock -c 64 -d 10 -H 'X-AUTH-TOKEN: t'
prints one JSON object (the worker mode used with --procs > 1).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import resource
import shutil
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

BUCKET_US = 10  # latency histogram resolution, microseconds


@dataclass
class LoadResult:
    tool: str
    url: str
    connections: int
    duration: float  # measured seconds (after warm-up)
    requests: int
    errors: int  # non-2xx answers and failed connections
    histogram: dict[int, int] = field(default_factory=dict)  # bucket -> count
    p50_ms: float | None = None
    p99_ms: float | None = None
    note: str = ""
    client_cpu_s: float | None = None  # CPU the load generator itself used

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration > 0 else 0.0

    def finish(self) -> "LoadResult":
        if self.histogram and self.p50_ms is None:
            self.p50_ms = _percentile(self.histogram, 50)
            self.p99_ms = _percentile(self.histogram, 99)
        return self

    def to_json(self) -> dict:
        return {"tool": self.tool, "url": self.url, "connections": self.connections,
                "duration_s": round(self.duration, 3), "requests": self.requests,
                "errors": self.errors, "rps": round(self.rps, 1),
                "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 3),
                "p99_ms": None if self.p99_ms is None else round(self.p99_ms, 3),
                "client_cpu_util": None if self.client_cpu_s is None or self.duration <= 0
                else round(self.client_cpu_s / self.duration, 2),
                "note": self.note}


def _percentile(hist: dict[int, int], pct: float) -> float:
    total = sum(hist.values())
    rank = max(1, math.ceil(total * pct / 100))
    seen = 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return (bucket + 0.5) * BUCKET_US / 1000
    return 0.0


# ------------------------------------------------------------ pure Python
def build_request(url: str, headers: list[str], method: str = "GET", body: bytes = b"") -> bytes:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive",
             "Accept: application/json", "User-Agent: telsim-bench"]
    lines += headers
    if body or method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def wrk_script(method: str, body: bytes) -> str:
    """A wrk Lua script sending ``method`` with ``body`` (every byte outside printable ASCII
    as a decimal escape: Lua long strings would turn CR LF into LF)."""
    def lua(data: bytes) -> str:
        return "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in data)
    return f'wrk.method = "{method}"\nwrk.body = "{lua(body)}"\n'


class _Conn(asyncio.Protocol):
    def __init__(self, run: "_Run"):
        self.run = run
        self.buf = bytearray()
        self.need: int | None = None  # bytes of the current response still expected
        self.status = 0
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        self._send()

    def _send(self):
        self.sent_at = time.perf_counter()
        self.transport.write(self.run.request)

    def data_received(self, data):
        self.buf += data
        while True:
            if self.need is None:
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self.buf[:end])
                del self.buf[:end + 4]
                self.status = int(head[9:12])
                m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                if m is None:  # chunked or close-delimited: not produced by aiohttp json routes
                    self.run.errors += 1
                    self.transport.close()
                    return
                self.need = int(m.group(1))
            if len(self.buf) < self.need:
                return
            del self.buf[:self.need]
            self.need = None
            self._done()
            if self.transport.is_closing():
                return

    def _done(self):
        now = time.perf_counter()
        run = self.run
        if run.measure_from <= now <= run.stop_at:
            run.requests += 1
            if not 200 <= self.status < 300:
                run.errors += 1
            bucket = int((now - self.sent_at) * 1e6) // BUCKET_US
            run.hist[bucket] = run.hist.get(bucket, 0) + 1
        if now < run.stop_at:
            self._send()
        else:
            self.transport.close()

    def connection_lost(self, exc):
        if exc is not None:
            self.run.errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


@dataclass
class _Run:
    request: bytes
    measure_from: float
    stop_at: float
    requests: int = 0
    errors: int = 0
    hist: dict[int, int] = field(default_factory=dict)


async def _python_load(url: str, connections: int, duration: float, warmup: float,
                       headers: list[str], method: str = "GET", body: bytes = b"") -> LoadResult:
    parts = urlsplit(url)
    loop = asyncio.get_running_loop()
    cpu0 = time.process_time()
    start = time.perf_counter()
    run = _Run(build_request(url, headers, method, body), start + warmup, start + warmup + duration)
    conns = []
    for _ in range(connections):
        _, proto = await loop.create_connection(lambda: _Conn(run), parts.hostname,
                                                parts.port or 80)
        conns.append(proto)
    # bounded: every connection stops sending at stop_at; allow 10 s for the last answers
    await asyncio.wait([c.closed for c in conns], timeout=warmup + duration + 10)
    for c in conns:
        if c.transport is not None and not c.transport.is_closing():
            c.transport.close()
    result = LoadResult("python", url, connections, duration, run.requests, run.errors, run.hist)
    result.client_cpu_s = time.process_time() - cpu0
    return result


def python_load(url: str, connections: int = 64, duration: float = 10.0, warmup: float = 1.0,
                headers: list[str] | None = None, procs: int = 1, method: str = "GET",
                body: bytes = b"") -> LoadResult:
    """Pure-Python load; ``procs`` > 1 splits the connections over worker processes."""
    headers = headers or []
    if procs <= 1:
        return asyncio.run(_python_load(url, connections, duration, warmup, headers,
                                        method, body)).finish()
    if method != "GET" or body:
        raise ValueError("--procs > 1 sends GET requests only")
    per = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    workers = []
    for n in per:
        cmd = [sys.executable, __file__, url, "-c", str(n), "-d", str(duration),
               "--warmup", str(warmup), "--histogram"]
        for h in headers:
            cmd += ["-H", h]
        workers.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))
    total = LoadResult(f"python x{procs}", url, connections, duration, 0, 0, {})
    total.client_cpu_s = 0.0
    for w in workers:
        out, _ = w.communicate(timeout=warmup + duration + 60)
        data = json.loads(out)
        total.requests += data["requests"]
        total.errors += data["errors"]
        total.client_cpu_s += (data.get("client_cpu_util") or 0) * duration
        for b, c in data["histogram"].items():
            total.histogram[int(b)] = total.histogram.get(int(b), 0) + c
    return total.finish()


# ------------------------------------------------------------- bursts
class _BurstConn(_Conn):
    """A kept-alive connection of a :class:`Burst`: it sends while the burst has requests
    left, then waits, still open, for the next burst."""

    def _done(self):
        now = time.perf_counter()
        b = self.run
        b.requests += 1
        if not 200 <= self.status < 300:
            b.errors += 1
        bucket = int((now - self.sent_at) * 1e6) // BUCKET_US
        b.hist[bucket] = b.hist.get(bucket, 0) + 1
        if b.left > 0:
            b.left -= 1
            self._send()
        elif b.requests >= b.target and not b.finished.done():
            b.finished.set_result(None)

    def connection_made(self, transport):
        self.transport = transport  # the first request waits for the burst

    def _send(self):
        self.sent_at = time.perf_counter()
        self.transport.write(self.run.next_request())

    def connection_lost(self, exc):
        super().connection_lost(exc)
        b = self.run
        b.lost += 1
        if b.finished is not None and not b.finished.done():
            b.finished.set_exception(ConnectionError(f"connection to {b.url} lost"))


class Burst:
    """``connections`` keep-alive connections to one URL, opened once; :meth:`run` sends
    exactly ``n`` requests over them, one in flight per connection as wrk does, and returns
    when the last is answered. Many short bursts on two servers in turn, with no process
    start or connect inside a measured window, are what the HTTP section compares."""

    def __init__(self, url: str, connections: int, headers: list[str], method: str = "GET",
                 body: bytes = b"", variants: tuple[bytes, ...] = ()):
        self.url = url
        self.connections = connections
        self.request = build_request(url, headers, method, body)
        # a write target's bodies sent in turn across the burst, so that each write changes
        # what the one before it set (:attr:`bench.http_targets.Target.variants`)
        self.in_turn = [self.request] + [build_request(url, headers, method, v) for v in variants]
        self._turn = 0
        self.conns: list[_BurstConn] = []
        self.finished: asyncio.Future | None = None
        self.lost = 0

    def next_request(self) -> bytes:
        self._turn = (self._turn + 1) % len(self.in_turn)
        return self.in_turn[self._turn]

    async def open(self) -> "Burst":
        parts = urlsplit(self.url)
        loop = asyncio.get_running_loop()
        for _ in range(self.connections):
            _, proto = await loop.create_connection(lambda: _BurstConn(self), parts.hostname,
                                                    parts.port or 80)
            self.conns.append(proto)
        return self

    async def run(self, n: int, timeout: float = 30.0) -> LoadResult:
        if self.lost:
            raise ConnectionError(f"a connection to {self.url} was closed")
        self.requests = self.errors = 0
        self.hist: dict[int, int] = {}
        self.target = n
        self.finished = asyncio.get_running_loop().create_future()
        self.left = n
        t0 = time.perf_counter()
        for c in self.conns[:n]:
            self.left -= 1
            c._send()
        await asyncio.wait_for(self.finished, timeout)
        result = LoadResult("burst", self.url, self.connections, time.perf_counter() - t0,
                            self.requests, self.errors, self.hist)
        return result.finish()

    def close(self) -> None:
        for c in self.conns:
            if c.transport is not None and not c.transport.is_closing():
                c.transport.close()


# -------------------------------------------------------------------- wrk
def have_wrk() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(output: str, url: str, connections: int, duration: float) -> LoadResult:
    rps = re.search(r"Requests/sec:\s*([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not (rps and total and p50 and p99):
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    measured = _ms(total.group(2) + total.group(3)) / 1000
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(g) for g in sock.groups())
    result = LoadResult("wrk", url, connections, measured, int(total.group(1)), errors)
    result.p50_ms, result.p99_ms = _ms(p50.group(1)), _ms(p99.group(1))
    return result


def wrk_load(url: str, connections: int = 64, duration: float = 10.0, warmup: float = 1.0,
             headers: list[str] | None = None, threads: int = 1, method: str = "GET",
             body: bytes = b"") -> LoadResult:
    base = ["wrk", f"-t{threads}", f"-c{connections}", "--latency", "--timeout", "5s"]
    for h in headers or []:
        base += ["-H", h]
    script = None
    if method != "GET" or body:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(wrk_script(method, body))
            script = f.name
        base += ["-s", script]
    try:
        return _wrk(base, url, connections, duration, warmup)
    finally:
        if script is not None:
            os.unlink(script)


def _wrk(base: list[str], url: str, connections: int, duration: float, warmup: float) -> LoadResult:
    if warmup > 0:
        subprocess.run(base + [f"-d{max(1, round(warmup))}s", url], capture_output=True,
                       text=True, timeout=warmup + 30)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(base + [f"-d{max(1, round(duration))}s", url], capture_output=True,
                         text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = parse_wrk(out.stdout, url, connections, duration)
    result.client_cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def main() -> int:
    p = argparse.ArgumentParser(description="pure-Python keep-alive HTTP load generator")
    p.add_argument("url")
    p.add_argument("-c", "--connections", type=int, default=64)
    p.add_argument("-d", "--duration", type=float, default=10.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("-H", "--header", action="append", default=[])
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--histogram", action="store_true", help="include the raw histogram")
    a = p.parse_args()
    r = python_load(a.url, a.connections, a.duration, a.warmup, a.header, a.procs)
    out = r.to_json()
    if a.histogram:
        out["histogram"] = r.histogram
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
