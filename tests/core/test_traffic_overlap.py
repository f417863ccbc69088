"""A ``traffic:`` step does not wait for fire-and-forget callbacks between instants
(simulator/traffic.py, the clock's background work in simulator/engine/settling.py): it moves on
while they are on their way, up to its ``callbacks_in_flight`` bound, keeps each call's order,
still waits for routing questions, and ends settled with the journal the strict replay
(``wait_for_callbacks: true``) leaves. A sink that holds its answers on an asyncio.Event plays
the slow application; nothing here waits on wall time."""
import asyncio
import json

import pytest

from simulator.delivery import Callback, FixedRetry
from simulator.testing.harness import SimulatorHarness
from simulator.testing.sink import CallbackSink
from simulator.traffic import Traffic, run_traffic

TOKEN = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}
ABONENT_1735 = "+79160001735"
ORDER = {"CALL_RECEIVED": 0, "CALL_ORIGINATED": 0, "CALL_ANSWERED": 1, "CALL_RELEASED": 2}


def day(**over) -> Traffic:
    data = {"seed": 11, "duration": 3600, "calls": 40, "drain": 3600,
            "mix": [{"provider": "mts-vpbx", "from": "+7916#######", "to": ABONENT_1735,
                     "ring": [1, 5], "talk": 40},
                    {"provider": "mts-vpbx", "direction": "outbound", "from": ABONENT_1735,
                     "to": "+7495#######", "ring": [1, 5], "talk": 40}]}
    data.update(over)
    return Traffic.model_validate(data)


def crm(url: str) -> dict:
    return {"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "apicrm": {"active": True, "callbackUrl": url, "clientApiKey": "t"},
        "subscriptions": {"s1735": {"abonentId": 1735}}}}}}}


class HeldSink:
    """Answers CHECK_ALIVE at once and holds every call event until ``release``."""

    def __init__(self, sink: CallbackSink) -> None:
        self.open = asyncio.Event()
        self.came = asyncio.Event()  # set at each arrival
        self.arrived = 0
        sink.respond("/crm", handler=self._handle)

    async def _handle(self, request) -> tuple[int, str]:
        if request.json()["eventType"] != "CHECK_ALIVE":
            self.arrived += 1
            self.came.set()
            await self.open.wait()
        return 200, ""

    def release(self) -> None:
        self.open.set()


async def no_requests(_: dict) -> tuple[bool, str]:
    raise AssertionError("this day makes no requests")


async def until(event: asyncio.Event) -> None:
    # a guard against a hang, not a wait on time: the event comes from the loop's own work
    await asyncio.wait_for(event.wait(), 60)


async def arrivals(held: HeldSink, n: int) -> None:
    """Until ``n`` held events have reached the sink (their bytes cross a loopback socket, which
    a loaded machine may deliver after any fixed number of the loop's rounds)."""
    while held.arrived < n:
        held.came.clear()
        await until(held.came)


async def spin(n: int = 500) -> None:
    """Give the loop rounds to do whatever it still could (without wall time)."""
    for _ in range(n):
        await asyncio.sleep(0)


def watch_full(monkeypatch, delivery, bound: int) -> asyncio.Event:
    """Set when the replay's bound is asked about and reached: it is about to wait there."""
    full, outstanding = asyncio.Event(), delivery.outstanding

    def counted() -> int:
        n = outstanding()
        if n >= bound:
            full.set()
        return n
    monkeypatch.setattr(delivery, "outstanding", counted)
    return full


def events_per_call(bodies) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for body in bodies:
        event = json.loads(body)
        if event.get("payload"):
            out.setdefault(event["payload"]["callId"], []).append(event["eventType"])
    return out


async def test_a_replay_moves_on_while_callbacks_are_held_and_keeps_each_calls_order(
        simulator, callback_sink, monkeypatch):
    held = HeldSink(callback_sink)
    simulator.sim.patch_world(crm(callback_sink.url("/crm")))
    await simulator.settle()
    delivery, clock = simulator.sim.delivery, simulator.clock
    start = clock.now()
    bound = 12
    full = watch_full(monkeypatch, delivery, bound)
    replay = asyncio.ensure_future(run_traffic(day(callbacks_in_flight=bound), simulator.sim, no_requests))
    await until(full)
    at_bound = delivery.outstanding()
    await arrivals(held, 2)
    await spin()
    # the bound holds: the replay waits there (an instant's callbacks all go, so it may pass
    # the bound by that instant's few), and no more callbacks were queued while it waited
    assert not replay.done()
    assert delivery.outstanding() == at_bound and bound <= at_bound < bound + 4
    # it moved on past the first callback's instant: several calls' events are outstanding
    # at once (two have arrived), at most one per connection of the target at the sink
    assert clock.now() > start and held.arrived <= delivery.connections()
    held.release()
    out = await replay
    assert out["ok"] and out["calls"] == 40 and out["still_live"] == 0
    assert delivery.outstanding() == 0 and not simulator.sim.engine.calls
    received = events_per_call(r.body for r in callback_sink.received("/crm"))
    sent = events_per_call(e["request_body"] for e in simulator.callbacks(provider="mts-vpbx"))
    assert received == sent and len(received) > 20
    for call, kinds in received.items():  # each call's events in its lifecycle's order
        assert [ORDER[k] for k in kinds] == sorted(ORDER[k] for k in kinds), (call, kinds)
    for entry_list in _by_call(simulator.callbacks(provider="mts-vpbx")).values():
        times = [e["sim_time"] for e in entry_list]
        assert times == sorted(times)  # stamped when sent


def _by_call(entries) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in entries:
        out.setdefault(e["call_id"], []).append(e)
    return out


