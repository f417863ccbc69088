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
             bytes: --rounds bursts of ~--window s on each in ABBA order (bench/alternate.py;
             servers on CPU 0, the generator on CPU 1), "x CPU" = the median of the pairs'
             ratios of server CPU per request (the access-log rows: 3x --rounds, defaults
             against --quiet); --loadgen wrk: whole wrk windows, best kept.
(b) calls    full call lifecycles per second through the engine (in-process, manual clock),
             with 4 callbacks per call delivered to a loopback CallbackSink (in this process
             or its own, each instant waiting for its callbacks; and in its own with the clock
             moving on meanwhile, as a traffic: step plays its instants: the target's row,
             median of 3 runs; the same to the lean receiver, a reference); without callbacks;
             MTS VPBX calls with its own API CRM events; a bare aiohttp sender as the same-run
             baseline; the engine's cost per timer/call.
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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.http_bench import bench_http  # noqa: E402
from bench.memory_bench import bench_memory  # noqa: E402
from bench.procs import SERVERS, Server, SinkProcess, free_port, telsim_server, wait_healthy  # noqa: E402
from bench.report import SUMMARY, print_summary, summarise  # noqa: E402
from bench.scale_bench import bench_scale  # noqa: E402

SECTIONS = ("http", "calls", "memory", "startup", "scale", "day")


