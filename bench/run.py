"""telsim benchmark: prints measurements, no pass/fail.

    .venv/bin/python bench/run.py            # full run, `make bench` (target: under 3 minutes)
    .venv/bin/python bench/run.py --quick    # one round a target, fewer calls (about 1 minute)
    .venv/bin/python bench/run.py --only http --route /mts-vpbx/api/abonents \\
        --header 'X-AUTH-TOKEN: 215ef687-e898-419d-810c-2864efc0b1d0'

(a) http     requests/s, server CPU per request and p50/p99 latency under 64 keep-alive
             connections, against `telsim serve` as users start it (access log on, journal
             on) in its own process on loopback: GET /_sim/clock, the bench-probe route, every
             provider's read route and a write route (bench/http_targets.py; or --route), each
             against a bare aiohttp handler that parses the same body and returns the same
             bytes: 1 s windows on the bare handler and on telsim alternate for --rounds
             rounds and each keeps its best; "x CPU" and "x bare" are the same-run ratios.
(b) calls    full call lifecycles per second through the engine (in-process, manual clock),
             with 4 callbacks per call delivered to a loopback CallbackSink (in this process
             or its own); without callbacks; MTS VPBX calls with its own API CRM events; a
             bare aiohttp sender as the same-run baseline; the engine's cost per timer/call.
(c) memory   tracemalloc: memory per 10,000 finished call records.
(d) startup  `telsim serve` start to the first answered GET /_sim/health (and a bare aiohttp
             server's, the same-run baseline).
(e) scale    routes' cost in the default world and in one 10× larger (bench/scale_bench.py).
(f) day      scenarios/mts-vpbx/day-of-traffic.yaml (a day of an office: 1,200 calls, API CRM
             events to a sink in its own process, the CRM's requests) replayed, against as
             many bare MTS VPBX lifecycles in the same run.

The run ends with one table: every figure, its same-run baseline, the ratio and the target
(issue 13), and the wall time of each section. See docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.probe import ROUTE as PROBE_ROUTE, SLUG as PROBE_SLUG, TOKEN as PROBE_TOKEN  # noqa: E402

SERVERS = str(ROOT / "bench" / "servers.py")
SECTIONS = ("http", "calls", "memory", "startup", "scale", "day")
#: the one table printed at the end: (figure, value, unit, baseline label, baseline value, target)
SUMMARY: list[tuple[str, float | None, str, str, float | None, str]] = []


def summarise(figure: str, value: float | None, unit: str, baseline: str = "",
              base_value: float | None = None, target: str = "") -> None:
    SUMMARY.append((figure, value, unit, baseline, base_value, target))


def print_summary() -> None:
    print(f"\nsummary (every figure of this run, its same-run baseline and the ratio)")
    print(f"  {'figure':<52} {'value':>10} {'unit':<14} {'same-run baseline':<34} {'value':>10} "
          f"{'ratio':>6}  target")
    for figure, value, unit, baseline, base_value, target in SUMMARY:
        ratio = f"{value / base_value:.2f}" if value and base_value else "-"
        v = "-" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
        b = "" if base_value is None else f"{base_value:,.1f}" if base_value < 100 else f"{base_value:,.0f}"
        print(f"  {figure:<52} {v:>10} {unit:<14} {baseline:<34} {b:>10} {ratio:>6}  {target}")


# ------------------------------------------------------------------ helpers
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
                 quiet: bool = True):
        self.port = port
        self.log = tempfile.TemporaryFile()
        if profile:
            if argv[0] == sys.executable:
                argv = argv[1:]
            elif not argv[0].endswith(".py"):
                argv = ["-m", "simulator.cli"] + argv[1:]
            argv = [sys.executable, "-m", "cProfile", "-o", profile] + argv
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=str(ROOT), env={**os.environ, "SIM_ACCESS_LOG": "0"} if quiet
                                     else {k: v for k, v in os.environ.items()
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
                  quiet: bool = True) -> Server:
    """``telsim serve``; ``quiet=False`` is the user's default (access log on)."""
    args = ["serve", "--host", "127.0.0.1", "--port", str(port)] + (["--quiet"] if quiet else [])
    if probe:
        return Server([sys.executable, SERVERS, "probe", *args], port, profile, quiet)
    return Server(telsim_command() + args, port, profile, quiet)


