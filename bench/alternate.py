"""The HTTP section's measurement: two servers loaded in turn with many short bursts of the
same request over kept-alive connections, each burst's server CPU read from the scheduler.

Why this shape (docs/performance.md "Short loads: are they as reliable?", docs/decisions.md
"performance: the bench"): the server CPU a request costs drifts with what else the machine
runs by ±15 % from one fraction of a second to the next, and the two servers of a target
never run at the same instant. Bursts of ~0.2 s in ABBA order put both sides of every pair
under nearly the same conditions, the median of the pairs' ratios drops the pairs a change of
load split, and a burst has no process start or connect inside it (wrk opens its 64
connections inside each whole-second window). The servers sit on one CPU and the generator on
the other (:func:`cpus`, :func:`place`) so the two never share a core.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass

from bench import loadgen
from bench.procs import proc_cpu_precise

def cpus() -> tuple[int, int] | None:
    """(the servers' CPU, the generator's): the first two this process may run on (CPU 0 and
    1 on the project machine); None with fewer than two, or without affinity calls."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    mine = sorted(os.sched_getaffinity(0))
    return (mine[0], mine[1]) if len(mine) >= 2 else None


def place(pid: int, cpu: int) -> None:
    """Pin every thread of a process to one CPU (threads started later inherit it)."""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            os.sched_setaffinity(int(tid), {cpu})
    except OSError:
        os.sched_setaffinity(pid, {cpu})


WARM_S = 0.25  # at most this long, up to ``warm_n`` requests, unmeasured on each side first


@dataclass
class Side:
    name: str
    url: str
    pid: int


def _side_row(side: Side, windows: list[dict], conns: int) -> dict:
    """One side's figures: the median window (CPU per request, req/s), latency over all."""
    cpu = [w["cpu_us"] for w in windows]
    us = statistics.median(cpu)
    hist: dict[int, int] = {}
    for w in windows:
        for b, c in w["hist"].items():
            hist[b] = hist.get(b, 0) + c
    merged = loadgen.LoadResult("burst", side.url, conns, sum(w["wall"] for w in windows),
                                sum(w["n"] for w in windows),
                                sum(w["errors"] for w in windows), hist).finish()
    out = merged.to_json()
    out["rps"] = round(statistics.median(w["n"] / w["wall"] for w in windows), 1)
    out["client_cpu_util"] = round(sum(w["gen_cpu"] for w in windows) / merged.duration, 2)
    out["server_cpu_us_per_req"] = round(us, 1)
    out["server_cpu_util"] = round(sum(w["cpu_us"] * w["n"] for w in windows) / 1e6
                                   / merged.duration, 2)
    out["capacity_rps_per_core"] = round(1e6 / us) if us > 0 else None
    out["rounds"] = len(windows)
    out["cpu_us_per_req_rounds"] = [round(c, 1) for c in cpu]
    return out


async def _compare(base: Side, measured: Side, t, connections: int, pairs: int,
                   window_s: float, warm_n: int) -> tuple[dict, dict, list[float]]:
    sides = (base, measured)
    bursts = [await loadgen.Burst(s.url, connections, t.all_headers(), t.method, t.body,
                                     t.variants).open()
              for s in sides]
    try:
        # one burst size for both sides, from the measured (slower) side's rate, so that a
        # target takes about the same time on a loaded machine as on a quiet one
        probe = await bursts[1].run(2 * connections)
        warm = min(warm_n, max(2 * connections, int(probe.rps * WARM_S)))
        for b in bursts:
            await b.run(warm)
        probe = await bursts[1].run(warm)
        n = min(50_000, max(connections, int(probe.rps * window_s)))
        windows: list[list[dict]] = [[], []]
        for k in range(pairs):
            for i in ((0, 1) if k % 2 == 0 else (1, 0)):  # ABBA: a drift hits both sides alike
                pid = sides[i].pid
                cpu0, gen0 = proc_cpu_precise(pid), time.process_time()
                r = await bursts[i].run(n)
                cpu1, gen1 = proc_cpu_precise(pid), time.process_time()
                windows[i].append({"n": r.requests, "wall": r.duration, "errors": r.errors,
                                   "hist": r.histogram, "gen_cpu": gen1 - gen0,
                                   "cpu_us": (cpu1 - cpu0) / r.requests * 1e6})
    finally:
        for b in bursts:
            b.close()
    ratios = [b["cpu_us"] / m["cpu_us"] for b, m in zip(*windows) if m["cpu_us"] > 0]
    return (_side_row(base, windows[0], connections), _side_row(measured, windows[1], connections),
            ratios)


def compare(base: Side, measured: Side, t, connections: int = 64, pairs: int = 10,
            window_s: float = 0.2, warm_n: int = 1000) -> tuple[dict, dict, dict]:
    """``pairs`` bursts on each side in ABBA order. Returns the baseline's row, the measured
    side's row and the ratios: ``x_cpu`` = the median over the pairs of baseline CPU per
    request / measured's (1.00 = as cheap as the baseline), ``x_rps`` = the measured side's
    median req/s over the baseline's."""
    b_row, m_row, ratios = asyncio.run(_compare(base, measured, t, connections, pairs,
                                                window_s, warm_n))
    return b_row, m_row, {"x_cpu": round(statistics.median(ratios), 2) if ratios else None,
                          "x_cpu_pairs": [round(r, 3) for r in ratios],
                          "x_rps": round(m_row["rps"] / b_row["rps"], 2) if b_row["rps"] else None}