# ------------------------------------------------------------ (b) engine
def bench_calls(args) -> dict:
    from bench import engine_bench as eb, senders

    out = {}
    prof = str(Path(args.profile) / "calls.prof") if args.profile else None

    def show(name: str, r: dict) -> None:
        line = (f"  {name:<44} {r['finished']:>5}/{r['calls']} calls in {r['wall_s']:6.2f} s = "
                f"{r['lifecycles_per_s']:6.0f} lifecycles/s")
        if r["callbacks"]:
            line += f", {r['callbacks_per_s']:5.0f} callbacks/s ({r['callbacks_received']} received)"
        if "sink_core_share" in r:
            line += f"; sink {r['sink_cpu_us_per_request']} µs/request, {r['sink_core_share']} of a core"
        line += (f"; CPU {r['cpu_us_per_lifecycle']} µs/lifecycle of this process"
                 f"{'' if r['completed'] else '  [STOPPED at the wall-time limit]'}")
        print(line, flush=True)

    runs = [("with_callbacks", "4 callbacks each, CallbackSink in-process", True, False, False, 1),
            ("with_callbacks_sink_process", "4 callbacks each, CallbackSink in own process",
             True, True, False, 1),
            # the target's row: three runs, their median (one run moves ±15 % on this machine)
            ("with_callbacks_sink_process_overlap", "the same, overlapping (as a traffic: step)",
             True, True, True, 3),
            ("with_callbacks_lean_overlap", "the same, to the lean receiver (reference)",
             True, True, True, 1),
            ("engine_only", "engine only (no callbacks)", False, False, False, args.rounds + 2)]
    for key, name, callbacks, sink_process, overlap, rounds in runs:
        # engine only: the first round of a process pays its page faults and warms the caches
        # (docs/performance.md, "Engine"): shown, and the figure is the median of the rounds
        # after it; a callback row with several runs is the median of them all
        receiver = "lean" if key == "with_callbacks_lean_overlap" else "callback"
        tries = [eb.run(eb.lifecycles(args.calls, batch=args.batch, callbacks=callbacks,
                                      sink_process=sink_process, overlap=overlap,
                                      wall_limit=args.wall_limit, receiver=receiver,
                                      profile=prof if key == "with_callbacks" else None))
                 for _ in range(rounds)]
        warm = tries if callbacks else tries[1:]
        warm = sorted(warm, key=lambda t: t["lifecycles_per_s"])
        r = out[key] = warm[(len(warm) - 1) // 2]
        if callbacks and rounds > 1:
            out[key + "_runs"] = tries
            name += ", median of " + " / ".join(f"{t['lifecycles_per_s']:.0f}" for t in tries)
        show(name + (f", median of rounds 2-{rounds}" if not callbacks else ""), r)
        if not callbacks:
            out[key + "_rounds"] = tries
            print(f"  {'':<44} the rounds (wall/s, per CPU s, page faults, collections 0/1/2, "
                  f"reference loop ms):", flush=True)
            for t in tries:
                print(f"  {'':<46} {t['lifecycles_per_s']:6.0f} {t['lifecycles_per_cpu_s']:6.0f} "
                      f"{t['minor_faults']:6d} {'/'.join(map(str, t['gc_runs']))} "
                      f"({t['gc_cpu_ms']} ms) {t['reference_loop_ms']}", flush=True)
    # smaller runs for the real provider and the baseline keep `make bench` under 3 minutes
    r = eb.run(eb.vpbx_lifecycles(min(args.calls, 1500), batch=args.batch, wall_limit=args.wall_limit))
    out["vpbx_sink_process"] = r
    print(f"  {'MTS VPBX, API CRM events (3 a call), own process':<44} {r['finished']:>5}/{r['calls']} "
          f"calls in {r['wall_s']:6.2f} s = {r['lifecycles_per_s']:6.0f} lifecycles/s, "
          f"{r['callbacks_per_s']:5.0f} callbacks/s ({r['callbacks_received']} received incl. CHECK_ALIVE); "
          f"CPU {r['cpu_us_per_lifecycle']} µs/lifecycle", flush=True)
    bare = eb.run(senders.bare_sender(4 * min(args.calls, 1500)))
    out["bare_sender"] = bare
    print(f"  same-run baseline: bare aiohttp client, {bare['posts']} sequential POSTs to a sink in its "
          f"own process: {bare['posts_per_s']:.0f} POSTs/s (= {bare['posts_per_s'] / 4:.0f} "
          f"\"lifecycles\"/s of 4), CPU {bare['cpu_us_per_post']} µs/POST", flush=True)
    # the simulator sends on up to callbacks.connections lanes per target: compare like with like
    lanes = senders.CONNECTIONS
    bare_n = eb.run(senders.bare_sender(4 * min(args.calls, 1500), connections=lanes))
    out["bare_sender_n"] = bare_n
    print(f"  same-run baseline: the same POSTs on {lanes} keep-alive connections at once: "
          f"{bare_n['posts_per_s']:.0f} POSTs/s (= {bare_n['posts_per_s'] / 4:.0f} \"lifecycles\"/s "
          f"of 4), CPU {bare_n['cpu_us_per_post']} µs/POST", flush=True)
    lean_n = eb.run(senders.lean_sender(4 * min(args.calls, 1500), connections=lanes))
    out["lean_sender_n"] = lean_n
    print(f"  same-run baseline: the same POSTs by a bare asyncio protocol (prepared bytes, no "
          f"client) on {lanes} connections: {lean_n['posts_per_s']:.0f} POSTs/s (= "
          f"{lean_n['posts_per_s'] / 4:.0f} \"lifecycles\"/s of 4), CPU {lean_n['cpu_us_per_post']} "
          f"µs/POST; the sink {lean_n.get('sink_cpu_us_per_request', '?')} µs a request, "
          f"{lean_n.get('sink_core_share', '?')} of a core", flush=True)
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
    # the target's row: played as a traffic: step plays calls; the rows after the lean one wait each instant
    summarise("lifecycles/s, 4 callbacks, own process, overlapping",
              lc("with_callbacks_sink_process_overlap"), "lifecycles/s",
              f"bare sender, {lanes} conns, 4 POSTs each", bare_n_lc, ">= 1,000")
    summarise("lifecycles/s, 4 callbacks, lean receiver, overlapping", lc("with_callbacks_lean_overlap"),
              "lifecycles/s", f"bare sender, {lanes} conns, 4 POSTs each", bare_n_lc, "")
    summarise("lifecycles/s, 4 callbacks, sink in own process", lc("with_callbacks_sink_process"),
              "lifecycles/s", f"bare sender, {lanes} conns, 4 POSTs each", bare_n_lc, "")
    summarise("lifecycles/s, 4 callbacks, sink in own process", lc("with_callbacks_sink_process"),
              "lifecycles/s", f"lean asyncio sender, {lanes} conns, 4 POSTs each",
              lean_n["posts_per_s"] / 4, "")
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
    summarise("CPU per lifecycle, 4 callbacks, sink own process",
              out["with_callbacks_sink_process"]["cpu_us_per_lifecycle"], "µs",
              f"lean asyncio sender, {lanes} conns: 4 POSTs' CPU", lean_n["cpu_us_per_post"] * 4, "")
    summarise("engine CPU per timer", costs["cpu_us_per_timer"], "µs", "", None, "")
    summarise("engine CPU per bare call", costs["cpu_us_per_bare_call"], "µs", "", None, "")
    return out


# -------------------------------------------------------------- (d) startup
PHASES = r"""
import gc, time, json
gc.disable()  # as `telsim serve` starts
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
    runs, bare = [], []  # bare: the same-run baseline, a bare aiohttp server's start to its first answer
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write('{"status": "ok"}')
    try:
        for _ in range(args.startup_runs):  # alternating, so that both see the same load
            port = free_port()
            srv = telsim_server(port, probe=False)
            try:
                runs.append(wait_healthy(port, srv.proc) - srv.started)
            finally:
                srv.stop()
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
    print("  telsim serve -> first 200 on /_sim/health: "
          + ", ".join(f"{x:.3f}" for x in runs) + f" s (median {statistics.median(runs):.3f} s)")
    print(f"  of which: interpreter {interp:.3f} s, imports {phases['import_s']:.3f} s, "
          f"Simulator(default world) {phases['simulator_s']:.3f} s, create_app "
          f"{phases['create_app_s']:.3f} s (measured in a separate process)")
    print("  same-run baseline: bare aiohttp server -> first answer: "
          + ", ".join(f"{x:.3f}" for x in bare) + f" s (median {statistics.median(bare):.3f} s)")
    summarise("start-up to the first answered request", statistics.median(runs), "s",
              "bare aiohttp server", statistics.median(bare), "< 0.5 s")
    return {"bare_runs_s": [round(x, 3) for x in bare], "runs_s": [round(x, 3) for x in runs],
            "median_s": round(statistics.median(runs), 3), "interpreter_s": round(interp, 3),
            **{k: round(v, 3) for k, v in phases.items()}}


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
        sink = SinkProcess()
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
                   help="--loadgen wrk/python: seconds of one measured window (wrk: whole "
                        "seconds; default 1)")
    p.add_argument("--window", type=float, default=0.2,
                   help="seconds of one burst (the default generator; default 0.2)")
    p.add_argument("--rounds", type=int, help="per target: bursts on each side in ABBA order, "
                                              "the median of the pairs' ratios kept (default 10; "
                                              "--quick 5); --loadgen wrk/python: windows, the "
                                              "best kept (default 2; --quick 1)")
    p.add_argument("--no-pin", action="store_true",
                   help="leave the servers and the load generator where the scheduler puts "
                        "them (default: servers on CPU 0, the generator on CPU 1)")
    p.add_argument("--warmup-requests", type=int, default=50,
                   help="requests sent to each server for a target before it is measured")
    p.add_argument("--warmup", type=float, default=0.0, help="seconds of load not measured, "
                                                             "after the warm-up requests")
    p.add_argument("--loadgen", choices=("auto", "burst", "wrk", "python", "both"),
                   default="auto", help="auto/burst: alternating bursts over kept-alive "
                                        "connections (bench/alternate.py); wrk or python: "
                                        "alternating whole windows of wrk or of the pure-Python "
                                        "generator, each side's best kept (the method before)")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--no-baseline", action="store_true", help="skip the bare aiohttp baselines")
    p.add_argument("--match", help="only HTTP targets whose path or label contains one of "
                                   "these comma-separated strings (e.g. getCallHistory)")
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
    bursts = args.loadgen in ("auto", "burst")
    args.rounds = args.rounds or ((5 if args.quick else 10) if bursts else (1 if args.quick else 2))
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
        "http": (f"(a) HTTP: {args.connections} keep-alive connections, {args.rounds} bursts of "
                 f"~{args.window:g} s a target on each server in ABBA order, x CPU = the median "
                 f"of the pairs' ratios" if bursts else
                 f"(a) HTTP: {args.connections} keep-alive connections, {args.rounds} × "
                 f"{args.duration:g} s a target on each server alternating, the best round kept")
                + f" (after {args.warmup_requests} warm-up requests), server = separate process "
                  f"on loopback",
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
    results["summary"] = [dict(zip(("figure", "value", "unit", "baseline", "baseline_value", "target",
                                    "ratio"), row))
                          for row in SUMMARY]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