LABEL_W = 58


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_header() -> None:
    print(f"  {'target':<{LABEL_W}} {'tool':<6} {'req/s':>7} {'x bare':>6} {'x CPU':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'err':>4} {'srv CPU µs/req':>14} {'req/s per core':>14} "
          f"{'gen CPU':>7}")


def print_row(r: dict) -> None:
    cpu = r.get("server_cpu_us_per_req")
    cap = r.get("capacity_rps_per_core")
    gen = r.get("client_cpu_util")
    xb, xc = r.get("x_bare"), r.get("x_bare_cpu")
    print(f"  {r['label']:<{LABEL_W}} {r['tool']:<6} {r['rps']:>7.0f} "
          f"{'' if xb is None else f'{xb:.2f}':>6} {'' if xc is None else f'{xc:.2f}':>6} "
          f"{r['p50_ms']:>7.2f} "
          f"{r['p99_ms']:>7.2f} {r['errors']:>4} {'-' if cpu is None else f'{cpu:.0f}':>14} "
          f"{'-' if cap is None else cap:>14} {'-' if gen is None else f'{gen:.2f}':>7}", flush=True)


# --------------------------------------------------------------- (a) http
def bench_http(args) -> dict:
    from bench.http_targets import TARGETS, BaselineSpec, Target, selected
    from simulator.providers.registry import discover

    tools = []
    if args.loadgen in ("wrk", "both") or (args.loadgen == "auto" and loadgen.have_wrk()):
        if not loadgen.have_wrk():
            print("  wrk is not installed (apt-get install wrk); using the Python generator")
        else:
            tools.append("wrk")
    if args.loadgen in ("python", "both") or not tools:
        tools.append("python")

    def warm(url: str, t: Target, tool: str) -> None:
        """Requests not measured: every cache and lazy import of the route is filled."""
        hdrs = {k.strip(): v.strip() for k, v in (h.split(":", 1) for h in t.all_headers())}
        for _ in range(args.warmup_requests):
            req = urllib.request.Request(url, data=t.body or None, headers=hdrs, method=t.method)
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    resp.read()
            except urllib.error.HTTPError as exc:
                exc.read()
        if args.warmup > 0:
            run(tool, url, t, args.warmup)

    def load(tool: str, url: str, t: Target, pid: int) -> dict:
        """One measured window; also the server's CPU time per request (from /proc), which a
        busy machine disturbs much less than requests/s."""
        cpu0 = proc_cpu(pid)
        r = run(tool, url, t, args.duration)
        cpu1 = proc_cpu(pid)
        out = r.to_json()
        if cpu0 is not None and cpu1 is not None and r.requests:
            us = (cpu1 - cpu0) / r.requests * 1e6
            out["server_cpu_us_per_req"] = round(us, 1)
            out["server_cpu_util"] = round((cpu1 - cpu0) / r.duration, 2)
            out["capacity_rps_per_core"] = round(1e6 / us) if us > 0 else None
        return out

    def best(windows: list[dict]) -> dict:
        """The window with the least server CPU per request (other load on the machine only
        ever adds to it), with the rounds' spread."""
        cpu = [w["server_cpu_us_per_req"] for w in windows if w.get("server_cpu_us_per_req")]
        if not cpu:
            return max(windows, key=lambda w: w["rps"])
        out = dict(min(windows, key=lambda w: w.get("server_cpu_us_per_req") or float("inf")))
        out["rounds"] = len(windows)
        out["cpu_us_per_req_rounds"] = cpu
        return out

    def run(tool: str, url: str, t: Target, duration: float) -> loadgen.LoadResult:
        if tool == "wrk":
            return loadgen.wrk_load(url, args.connections, duration, 0, t.all_headers(),
                                    threads=args.wrk_threads, method=t.method, body=t.body)
        return loadgen.python_load(url, args.connections, duration, 0, t.all_headers(),
                                   procs=args.load_procs, method=t.method, body=t.body)

    if args.route:
        targets = [Target(f"telsim {args.route}", args.route, tuple(args.header))]
    else:
        targets = selected(set(discover()), set(args.http_groups.split(",")) if args.http_groups
                           else None)
        if args.match:
            targets = [t for t in targets if any(m in t.path for m in args.match.split(","))]
    # every server is started once; the telsim ones as users start them (access log on,
    # written to a file here), "quiet" with --quiet, "probe" with the bench-probe provider
    kinds = sorted({t.server for t in targets})
    servers: dict[str, Server] = {}
    baseline: Server | None = None
    rows: list[dict] = []
    try:
        t_start = time.perf_counter()
        starting = {}  # started together, then waited for: their start-ups overlap
        for kind in kinds:
            port = free_port()
            prof = str(Path(args.profile) / f"server-{kind}.prof") if args.profile else None
            starting[kind] = telsim_server(port, probe=kind == "probe", profile=prof,
                                           quiet=kind == "quiet")
        for kind, srv in starting.items():
            try:
                servers[kind] = srv.__enter__()
            except Exception:
                for other in starting.values():
                    other.stop()
                raise
        for t in targets:
            if t.world_patch is not None:
                _patch_world(servers[t.server], t.world_patch)
        answers = [_answer(servers[t.server], t) for t in targets]
        for t, (status, ctype, body) in zip(targets, answers):
            if not 200 <= status < 300:
                print(f"  {t.label}: answered {status} {body[:200]!r}; measuring anyway")
        if not args.no_baseline:
            specs = []
            for i, (t, (status, ctype, body)) in enumerate(zip(targets, answers)):
                try:
                    json.loads(body)
                    is_json = True
                except ValueError:
                    is_json = False
                specs.append(BaselineSpec(t.method, f"/t{i}" + t.path.split("?")[0], t.parse,
                                          status, ctype, body.hex(), is_json).to_json())
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(specs, f)
                spec_file = f.name
            port = free_port()
            baseline = Server([sys.executable, SERVERS, "baseline", "--port", str(port),
                               "--spec", spec_file], port).__enter__()
            os.unlink(spec_file)
        print(f"  servers started and answered in {time.perf_counter() - t_start:.1f} s")
        print_header()
        for i, (t, (_, _, body)) in enumerate(zip(targets, answers)):
            srv = servers[t.server]
            q = "?" + t.path.split("?", 1)[1] if "?" in t.path else ""
            base_url = baseline.url(f"/t{i}" + t.path.split("?")[0] + q) if baseline else None
            warm(srv.url(t.path), t, tools[0])
            if base_url:
                warm(base_url, t, tools[0])
            for tool in tools:
                # bare and telsim windows alternate, so a change of the machine's load between
                # rounds hits both; each side keeps its best round
                base_w, tel_w = [], []
                for _ in range(args.rounds):
                    if base_url:
                        base_w.append(load(tool, base_url, t, baseline.proc.pid))
                    tel_w.append(load(tool, srv.url(t.path), t, srv.proc.pid))
                base_row = None
                if base_url:
                    base_row = {"label": f"  bare aiohttp, same {len(body)} B answer"
                                         + (f", {t.parse} body" if t.parse != "none" else ""),
                                "baseline": True, **best(base_w)}
                row = {"label": t.label, "group": t.group, "method": t.method, "path": t.path,
                       **best(tel_w)}
                if base_row is not None:
                    row["x_bare"] = round(row["rps"] / base_row["rps"], 2) if base_row["rps"] else None
                    b_cpu, cpu = base_row.get("server_cpu_us_per_req"), row.get("server_cpu_us_per_req")
                    row["x_bare_cpu"] = round(b_cpu / cpu, 2) if b_cpu and cpu else None
                    row["baseline"] = base_row
                rows.append(row)
                print_row(row)
                if base_row is not None:
                    print_row(base_row)
    finally:
        for srv in [*servers.values(), *([baseline] if baseline is not None else [])]:
            srv.stop()
    _summarise_http(rows)
    if args.profile:
        print(f"  server profiles: {args.profile}/server-*.prof")
    print("  x bare = req/s over the bare handler's req/s; x CPU = the bare handler's server CPU per "
          "request over telsim's (1.00 = as cheap as bare aiohttp); each side's best of the "
          "alternating rounds.\n"
          "  req/s per core = 1 / (server CPU time per request): what one dedicated core would "
          "serve; it is much less disturbed than req/s by other work on the machine.\n"
          "  gen CPU = cores the load generator used itself; near 1.0 means the generator, not "
          "the server, set the pace.")
    if any(t.world_patch for t in targets):
        print("  ¹ MTT Business allows 5 requests a second (§6.7): the bench raises the world's "
              "rps_limit first, or the load would be answered 429.")
    if "python" in tools:
        print("  note: the Python load generator runs on the same 2 cores as the server and "
              "understates it when it saturates its core (gen CPU ~1.0); wrk (C, much less CPU "
              "per request) is the number to compare with the target.")
    return {"rows": rows, "connections": args.connections, "duration_s": args.duration,
            "rounds": args.rounds, "tools": tools}


