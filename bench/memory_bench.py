"""(c) memory, with tracemalloc: what finished calls hold (the CallRecords a provider keeps,
the engine's cache of finished calls) and what one inbound request's journal entry keeps."""
from __future__ import annotations

import gc
import tracemalloc

from bench.engine_bench import SLUG, TOKEN, _drive, new_simulator, run
from bench.probe import ROUTE
from bench.report import summarise


async def memory(n_calls: int = 10_000, batch: int = 500, wall_limit: float = 300.0) -> dict:
    """tracemalloc: what ``n_calls`` finished calls cost, split into the CallRecords a
    provider keeps for its history and the engine's own cache of finished calls."""
    sim = new_simulator()
    await sim.start()
    records: list = []
    sim.bus.subscribe(lambda e: records.append(e.data["record"]) if e.type == "call.finished"
                      else None, provider=SLUG)
    # warm-up: first-use allocations (pydantic, interned strings) are not per-call memory
    await _drive(sim, 200, batch, 1.0, wall_limit, lambda: not sim.engine.calls)
    records.clear()
    sim.engine.finished.clear()
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        finished, wall, completed = await _drive(sim, n_calls, batch, 1.0, wall_limit,
                                                 lambda: not sim.engine.calls)
        gc.collect()
        total, peak = tracemalloc.get_traced_memory()
        kept_calls = len(sim.engine.finished)
        sim.engine.finished.clear()
        gc.collect()
        without_cache, _ = tracemalloc.get_traced_memory()
        n_records = len(records)
        records.clear()
        gc.collect()
        without_records, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await sim.stop()
    records_bytes = without_cache - without_records
    cache_bytes = total - without_cache
    return {
        "calls": n_calls, "finished": finished, "completed": completed,
        "records": n_records,
        "records_bytes": records_bytes,
        "bytes_per_record": round(records_bytes / n_records) if n_records else None,
        "records_per_10k_mib": round(records_bytes / n_records * 10_000 / 2**20, 2)
        if n_records else None,
        "engine_finished_kept": kept_calls, "engine_keep_finished": sim.engine.keep_finished,
        "engine_cache_bytes": cache_bytes,
        "bytes_per_cached_call": round(cache_bytes / kept_calls) if kept_calls else None,
        "other_retained_bytes": without_records - base,
        "total_retained_bytes": total - base, "peak_bytes": peak - base,
    }


async def journal_memory(paths: list[str], n: int = 5000) -> dict:
    """tracemalloc: bytes one inbound request's journal entry keeps, per route. Requests
    are handled in-process (the app's full middleware stack, no sockets)."""
    from aiohttp.test_utils import make_mocked_request

    from simulator.app import create_app

    sim = new_simulator()
    app = create_app(sim)
    app.freeze()
    await app.startup()
    headers = {"Host": "127.0.0.1:8080", "X-AUTH-TOKEN": TOKEN, "Accept": "application/json",
               "User-Agent": "telsim-bench", "Connection": "keep-alive"}
    out = {}
    try:
        for path in paths:
            base = make_mocked_request("GET", path, headers=headers, app=app)
            status = (await app._handle(base.clone())).status
            sim.journal.clear()
            gc.collect()
            tracemalloc.start()
            try:
                before, _ = tracemalloc.get_traced_memory()
                for _ in range(n):
                    await app._handle(base.clone())
                gc.collect()
                after, _ = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            kept = min(n, sim.settings.journal_size)
            out[path] = {"status": status, "entries": kept,
                         "bytes_per_entry": round((after - before) / kept),
                         "journal_size": sim.settings.journal_size}
    finally:
        await app.shutdown()
        await app.cleanup()
    return out


# the runner's section (c): bench/run.py --only memory
def bench_memory(args) -> dict:
    r = run(memory(args.records, wall_limit=args.wall_limit))
    print(f"  {r['records']} CallRecords held (as a provider's history): "
          f"{r['records_bytes'] / 2**20:.2f} MiB = {r['bytes_per_record']} B each "
          f"-> {r['records_per_10k_mib']:.2f} MiB per 10,000")
    print(f"  engine cache of finished calls (keep_finished={r['engine_keep_finished']}, "
          f"{r['engine_finished_kept']} kept): {r['engine_cache_bytes'] / 2**20:.2f} MiB = "
          f"{r['bytes_per_cached_call']} B per call")
    print(f"  everything retained after {r['finished']} calls: "
          f"{r['total_retained_bytes'] / 2**20:.2f} MiB (peak {r['peak_bytes'] / 2**20:.2f} MiB)")
    from simulator.providers.registry import discover
    paths = [f"/{SLUG}{ROUTE}"]
    if "mts-vpbx" in discover():
        paths.append("/mts-vpbx/api/abonents")
    j = run(journal_memory(paths))
    for path, m in j.items():
        print(f"  journal: {m['bytes_per_entry']} B per inbound request entry (GET {path}, status "
              f"{m['status']}) -> {m['bytes_per_entry'] * m['journal_size'] / 2**20:.0f} MiB at "
              f"the default cap of {m['journal_size']} entries")
    r["journal"] = j
    summarise("memory per 10,000 finished call records", r["records_per_10k_mib"], "MiB", "", None,
              "<= 10 MiB")
    return r
