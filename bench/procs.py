"""The processes the bench starts and reads: `telsim serve`, the bare servers of
bench/servers.py, the receiving application of the call benchmarks, their health, their CPU time."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVERS = str(ROOT / "bench" / "servers.py")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def telsim_command() -> list[str]:
    script = Path(sys.executable).parent / "telsim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator.cli"]


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 2.0) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_healthy(port: int, proc: subprocess.Popen, limit: float = 20.0,
                 interval: float = 0.005) -> float:
    """Poll GET /_sim/health until 200; bounded by ``limit`` wall seconds. Returns the time
    of the first answered request (perf_counter)."""
    url = f"http://127.0.0.1:{port}/_sim/health"
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            status, _ = get(url, timeout=1.0)
            if status == 200:
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"no answer from {url} within {limit} s")


class Server:
    """A server in its own process on a free loopback port."""

    def __init__(self, argv: list[str], port: int, profile: str | None = None,
                 quiet: bool = True, env: dict[str, str] | None = None):
        self.port = port
        self.log = tempfile.TemporaryFile()
        if profile:
            if argv[0] == sys.executable:
                argv = argv[1:]
            elif not argv[0].endswith(".py"):
                argv = ["-m", "simulator.cli"] + argv[1:]
            argv = [sys.executable, "-m", "cProfile", "-o", profile] + argv
        base = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=str(ROOT), env={**base, "SIM_ACCESS_LOG": "0"} if quiet
                                     else {k: v for k, v in base.items()
                                           if k != "SIM_ACCESS_LOG"})
        self.started = time.perf_counter()

    def __enter__(self) -> "Server":
        try:
            self.ready = wait_healthy(self.port, self.proc, limit=60.0)  # a loaded machine
        except Exception:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def telsim_server(port: int, probe: bool, profile: str | None = None,
                  quiet: bool = True, env: dict[str, str] | None = None) -> Server:
    """``telsim serve``; ``quiet=False`` is the user's default (access log on)."""
    args = ["serve", "--host", "127.0.0.1", "--port", str(port)] + (["--quiet"] if quiet else [])
    if probe:
        return Server([sys.executable, SERVERS, "probe", *args], port, profile, quiet, env)
    return Server(telsim_command() + args, port, profile, quiet, env)


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")




def proc_cpu_precise(pid: int) -> float | None:
    """CPU seconds of a process and its threads from /proc/<pid>/task/*/schedstat (the
    scheduler's nanoseconds: /proc/<pid>/stat counts 10 ms ticks, too coarse for windows of
    a fraction of a second); proc_cpu() where schedstat is missing."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        for tid in tasks:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return proc_cpu(pid)
    return total / 1e9


class SinkProcess:
    """The CallbackSink in its own process (bench/servers.py sink): the simulator's side of
    a callback only, as with a real application under test. ``lean``: the lean receiver
    instead (``sink --lean``, an asyncio Protocol answering 200), which is not the limit."""

    def __init__(self, lean: bool = False) -> None:
        self.proc = subprocess.Popen([sys.executable, SERVERS, "sink"] + (["--lean"] if lean else []),
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()  # bounded: the sink prints at once
        if not line.startswith("http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"sink did not start: {line!r}")
        self.base_url = line
        self.received: int | None = None
        self.cpu_s: float | None = None  # the sink process's CPU (user + system) at stop

    def _cpu(self) -> float | None:
        """The sink's CPU seconds so far, from /proc (None where there is none)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def url(self, path: str) -> str:
        return self.base_url + path

    async def stop(self) -> None:
        self.cpu_s = self._cpu()
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=15)
            self.received = int(out.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError):
            self.proc.kill()
            self.proc.wait(timeout=5)


def sink_cpu(sink: Any, cpu0: float | None, requests: int, wall: float) -> dict:
    """The sink process's CPU over the measured window: per request, and as a share of one
    core (near 1.0: the sink, not the sender, sets the rate)."""
    if not isinstance(sink, SinkProcess) or cpu0 is None or sink.cpu_s is None or not requests:
        return {}
    cpu = sink.cpu_s - cpu0
    return {"sink_cpu_us_per_request": round(cpu / requests * 1e6, 1),
            "sink_core_share": round(cpu / wall, 2) if wall else None}