def _summarise_http(rows: list[dict]) -> None:
    """Each route as requests a core serves (1 / server CPU per request) against its bare
    handler's (the ratio is the x CPU column); the access log as default over --quiet."""
    cap = lambda r: r.get("capacity_rps_per_core")  # noqa: E731
    default = {r["path"]: r for r in rows if r.get("group") != "access-log"}
    for r in rows:
        base = r.get("baseline") or {}
        if r.get("group") == "access-log":
            on = default.get(r["path"])
            if on is not None:
                summarise(f"access log on / off, {on['label']}"[:52], cap(on), "req/s per core",
                          "the same with --quiet", cap(r), ">= 0.9 (log <= 10 %)")
            continue
        target = "" if r.get("group") in ("control", "probe") else ">= 0.6 (0.8)"
        summarise(f"HTTP {r['label']}"[:52], cap(r), "req/s per core", "bare aiohttp, same answer",
                  cap(base), target)


def _patch_world(srv: "Server", patch: dict) -> None:
    req = urllib.request.Request(srv.url("/_sim/world"), data=json.dumps(patch).encode(),
                                 headers={"Content-Type": "application/json"}, method="PATCH")
    with urllib.request.urlopen(req, timeout=5) as resp:
        resp.read()


def _answer(srv: "Server", t) -> tuple[int, str, bytes]:
    """One request as the load will send it: (status, media type, body)."""
    hdrs = {k.strip(): v.strip() for k, v in (h.split(":", 1) for h in t.all_headers())}
    req = urllib.request.Request(srv.url(t.path), data=t.body or None, headers=hdrs,
                                 method=t.method)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()


