"""In-process engine benchmarks: call lifecycles per second (with callbacks to a loopback
sink) and the engine's cost per timer and call (the senders they are compared with:
bench/senders.py; the memory finished calls hold: bench/memory_bench.py).

Calls are placed through the generic ``Provider.start_call`` of the bench-only provider
(bench/probe.py) on a Simulator with a manual clock; time moves by ``clock.advance``, which
fires every timer in order and lets the callbacks it caused be delivered before moving on.
"""
from __future__ import annotations

import asyncio
import gc
import json
import resource
import time
from typing import Any

from bench.probe import SLUG, TOKEN
from bench.procs import SinkProcess, sink_cpu
from simulator.delivery import Callback, RetryPolicy
from simulator.traffic import IN_FLIGHT_PER_CONNECTION
from simulator.engine.behaviour import PartyBehaviour
from simulator.engine.bus import Event
from simulator.providers.base import Provider
from simulator.settings import Settings
from simulator.sim import CallRequest, Simulator
from simulator.testing.sink import CallbackSink

ANSWER_AFTER = 2.0  # simulated seconds the called party rings
TALK = 3.0  # simulated seconds of talk before the called party hangs up
CALLBACK_KINDS = ("CALL_RECEIVED", "CALL_ANSWERED", "CALL_RELEASED", "CALL_HISTORY")


def new_simulator() -> Simulator:
    return Simulator(Settings(manual_clock=True, access_log=False))


def reference_loop_ms(n: int = 200_000) -> float:
    """Wall milliseconds of a fixed pure-Python loop: the machine's speed at this moment (another
    process on the core, steal time, a slower clock), timed next to each engine-only round so a
    slow round can be told from a slow machine."""
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return round((time.perf_counter() - t0) * 1e3, 2)


class _Collections:
    """Cyclic-collector runs (per generation) and their CPU while the measured loop runs."""

    def __init__(self) -> None:
        self.runs = [0, 0, 0]
        self.cpu = 0.0
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0 = time.process_time()
        else:
            self.runs[info["generation"]] += 1
            self.cpu += time.process_time() - self._t0

    def __enter__(self) -> "_Collections":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.callbacks.remove(self)


class _Frozen:
    """What ``telsim serve`` does once its world is built (simulator/cli.py, tune_collector):
    start-up's objects frozen out of the cyclic collector's reach, so a collection scans only
    what the calls made, and the youngest generation collected every 10,000 allocations.
    Undone at the end, so the next run starts as this one did."""

    def __enter__(self) -> None:
        from simulator.cli import tune_collector

        self._threshold = gc.get_threshold()
        gc.collect()
        tune_collector()

    def __exit__(self, *exc: Any) -> None:
        gc.unfreeze()
        gc.set_threshold(*self._threshold)


#: the called party's behaviour, validated once and shared by every call's script, as a
#: ``traffic:`` step's plan hands PartyBehaviour objects to CallRequest (simulator/traffic.py):
#: the driver validates a request per call, not the same nested model 3,000 times
_ANSWERS = PartyBehaviour(answer_after=ANSWER_AFTER, hangup_after=TALK)
_validate_request = CallRequest.__pydantic_validator__.validate_python  # model_validate's core


def _request(i: int) -> CallRequest:
    to = f"+7495200{i % 10000:04d}"
    return _validate_request({
        "provider": SLUG, "direction": "inbound", "from": f"+7916100{i % 10000:04d}", "to": to,
        "tenant": "acme", "script": {to: _ANSWERS},
    })


def _json_encoder():
    """json.dumps(..., ensure_ascii=False) without building an encoder per call: the same bytes.
    JSONEncoder.encode makes a C encoder on every call; this one is made once (no circular
    check: the subscriber's bodies are plain trees)."""
    plain = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain.encode
    encoder = make(None, plain.default, json.encoder.encode_basestring, None, ": ", ", ",
                   False, False, True)
    return lambda obj: "".join(encoder(obj, 0))


_ENCODE = _json_encoder()


class FourCallbacks:
    """A test subscriber: four callbacks per call, as a provider adapter would send."""

    def __init__(self, sim: Simulator, url: str):
        self.sim = sim
        self.url = url
        self.sent = 0
        self.policy = RetryPolicy()  # one attempt: a loopback sink always answers 200
        self.headers = {"X-AUTH-TOKEN": TOKEN}  # shared: the deliverer never changes a callback's

    def __call__(self, event: Event) -> None:
        type_, data = event.type, event.data
        if type_ == "call.created":
            kind = CALLBACK_KINDS[0]
        elif type_ == "leg.answered" and data.get("role") == "dialled":
            kind = CALLBACK_KINDS[1]
        elif type_ == "call.ended":
            kind = CALLBACK_KINDS[2]
        elif type_ == "call.finished":
            kind = CALLBACK_KINDS[3]
        else:
            return
        if "record" in data:  # call.finished's CallRecord: not in the body
            data = {k: v for k, v in data.items() if k != "record"}
        body = _ENCODE({"event": kind, "call_id": event.call_id, "leg_id": event.leg_id,
                        "time": event.time, "tenant": event.tenant, "data": data}).encode()
        self.sim.delivery.send(Callback(
            provider=SLUG, url=self.url, kind=kind, body=body, tenant=event.tenant,
            call_id=event.call_id, headers=self.headers, policy=self.policy))
        self.sent += 1