async def test_wait_for_callbacks_holds_the_replay_at_each_callback(simulator, callback_sink):
    held = HeldSink(callback_sink)
    simulator.sim.patch_world(crm(callback_sink.url("/crm")))
    await simulator.settle()
    clock = simulator.clock
    replay = asyncio.ensure_future(run_traffic(day(wait_for_callbacks=True), simulator.sim, no_requests))
    await until(held.came)
    instant = clock.now()
    await spin()
    # today's order: time stays at the first event's instant while its answer is held
    assert not replay.done() and clock.now() == instant and held.arrived == 1
    held.release()
    out = await replay
    assert out["ok"] and out["calls"] == 40


@pytest.mark.telsim_no_contract  # a provider's slug stands in for any, with a made-up callback name
async def test_a_routing_question_is_awaited_inside_an_overlap(simulator, callback_sink):
    """Held work (``delivery.request``) is waited for before the next instant even while
    fire-and-forget callbacks overlap; a ``send`` to the same held sink does not hold time."""
    gate, asked = asyncio.Event(), asyncio.Event()

    async def hold(request):
        if request.path == "/route":
            asked.set()
        await gate.wait()
        return 200, ""

    callback_sink.respond("/route", handler=hold)
    callback_sink.respond("/event", handler=hold)
    sim, clock = simulator.sim, simulator.clock
    t0 = clock.now()
    fired: list[float] = []
    answers: list[int | None] = []

    async def ask() -> None:
        result = await sim.delivery.request(Callback(provider="mtt-telecom", url=callback_sink.url("/route"),
                                                     kind="EVT", body="{}"))
        answers.append(result.status)

    clock.call_later(1, ask)
    clock.call_later(2, lambda: fired.append(clock.now() - t0))
    clock.call_later(3, lambda: sim.delivery.send(Callback(
        provider="mtt-telecom", url=callback_sink.url("/event"), kind="EVT", body="{}")))
    clock.call_later(4, lambda: fired.append(clock.now() - t0))
    with clock.overlapping(lambda: sim.delivery.outstanding() >= 8):
        run = asyncio.ensure_future(clock.advance(10))
        await until(asked)
        await spin()
        assert fired == [] and not answers and not run.done()  # held at the question's instant
        gate.set()
        await run
    assert answers == [200] and fired == [2, 4]
    assert len(callback_sink.received("/event")) == 1


@pytest.mark.telsim_no_contract
async def test_a_retry_counts_from_the_instant_its_failure_is_known(simulator, callback_sink):
    gate, came = asyncio.Event(), asyncio.Event()

    async def fail_later(_):
        came.set()
        await gate.wait()
        return 503, ""

    callback_sink.respond("/hook", handler=fail_later, times=1)
    sim, clock = simulator.sim, simulator.clock
    t0 = clock.now()
    with clock.overlapping(lambda: False):
        sim.delivery.send(Callback(provider="mtt-telecom", url=callback_sink.url("/hook"), kind="EVT",
                                   body="{}", policy=FixedRetry(max_attempts=2, delay=10)))
        await until(came)
        await clock.advance(30)  # time moves on while the first attempt is on its way
    gate.set()
    await simulator.settle()  # out of the overlap: waits for the attempt's answer
    first = simulator.callbacks(kind="EVT")
    assert [(e["attempt"], e["status"], e["sim_time"] - t0) for e in first] == [(1, 503, 0)]
    await clock.advance(9)
    assert len(simulator.callbacks(kind="EVT")) == 1
    await clock.advance(1)  # 10 s after the failure was known, at 30 s
    entries = simulator.callbacks(kind="EVT")
    assert [(e["attempt"], e["status"], e["sim_time"] - t0) for e in entries] == [(1, 503, 0), (2, 200, 40)]


def _content(entries) -> list[str]:
    """The journal's entries without their wall fields (id, wall time, latency, Date) and the
    simulator's own port (each run serves on its own)."""
    out = []
    for e in entries:
        e = dict(e)
        for key in ("id", "wall_time", "latency_ms", "host"):
            e.pop(key)
        for key in ("request_headers", "response_headers"):
            if isinstance(e.get(key), dict):
                e[key] = {k: v for k, v in e[key].items() if k.lower() not in ("date", "host")}
        out.append(json.dumps(e, sort_keys=True, ensure_ascii=False))
    return sorted(out)


async def test_the_journal_after_the_step_is_the_strict_replays():
    sink = await CallbackSink().start()
    requests = [{"every": 900, "request": {"provider": "mts-vpbx", "method": "GET",
                                           "path": "/api/v1/callHistory/enterprise",
                                           "params": {"page": "0", "size": "5"}, "headers": TOKEN,
                                           "expect": {"status": 200}}}]
    journals = []
    try:
        for strict in (True, False):
            harness = await SimulatorHarness(patch=crm(sink.url("/crm"))).start()
            try:
                async def request(spec: dict) -> tuple[bool, str]:
                    from simulator.scenario import _request_step
                    r = await _request_step(0, spec, harness.session, harness.base_url)
                    return r.ok, r.detail

                await harness.settle()
                out = await run_traffic(day(wait_for_callbacks=strict, requests=requests),
                                        harness.sim, request)
                assert out["ok"] and out["requests"] == 4
                journals.append(harness.sim.journal.query())
            finally:
                await harness.stop()
    finally:
        await sink.stop()
    strict_journal, overlapped = journals
    assert len(strict_journal) > 100
    assert _content(overlapped) == _content(strict_journal)


@pytest.mark.parametrize("bad", [{"callbacks_in_flight": 0}, {"wait_for_callbacks": "yes"}])
def test_the_overlap_fields_are_validated(bad):
    with pytest.raises(ValueError):
        day(**bad)