# ----------------------------------------------------- (b)(c) engine, memory
def bench_calls(args) -> dict:
    from bench import engine_bench as eb

    out = {}
    prof = str(Path(args.profile) / "calls.prof") if args.profile else None

    def show(name: str, r: dict) -> None:
        line = (f"  {name:<44} {r['finished']:>5}/{r['calls']} calls in {r['wall_s']:6.2f} s = "
                f"{r['lifecycles_per_s']:6.0f} lifecycles/s")
        if r["callbacks"]:
            line += f", {r['callbacks_per_s']:5.0f} callbacks/s ({r['callbacks_received']} received)"
        line += (f"; CPU {r['cpu_us_per_lifecycle']} µs/lifecycle of this process"
                 f"{'' if r['completed'] else '  [STOPPED at the wall-time limit]'}")
        print(line, flush=True)

    runs = [("with_callbacks", "4 callbacks each, CallbackSink in-process", True, False),
            ("with_callbacks_sink_process", "4 callbacks each, CallbackSink in own process",
             True, True),
            ("engine_only", "engine only (no callbacks)", False, False)]
    for key, name, callbacks, sink_process in runs:
        r = eb.run(eb.lifecycles(args.calls, batch=args.batch, callbacks=callbacks,
                                 sink_process=sink_process, wall_limit=args.wall_limit,
                                 profile=prof if key == "with_callbacks" else None))
        out[key] = r
        show(name, r)
    # smaller runs for the real provider and the baseline keep `make bench` under 3 minutes
    r = eb.run(eb.vpbx_lifecycles(min(args.calls, 1500), batch=args.batch, wall_limit=args.wall_limit))
    out["vpbx_sink_process"] = r
    print(f"  {'MTS VPBX, API CRM events (3 a call), own process':<44} {r['finished']:>5}/{r['calls']} "
          f"calls in {r['wall_s']:6.2f} s = {r['lifecycles_per_s']:6.0f} lifecycles/s, "
          f"{r['callbacks_per_s']:5.0f} callbacks/s ({r['callbacks_received']} received incl. CHECK_ALIVE); "
          f"CPU {r['cpu_us_per_lifecycle']} µs/lifecycle", flush=True)
    bare = eb.run(eb.bare_sender(4 * min(args.calls, 1500)))
    out["bare_sender"] = bare
    print(f"  same-run baseline: bare aiohttp client, {bare['posts']} sequential POSTs to a sink in its "
          f"own process: {bare['posts_per_s']:.0f} POSTs/s (= {bare['posts_per_s'] / 4:.0f} "
          f"\"lifecycles\"/s of 4), CPU {bare['cpu_us_per_post']} µs/POST", flush=True)
    # the simulator sends on up to callbacks.connections lanes per target: compare like with like
    lanes = eb.CONNECTIONS
    bare_n = eb.run(eb.bare_sender(4 * min(args.calls, 1500), connections=lanes))
    out["bare_sender_n"] = bare_n
    print(f"  same-run baseline: the same POSTs on {lanes} keep-alive connections at once: "
          f"{bare_n['posts_per_s']:.0f} POSTs/s (= {bare_n['posts_per_s'] / 4:.0f} \"lifecycles\"/s "
          f"of 4), CPU {bare_n['cpu_us_per_post']} µs/POST", flush=True)
    costs = eb.run(eb.engine_costs())
    out["engine_costs"] = costs
    print(f"  engine cost: {costs['cpu_us_per_timer']} µs CPU per timer (schedule + fire), "
          f"{costs['cpu_us_per_bare_call']} µs per bare call (create, ring, answer, hang up, record; "
          f"no provider)", flush=True)
    if prof:
        print(f"  profile of the first run: {prof}")
    lc = lambda key: out[key]["lifecycles_per_s"]  # noqa: E731
    bare_lc = bare["posts_per_s"] / 4
    bare_n_lc = bare_n["posts_per_s"] / 4
    summarise("lifecycles/s, 4 callbacks, sink in own process", lc("with_callbacks_sink_process"),
              "lifecycles/s", f"bare sender, {lanes} conns, 4 POSTs each", bare_n_lc, ">= 1,000")
    summarise("lifecycles/s, 4 callbacks, sink in own process", lc("with_callbacks_sink_process"),
              "lifecycles/s", "bare sender, 1 conn, 4 POSTs each", bare_lc, "")
    summarise("lifecycles/s, 4 callbacks, sink in-process", lc("with_callbacks"), "lifecycles/s",
              f"bare sender, {lanes} conns, 4 POSTs each", bare_n_lc, "")
    summarise("lifecycles/s, MTS VPBX API CRM (3 callbacks)", lc("vpbx_sink_process"), "lifecycles/s",
              f"bare sender, {lanes} conns, 3 POSTs each", bare_n["posts_per_s"] / 3, "")
    summarise("lifecycles/s, no callbacks", lc("engine_only"), "lifecycles/s", "", None, ">= 5,000")
    summarise("CPU per lifecycle, 4 callbacks, sink own process",
              out["with_callbacks_sink_process"]["cpu_us_per_lifecycle"], "µs",
              f"bare sender, {lanes} conns: 4 POSTs' CPU", bare_n["cpu_us_per_post"] * 4, "")
    summarise("engine CPU per timer", costs["cpu_us_per_timer"], "µs", "", None, "")
    summarise("engine CPU per bare call", costs["cpu_us_per_bare_call"], "µs", "", None, "")
    return out