async def _drive(sim: Simulator, n_calls: int, batch: int, step: float, wall_limit: float,
                 done: Any) -> tuple[int, float, bool]:
    """Start ``batch`` calls per ``step`` simulated seconds until ``n_calls`` are started,
    then advance until ``done()``; bounded by count and wall time. Returns (finished
    calls, wall seconds, completed)."""
    provider = sim.providers[SLUG]
    engine = sim.engine
    start_total = engine.records_total
    t0 = time.perf_counter()
    _drive.cpu0 = time.process_time()  # type: ignore[attr-defined]
    started = 0
    max_steps = n_calls // max(batch, 1) + int((ANSWER_AFTER + TALK) / step) + 1000
    for _ in range(max_steps):
        for _ in range(min(batch, n_calls - started)):
            await Provider.start_call(provider, _request(started))
            started += 1
        await sim.clock.advance(step)
        if started >= n_calls and done():
            return engine.records_total - start_total, time.perf_counter() - t0, True
        if time.perf_counter() - t0 > wall_limit:
            break
    return engine.records_total - start_total, time.perf_counter() - t0, False


def _overlapping(sim: Simulator):
    """What a ``traffic:`` step does with its default bound (simulator/traffic.py)."""
    bound = IN_FLIGHT_PER_CONNECTION * max(1, sim.delivery.connections())
    return sim.clock.overlapping(lambda: sim.delivery.outstanding() >= bound)


async def lifecycles(n_calls: int = 2000, batch: int = 100, step: float = 1.0,
                     callbacks: bool = True, wall_limit: float = 120.0,
                     profile: str | None = None, sink_process: bool = False,
                     connections: int | None = None, overlap: bool = False,
                     receiver: str = "callback") -> dict:
    """``callbacks``: 4 per call to a CallbackSink, in this process (client and server
    share the one thread) or, with ``sink_process``, in a process of its own; ``receiver=
    "lean"``: to the lean receiver in its own process instead (``servers.py sink --lean``),
    the simulator's own capacity when the receiving application is not the limit;
    ``connections``: the world's ``callbacks.connections`` (None: its default); ``overlap``:
    the clock moves on while callbacks are on their way, as a ``traffic:`` step plays its
    instants (its default bound on the callbacks outstanding), instead of each instant
    waiting for its callbacks as ``advance`` does."""
    if receiver not in ("callback", "lean"):
        raise ValueError(f"receiver: 'callback' or 'lean', not {receiver!r}")
    lean = receiver == "lean"
    sink_process = sink_process or lean
    sim = new_simulator()
    await sim.start()
    if connections is not None:
        sim.patch_world({"callbacks": {"connections": connections}})
    sink: Any = None
    if callbacks:
        sink = SinkProcess(lean) if sink_process else await CallbackSink().start()
    subscriber = None
    if sink is not None:
        subscriber = FourCallbacks(sim, sink.url("/hook"))
        sim.bus.subscribe(subscriber, provider=SLUG)
    expected = 4 * n_calls if callbacks else 0
    sent_before = sim.delivery.sent

    def done() -> bool:
        if sim.engine.calls:
            return False
        return sink is None or (sim.delivery.sent - sent_before >= expected
                                and sim.delivery.outstanding() == 0)

    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    sink_cpu0 = sink._cpu() if sink_process and sink is not None else None
    reference = reference_loop_ms()
    try:
        with _Frozen(), _Collections() as collections:
            faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            if overlap:  # every call ended; then the callbacks still on their way arrive
                t0 = time.perf_counter()
                with _overlapping(sim):
                    finished, _, completed = await _drive(sim, n_calls, batch, step, wall_limit,
                                                          lambda: not sim.engine.calls)
                await sim.clock.settle()
                wall, completed = time.perf_counter() - t0, completed and done()
            else:
                finished, wall, completed = await _drive(sim, n_calls, batch, step, wall_limit,
                                                         done)
            cpu = time.process_time() - _drive.cpu0  # type: ignore[attr-defined]
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        await sim.stop()
        if sink is not None:
            await sink.stop()
    out = {"calls": n_calls, "finished": finished, "wall_s": round(wall, 3),
           "completed": completed, "lifecycles_per_s": round(finished / wall, 1) if wall else None,
           "batch": batch, "step_sim_s": step, "callbacks": callbacks, "overlap": overlap,
           "cpu_s": round(cpu, 3),
           "cpu_us_per_lifecycle": round(cpu / finished * 1e6) if finished else None,
           "lifecycles_per_cpu_s": round(finished / cpu) if cpu > 0 else None,
           # why one round differs from the next: first-touch page faults (the first round in a
           # process maps its memory), collector runs, the machine's speed (reference loop)
           "minor_faults": faults, "gc_runs": collections.runs,
           "gc_cpu_ms": round(collections.cpu * 1e3, 1), "reference_loop_ms": reference}
    if sink is not None:
        delivered = sink.received if sink_process else len(sink.requests)
        attempts = sim.delivery.sent - sent_before
        out.update({"sink": ("lean receiver, separate process" if lean else "separate process")
                    if sink_process else "in-process",
                    "callbacks_sent": subscriber.sent, "delivery_attempts": attempts,
                    "callbacks_received": delivered,
                    "callbacks_per_s": round(attempts / wall, 1) if wall else None,
                    "journal_out_entries": len(sim.journal.query(direction="out"))})
        out.update(sink_cpu(sink, sink_cpu0, attempts, wall))
    return out


