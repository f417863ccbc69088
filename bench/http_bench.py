"""(a) http: `telsim serve` as users start it against a bare aiohttp handler with the same
answer, target by target (bench/http_targets.py), measured with wrk (or bench/loadgen.py)."""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import alternate, loadgen
from bench.procs import SERVERS, Server, free_port, proc_cpu, telsim_server
from bench.report import summarise


LABEL_W = 58
#: the same string hashing in every server of every run: bare handler processes of the same
#: code, differently seeded, differed by 10-30 % in CPU a request (docs/performance.md)
SERVER_ENV = {"PYTHONHASHSEED": "0"}


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


def bench_http(args) -> dict:
    from bench.http_targets import BaselineSpec, Target, selected
    from simulator.providers.registry import discover

    tools = []
    if args.loadgen in ("auto", "burst"):
        tools.append("burst")
    if args.loadgen in ("wrk", "both"):
        if not loadgen.have_wrk():
            print("  wrk is not installed (apt-get install wrk); using the Python generator")
        else:
            tools.append("wrk")
    if args.loadgen in ("python", "both") or not tools:
        tools.append("python")
    pinned = None if args.no_pin else alternate.cpus()  # (servers' CPU, generator's)

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
            targets = [t for t in targets if any(m in t.path or m in t.label for m in args.match.split(","))]
    # every server is started once; the telsim ones as users start them (access log on,
    # written to a file here), "quiet" with --quiet, "probe" with the bench-probe provider;
    # "logged" (defaults) is the quiet one's twin for the access-log rows: both serve those
    # rows only, so both come to each row with the same history (against the "telsim" one,
    # which has served and journalled the rows before, an A/A run with --quiet on both
    # sides read 0.93-0.96)
    kinds = sorted({t.server for t in targets}
                   | ({"logged"} if any(t.group == "access-log" for t in targets) else set()))
    servers: dict[str, Server] = {}
    baseline: Server | None = None
    rows: list[dict] = []
    own_cpus: set[int] | None = None
    try:
        t_start = time.perf_counter()
        starting = {}  # started together, then waited for: their start-ups overlap
        for kind in kinds:
            port = free_port()
            prof = str(Path(args.profile) / f"server-{kind}.prof") if args.profile else None
            starting[kind] = telsim_server(port, probe=kind == "probe", profile=prof,
                                           quiet=kind == "quiet", env=SERVER_ENV)
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
                               "--spec", spec_file], port, env=SERVER_ENV).__enter__()
            os.unlink(spec_file)
        print(f"  servers started and answered in {time.perf_counter() - t_start:.1f} s")
        if pinned:  # the servers share one CPU (one runs at a time), the generator the other
            for srv in [*servers.values(), *([baseline] if baseline is not None else [])]:
                alternate.place(srv.proc.pid, pinned[0])
            own_cpus = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {pinned[1]})
            print(f"  servers on CPU {pinned[0]}, the load generator on CPU {pinned[1]}")
        print_header()
        for i, (t, (_, _, body)) in enumerate(zip(targets, answers)):
            srv = servers[t.server]
            q = "?" + t.path.split("?", 1)[1] if "?" in t.path else ""
            base_url = baseline.url(f"/t{i}" + t.path.split("?")[0] + q) if baseline else None
            warm(srv.url(t.path), t, tools[0])
            if t.group == "access-log":
                warm(servers["logged"].url(t.path), t, tools[0])
            if base_url:
                warm(base_url, t, tools[0])
            for tool in tools:
                if tool == "burst":
                    try:
                        row, base_row = _burst_target(args, t, srv, servers, base_url,
                                                      baseline, len(body))
                    except (OSError, asyncio.TimeoutError) as exc:
                        print(f"  {t.label}: not measured ({exc or type(exc).__name__}: the "
                              f"burst generator needs answers with Content-Length on kept-alive "
                              f"connections; --loadgen wrk measures any)")
                        continue
                    rows.append(row)
                    print_row(row)
                    if base_row is not None:
                        print_row(base_row)
                    continue
                # bare and telsim windows alternate, so a change of the machine's load between
                # rounds hits both; each side keeps its best round
                base_w, tel_w = [], []
                for _ in range(args.rounds * t.rounds_factor):
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
        if pinned and own_cpus:
            os.sched_setaffinity(0, own_cpus)
        for srv in [*servers.values(), *([baseline] if baseline is not None else [])]:
            srv.stop()
    _summarise_http(rows)
    if args.profile:
        print(f"  server profiles: {args.profile}/server-*.prof")
    how = ("the median over the ABBA pairs of bursts of the pair's ratio (the access-log row: "
           "--quiet's CPU per request over the defaults', 3x the pairs)" if "burst" in tools
           else "each side's best of the alternating rounds")
    print("  x bare = req/s over the bare handler's req/s; x CPU = the bare handler's server CPU per "
          f"request over telsim's (1.00 = as cheap as bare aiohttp); {how}.\n"
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
            "window_s": args.window, "rounds": args.rounds, "tools": tools,
            "cpus": list(pinned) if pinned else None}