def bench_memory(args) -> dict:
    from bench import engine_bench as eb

    r = eb.run(eb.memory(args.records, wall_limit=args.wall_limit))
    print(f"  {r['records']} CallRecords held (as a provider's history): "
          f"{r['records_bytes'] / 2**20:.2f} MiB = {r['bytes_per_record']} B each "
          f"-> {r['records_per_10k_mib']:.2f} MiB per 10,000")
    print(f"  engine cache of finished calls (keep_finished={r['engine_keep_finished']}, "
          f"{r['engine_finished_kept']} kept): {r['engine_cache_bytes'] / 2**20:.2f} MiB = "
          f"{r['bytes_per_cached_call']} B per call")
    print(f"  everything retained after {r['finished']} calls: "
          f"{r['total_retained_bytes'] / 2**20:.2f} MiB (peak {r['peak_bytes'] / 2**20:.2f} MiB)")
    from simulator.providers.registry import discover
    paths = [f"/{PROBE_SLUG}{PROBE_ROUTE}"]
    if "mts-vpbx" in discover():
        paths.append("/mts-vpbx/api/abonents")
    j = eb.run(eb.journal_memory(paths))
    for path, m in j.items():
        print(f"  journal: {m['bytes_per_entry']} B per inbound request entry (GET {path}, status "
              f"{m['status']}) -> {m['bytes_per_entry'] * m['journal_size'] / 2**20:.0f} MiB at "
              f"the default cap of {m['journal_size']} entries")
    r["journal"] = j
    summarise("memory per 10,000 finished call records", r["records_per_10k_mib"], "MiB", "", None,
              "<= 10 MiB")
    return r