VPBX_CALLED = "+79160001735"  # X214's abonent 1735, subscribed to API CRM events in the default world


def _vpbx_request(i: int) -> CallRequest:
    return CallRequest.model_validate({
        "provider": "mts-vpbx", "direction": "inbound", "from": f"+7916100{i % 10000:04d}",
        "to": VPBX_CALLED, "script": {VPBX_CALLED: {"answer_after": ANSWER_AFTER, "hangup_after": TALK}}})


async def vpbx_lifecycles(n_calls: int = 2000, batch: int = 100, wall_limit: float = 120.0,
                          sink_process: bool = True, profile: str | None = None) -> dict:
    """A real provider's lifecycle: MTS VPBX inbound calls to a subscribed abonent with API
    CRM switched on, so the provider itself renders and sends its 4.7 events (CALL_RECEIVED,
    CALL_ANSWERED, CALL_RELEASED: 3 a call) with its retry policy and error counter, and
    writes its 4.5 history record."""
    sim = new_simulator()
    await sim.start()
    sink: Any = SinkProcess() if sink_process else await CallbackSink().start()
    sim.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "apicrm": {"active": True, "callbackUrl": sink.url("/crm"), "clientApiKey": "123"}}}}}})
    await sim.clock.advance(0)  # the activation's CHECK_ALIVE goes before the measured loop
    provider = sim.providers["mts-vpbx"]
    sent_before = sim.delivery.sent
    expected = 3 * n_calls

    def done() -> bool:
        return not sim.engine.calls and sim.delivery.sent - sent_before >= expected \
            and sim.delivery.pending() == 0

    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    start_total = sim.engine.records_total
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    started = 0
    completed = False
    try:
        for _ in range(n_calls // batch + 1000):
            for _ in range(min(batch, n_calls - started)):
                await provider.start_call(_vpbx_request(started))
                started += 1
            await sim.clock.advance(1.0)
            if started >= n_calls and done():
                completed = True
                break
            if time.perf_counter() - t0 > wall_limit:
                break
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        await sim.stop()
        await sink.stop()
    finished = sim.engine.records_total - start_total
    attempts = sim.delivery.sent - sent_before
    return {"calls": n_calls, "finished": finished, "completed": completed, "wall_s": round(wall, 3),
            "lifecycles_per_s": round(finished / wall, 1) if wall else None, "callbacks": True,
            "cpu_s": round(cpu, 3), "cpu_us_per_lifecycle": round(cpu / finished * 1e6) if finished else None,
            "delivery_attempts": attempts, "callbacks_per_s": round(attempts / wall, 1) if wall else None,
            "callbacks_received": sink.received if sink_process else len(sink.requests),
            "sink": "separate process" if sink_process else "in-process"}


async def engine_costs(n: int = 20_000) -> dict:
    """The engine's own cost: µs of CPU per timer (schedule + fire, no work in it) and per
    bare call (create, dial, answer, hang up, record; no provider, no subscriber)."""
    from simulator.engine import CallEngine, EventBus, VirtualClock

    clock = VirtualClock(0.0, "manual")
    noop = lambda: None  # noqa: E731
    gc.collect()
    cpu0 = time.process_time()
    for i in range(n):
        clock.call_later(i % 50, noop)
    await clock.advance(60)
    per_timer = (time.process_time() - cpu0) / n
    engine = CallEngine(clock, EventBus())
    cpu0 = time.process_time()
    for i in range(n):
        call = engine.create_call(None, None, "inbound", "+79161000000", "+74950000000",
                                  script={"+74950000000": {"answer_after": 2, "hangup_after": 3}})
        engine.add_origin(call, "+79161000000")
        engine.dial(call, "+74950000000")
        if i % 500 == 499:
            await clock.advance(1)
    await clock.advance(10)
    per_call = (time.process_time() - cpu0) / n
    return {"timers": n, "cpu_us_per_timer": round(per_timer * 1e6, 2),
            "calls": n, "cpu_us_per_bare_call": round(per_call * 1e6, 1),
            "finished": engine.records_total}


def run(coro):
    return asyncio.run(coro)