def _burst_target(args, t, srv: Server, servers: dict[str, Server], base_url: str | None,
                  baseline: Server | None, answer_len: int) -> tuple[dict, dict | None]:
    """One target in alternating bursts (bench/alternate.py): telsim against the bare handler;
    an access-log target as `telsim serve` defaults against `--quiet` on the same route."""
    side = alternate.Side
    measured = side("telsim", srv.url(t.path), srv.proc.pid)
    label = t.label
    if t.group == "access-log":
        on = servers["logged"]
        base = measured
        measured = side("telsim", on.url(t.path), on.proc.pid)
        label, base_label = "  access log on / off: defaults over --quiet", "    --quiet, the same route"
    elif base_url is not None and baseline is not None:
        base = side("bare", base_url, baseline.proc.pid)
        base_label = f"  bare aiohttp, same {answer_len} B answer" + (
            f", {t.parse} body" if t.parse != "none" else "")
    else:  # --no-baseline: the server against itself, to keep one way of measuring
        base, base_label = measured, None
    base_row, row, ratio = alternate.compare(base, measured, t, args.connections,
                                             args.rounds * t.rounds_factor, args.window)
    row = {"label": label, "group": t.group, "method": t.method, "path": t.path, **row}
    if base_label is None:
        return row, None
    row["x_bare"], row["x_bare_cpu"] = ratio["x_rps"], ratio["x_cpu"]
    row["x_cpu_pairs"] = ratio["x_cpu_pairs"]
    row["baseline"] = {"label": base_label, "baseline": True, **base_row}
    if t.group == "access-log":
        row["versus"] = "quiet"
    return row, row["baseline"]


def _summarise_http(rows: list[dict]) -> None:
    """Each route as requests a core serves (1 / server CPU per request) against its bare
    handler's (the ratio is the x CPU column); the access log as default over --quiet."""
    cap = lambda r: r.get("capacity_rps_per_core")  # noqa: E731
    default = {r["path"]: r for r in rows if r.get("group") != "access-log"}
    for r in rows:
        base = r.get("baseline") or {}
        on = default.get(r["path"])
        if r.get("versus") == "quiet":  # alternating bursts: defaults against --quiet directly
            summarise(f"access log on / off, {on['label'] if on else r['path']}"[:52], cap(r),
                      "req/s per core", "the same with --quiet", cap(base),
                      ">= 0.9 (log <= 10 %)", ratio=r.get("x_bare_cpu"))
            continue
        if r.get("group") == "access-log":
            if on is not None:
                summarise(f"access log on / off, {on['label']}"[:52], cap(on), "req/s per core",
                          "the same with --quiet", cap(r), ">= 0.9 (log <= 10 %)")
            continue
        target = "" if r.get("group") in ("control", "probe") else ">= 0.6 (0.8)"
        summarise(f"HTTP {r['label']}"[:52], cap(r), "req/s per core", "bare aiohttp, same answer",
                  cap(base), target, ratio=r.get("x_bare_cpu") if r.get("tool") == "burst" else None)


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