# -------------------------------------------------------------- (d) startup
PHASES = r"""
import time, json
t0 = time.perf_counter()
import simulator.app, simulator.cli
t1 = time.perf_counter()
from simulator.sim import Simulator
from simulator.settings import Settings
sim = Simulator(Settings(access_log=False))
t2 = time.perf_counter()
app = simulator.app.create_app(sim)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "simulator_s": t2 - t1, "create_app_s": t3 - t2}))
"""


def bench_startup(args) -> dict:
    runs = []
    for _ in range(args.startup_runs):
        port = free_port()
        srv = telsim_server(port, probe=False)
        try:
            ready = wait_healthy(port, srv.proc)
            runs.append(ready - srv.started)
        finally:
            srv.stop()
    bare = []  # same-run baseline: a bare aiohttp server's start to its first answer
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write('{"status": "ok"}')
    try:
        for _ in range(args.startup_runs):
            port = free_port()
            srv = Server([sys.executable, SERVERS, "baseline", "--port", str(port), "--path",
                          "/_sim/health", "--json", f.name], port)
            try:
                bare.append(wait_healthy(port, srv.proc) - srv.started)
            finally:
                srv.stop()
    finally:
        os.unlink(f.name)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)
    interp = time.perf_counter() - t
    phases = json.loads(subprocess.run([sys.executable, "-c", PHASES], capture_output=True,
                                       text=True, check=True, cwd=str(ROOT), timeout=60).stdout)
    print(f"  telsim serve -> first 200 on /_sim/health: "
          + ", ".join(f"{x:.3f}" for x in runs) + f" s (median {statistics.median(runs):.3f} s)")
    print(f"  of which: interpreter {interp:.3f} s, imports {phases['import_s']:.3f} s, "
          f"Simulator(default world) {phases['simulator_s']:.3f} s, create_app "
          f"{phases['create_app_s']:.3f} s (measured in a separate process)")
    print(f"  same-run baseline: bare aiohttp server -> first answer: "
          + ", ".join(f"{x:.3f}" for x in bare) + f" s (median {statistics.median(bare):.3f} s)")
    summarise("start-up to the first answered request", statistics.median(runs), "s",
              "bare aiohttp server", statistics.median(bare), "< 0.5 s")
    return {"bare_runs_s": [round(x, 3) for x in bare],"runs_s": [round(x, 3) for x in runs], "median_s": round(statistics.median(runs), 3),
            "interpreter_s": round(interp, 3),
            **{k: round(v, 3) for k, v in phases.items()}}


# --------------------------------------------------------------- (e) scale
def bench_scale(args) -> dict:
    from bench import scale_bench as sb

    r = sb.scale(calls=100 if args.quick else 200, n=100 if args.quick else 200)
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


# ------------------------------------------------------------ (f) a day
DAY = ROOT / "scenarios" / "mts-vpbx" / "day-of-traffic.yaml"


def bench_day(args) -> dict:
    """The day of scenarios/mts-vpbx/day-of-traffic.yaml with its events going to a sink in its
    own process; the same-run reference is as many bare VPBX lifecycles (engine_bench), one
    answered 5 s call each with its 3 API CRM events to the same kind of sink."""
    import asyncio

    from bench import engine_bench as eb
    from simulator.scenario import load_scenario, run_scenario

    data = load_scenario(DAY)
    calls = data["steps"][0]["traffic"]["calls"]

    async def replay() -> tuple[object, float, float]:
        sink = eb._SinkProcess()
        try:
            t0, cpu0 = time.perf_counter(), time.process_time()
            report = await run_scenario(data, name=DAY.stem, sink_url=sink.base_url)
            return report, time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            await sink.stop()

    report, whole, cpu = asyncio.run(replay())
    day = report.steps[0].data or {}
    print(f"  {'passed' if report.passed else 'FAILED'}: {report.steps[0].detail}")
    if not report.passed:
        print("  " + report.text().replace("\n", "\n  "))
    print(f"  the day: {day.get('wall_s', 0):.2f} s wall, {cpu / max(calls, 1) * 1e6:.0f} µs CPU a call of "
          f"this process; the whole replay (world, server, the day, expectations) {whole:.2f} s")
    ref = eb.run(eb.vpbx_lifecycles(calls, batch=args.batch, wall_limit=args.wall_limit))
    print(f"  same-run reference: {ref['finished']} bare MTS VPBX lifecycles (3 API CRM events each, "
          f"sink in own process) in {ref['wall_s']:.2f} s, CPU {ref['cpu_us_per_lifecycle']} µs each")
    hours = data["steps"][0]["traffic"].get("duration", 86400) / 3600
    summarise(f"a day of traffic replayed ({calls:,} calls, {hours:g} h)", day.get("wall_s"), "s wall",
              f"{ref['finished']} bare VPBX lifecycles", ref["wall_s"], "< 2 s")
    return {"passed": report.passed, "day": day, "replay_wall_s": round(whole, 3),
            "cpu_s": round(cpu, 3), "reference": ref}


# ------------------------------------------------------------------ main
def machine() -> dict:
    import aiohttp
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": model or platform.processor(),
            "python": platform.python_version(), "aiohttp": aiohttp.__version__,
            "platform": platform.platform(), "wrk": loadgen.have_wrk()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--quick", action="store_true", help="one round a target, fewer calls and start-ups")
    p.add_argument("--only", default=",".join(SECTIONS),
                   help=f"comma-separated sections: {','.join(SECTIONS)}")
    p.add_argument("--route", help="measure this path on `telsim serve` instead of the defaults")
    p.add_argument("--header", action="append", default=[], help="'Name: value' for --route")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--duration", type=float, default=1.0,
                   help="seconds of one measured window (wrk: whole seconds; default 1)")
    p.add_argument("--rounds", type=int, help="measured windows per target, bare and telsim "
                                              "alternating, the best kept (default 2; --quick 1)")
    p.add_argument("--warmup-requests", type=int, default=50,
                   help="requests sent to each server for a target before it is measured")
    p.add_argument("--warmup", type=float, default=0.0, help="seconds of load not measured, "
                                                             "after the warm-up requests")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python", "both"), default="auto",
                   help="auto: wrk when installed, else the pure-Python generator")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--no-baseline", action="store_true", help="skip the bare aiohttp baselines")
    p.add_argument("--match", help="only HTTP targets whose path contains one of these "
                                   "comma-separated strings")
    p.add_argument("--http-groups", help="only these HTTP target groups: control,probe,provider,"
                                         "access-log (default all; see bench/http_targets.py)")
    p.add_argument("--load-procs", type=int, default=1, help="Python generator processes")
    p.add_argument("--calls", type=int, help="calls for (b) (default 3000)")
    p.add_argument("--batch", type=int, default=100, help="calls started per simulated second")
    p.add_argument("--records", type=int, help="finished calls for (c) (default 10000)")
    p.add_argument("--startup-runs", type=int, help="start-ups to time (default 5)")
    p.add_argument("--wall-limit", type=float, default=300.0, help="bound on one engine run, s")
    p.add_argument("--profile", metavar="DIR", help="write cProfile files (servers, calls) here")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = p.parse_args(argv)
    args.rounds = args.rounds or (1 if args.quick else 2)
    args.calls = args.calls or (1000 if args.quick else 3000)
    args.records = args.records or 10_000
    args.startup_runs = args.startup_runs or (2 if args.quick else 5)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")

    # what `make bytecode` does: an uncompiled tree (editable install, PYTHONDONTWRITEBYTECODE)
    # would make every server started here compile simulator/ again
    import compileall
    compileall.compile_dir(str(ROOT / "simulator"), quiet=1)
    info = machine()
    print(f"telsim bench — {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
          f"aiohttp {info['aiohttp']}, {info['platform']}")
    results: dict = {"machine": info, "argv": sys.argv[1:], "section_wall_s": {}}
    headings = {
        "http": f"(a) HTTP: {args.connections} keep-alive connections, {args.rounds} × {args.duration:g} s "
                f"a target on each server alternating, the best round kept (after "
                f"{args.warmup_requests} warm-up requests), server = separate process on loopback",
        "calls": f"(b) call lifecycles: {args.calls} calls (ring {2:g} s, talk {3:g} s simulated), "
                 f"{args.batch} started per simulated second, manual clock",
        "memory": f"(c) memory: {args.records} finished calls, tracemalloc",
        "startup": f"(d) start-up: {args.startup_runs} runs",
        "scale": "(e) scale: the same routes in the default world and a world 10× larger",
        "day": "(f) a day of traffic: scenarios/mts-vpbx/day-of-traffic.yaml replayed, "
               "API CRM events to a sink in its own process",
    }
    runners = {"http": bench_http, "calls": bench_calls, "memory": bench_memory,
               "startup": bench_startup, "scale": bench_scale, "day": bench_day}
    t_run = time.perf_counter()
    for section in SECTIONS:
        if section not in only:
            continue
        print(f"\n{headings[section]}", flush=True)
        t = time.perf_counter()
        results[section] = runners[section](args)
        results["section_wall_s"][section] = round(time.perf_counter() - t, 1)
    total = time.perf_counter() - t_run
    print("\nwall time per section: " + ", ".join(
        f"{k} {v:.0f} s" for k, v in results["section_wall_s"].items()) + f"; whole run {total:.0f} s")
    print_summary()
    results["summary"] = [dict(zip(("figure", "value", "unit", "baseline", "baseline_value", "target"), row))
                          for row in SUMMARY]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
