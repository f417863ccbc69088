"""Callback delivery: order per target, retry schedule on the virtual clock, allow-list,
timeouts, synchronous requests whose answer drives a call."""
import asyncio

import pytest

from simulator.delivery import ArithmeticThenGeometric, Callback, FixedRetry

# core tests: a provider's slug stands in for any provider, with made-up callback names
pytestmark = pytest.mark.telsim_no_contract


def cb(sink, path="/hook", kind="EVT", **kw):
    return Callback(provider="mtt-telecom", url=sink.url(path), kind=kind, **kw)


async def test_callbacks_to_one_target_arrive_in_order(simulator, callback_sink):
    for i in range(20):
        simulator.sim.delivery.send(cb(callback_sink, body=f'{{"n": {i}}}'))
    await simulator.settle()
    assert [r.json()["n"] for r in callback_sink.received("/hook")] == list(range(20))
    assert len(simulator.callbacks(kind="EVT")) == 20


async def test_retry_schedule_runs_on_the_virtual_clock(simulator, callback_sink):
    callback_sink.respond("/hook", status=500, times=4)
    results = []
    policy = ArithmeticThenGeometric(max_attempts=10, step=5, linear_until=10, factor=2)
    simulator.sim.delivery.send(cb(callback_sink, body="{}", policy=policy, on_result=results.append))
    await simulator.settle()
    t0 = simulator.clock.now()
    times = []
    for _ in range(4):
        entry = await simulator.wait_for_callback(lambda e: e["attempt"] == len(times) + 2, timeout=100)
        times.append(entry["sim_time"] - t0)
    assert times == [5, 15, 30, 50]  # waits of 5, 10, 15, 20 s
    assert [r.ok for r in results] == [False] * 4 + [True]
    assert results[-1].final and not results[0].final


def test_arithmetic_then_geometric_delays():
    p = ArithmeticThenGeometric(max_attempts=14, step=5, linear_until=10, factor=2)
    assert [p.delay_before(a) for a in range(2, 12)] == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert [p.delay_before(a) for a in (12, 13, 14)] == [100, 200, 400]
    assert p.delay_before(15) is None


async def test_a_failing_message_holds_later_ones_back_until_it_gives_up(simulator, callback_sink):
    callback_sink.respond("/hook", status=503, times=3)
    d = simulator.sim.delivery
    d.send(cb(callback_sink, body='{"n": 1}', policy=FixedRetry(max_attempts=3, delay=10)))
    d.send(cb(callback_sink, body='{"n": 2}'))
    await simulator.settle()
    assert [r.json()["n"] for r in callback_sink.received()] == [1]
    await simulator.advance(20)
    assert [r.json()["n"] for r in callback_sink.received()] == [1, 1, 1, 2]


async def test_targets_outside_the_allow_list_are_refused(simulator):
    result = await simulator.sim.delivery.request(
        Callback(provider="mtt-telecom", url="http://example.com/hook", kind="EVT", body="{}"))
    assert not result.ok and result.error == "refused" and result.final
    [entry] = simulator.callbacks(kind="EVT")
    assert entry["error"] == "refused" and entry["status"] is None


async def test_allow_hosts_from_the_world(simulator):
    simulator.patch_world({"callbacks": {"allow_hosts": ["*.example.test"]}})
    from simulator.delivery import host_allowed
    assert host_allowed("https://crm.example.test/x", simulator.sim.world.callbacks.allow_hosts)
    assert not host_allowed("https://crm.example.org/x", simulator.sim.world.callbacks.allow_hosts)
    assert host_allowed("http://[::1]:81/x", []) and host_allowed("http://127.9.9.9/", [])
    assert not host_allowed("ftp://127.0.0.1/", []) and not host_allowed("not a url", [])


async def test_request_returns_the_answer(simulator, callback_sink):
    callback_sink.respond("/route", handler=lambda req: (200, "<AgentInfo B0='74951112233'/>"))
    result = await simulator.sim.delivery.request(
        cb(callback_sink, "/route", kind="AgentRequest", body="<AgentRequest/>",
           content_type="text/xml; charset=utf-8", auth=("u", "p")))
    assert result.ok and result.status == 200 and "AgentInfo" in result.text()
    [req] = callback_sink.received("/route")
    assert req.headers["Content-Type"].startswith("text/xml") and req.headers["Authorization"].startswith("Basic ")


async def test_timeout_is_reported(simulator, callback_sink):
    never = asyncio.get_running_loop().create_future()

    async def hang(req):
        await never

    callback_sink.respond("/slow", handler=hang)
    result = await simulator.sim.delivery.request(cb(callback_sink, "/slow", body="{}", timeout=0.2))
    assert not result.ok and result.error == "timeout"
    never.cancel()


async def test_unreachable_target_is_an_error_not_an_exception(simulator, unused_tcp_port):
    result = await simulator.sim.delivery.request(
        Callback(provider="mtt-telecom", url=f"http://127.0.0.1:{unused_tcp_port}/", kind="EVT"))
    assert not result.ok and "Connect" in (result.error or "")


async def test_messages_no_longer_wanted_are_dropped(simulator, callback_sink):
    callback_sink.respond("/hook", status=500)
    wanted = {"on": True}

    def count(result):
        wanted["on"] = False  # e.g. the provider switches the mechanism off after this error

    d = simulator.sim.delivery
    d.send(cb(callback_sink, body='{"n": 1}', policy=FixedRetry(max_attempts=5, delay=10),
              on_result=count, still_wanted=lambda: wanted["on"]))
    d.send(cb(callback_sink, body='{"n": 2}', still_wanted=lambda: wanted["on"]))
    await simulator.advance(60)
    assert len(callback_sink.received()) == 1
    # the first message stops at once (no retry wait), the second is never sent
    assert [e["error"] for e in simulator.callbacks(kind="EVT")] == [None, "dropped"]


async def test_any_method_query_string_and_form_bodies(simulator, callback_sink):
    d = simulator.sim.delivery
    d.send(cb(callback_sink, "/get", method="GET", body=None, params={"event": "ring", "n": "1"}))
    d.send(cb(callback_sink, "/form", method="PUT", body="a=1&b=%D0%B4",
              content_type="application/x-www-form-urlencoded", headers={"X-Sign": "s"}))
    await simulator.settle()
    [get] = callback_sink.received("/get")
    assert get.method == "GET" and get.query == {"event": "ring", "n": "1"} and get.body == b""
    [form] = callback_sink.received("/form")
    assert form.method == "PUT" and form.content_type == "application/x-www-form-urlencoded"
    assert form.text == "a=1&b=%D0%B4" and form.headers["X-Sign"] == "s"


# ------------------------------------------------- several connections per target, one per call
async def test_a_failing_call_holds_back_only_its_own_callbacks(simulator, callback_sink):
    callback_sink.respond("/hook", status=503, times=1)  # call A's first callback fails once
    d = simulator.sim.delivery
    retry = FixedRetry(max_attempts=3, delay=10)
    d.send(cb(callback_sink, body='{"n": "A1"}', call_id="A", policy=retry))
    d.send(cb(callback_sink, body='{"n": "A2"}', call_id="A"))
    d.send(cb(callback_sink, body='{"n": "B1"}', call_id="B"))
    d.send(cb(callback_sink, body='{"n": "B2"}', call_id="B"))
    await simulator.settle()
    got = [r.json()["n"] for r in callback_sink.received()]
    assert sorted(got) == ["A1", "B1", "B2"] and got.index("B1") < got.index("B2")
    await simulator.advance(10)
    assert [r.json()["n"] for r in callback_sink.received()][3:] == ["A1", "A2"]
    assert d.pending() == 0


async def test_one_connection_per_target_keeps_every_callback_in_order(simulator, callback_sink):
    simulator.patch_world({"callbacks": {"connections": 1}})
    callback_sink.respond("/hook", status=503, times=1)
    d = simulator.sim.delivery
    d.send(cb(callback_sink, body='{"n": "A1"}', call_id="A", policy=FixedRetry(max_attempts=3, delay=10)))
    d.send(cb(callback_sink, body='{"n": "B1"}', call_id="B"))
    await simulator.settle()
    assert [r.json()["n"] for r in callback_sink.received()] == ["A1"]
    await simulator.advance(10)
    assert [r.json()["n"] for r in callback_sink.received()] == ["A1", "A1", "B1"]


async def test_callbacks_in_flight_per_target_are_bounded_by_connections(simulator, callback_sink):
    simulator.patch_world({"callbacks": {"connections": 3}})
    release, three = asyncio.Event(), asyncio.Event()
    in_flight = {"now": 0, "most": 0}

    async def slow(req):
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        if in_flight["now"] == 3:
            three.set()
        await release.wait()
        in_flight["now"] -= 1
        return 200, b""

    callback_sink.respond("/hook", handler=slow)
    d = simulator.sim.delivery
    for call in range(10):
        for n in range(3):
            d.send(cb(callback_sink, body=f'{{"call": {call}, "n": {n}}}', call_id=f"call-{call}"))
    await asyncio.wait_for(three.wait(), 10)
    assert d.pending() == 27
    release.set()
    await simulator.settle()
    got = [r.json() for r in callback_sink.received()]
    assert in_flight["most"] == 3 and len(got) == 30
    for call in range(10):  # each call's callbacks in the order they were sent
        assert [g["n"] for g in got if g["call"] == call] == [0, 1, 2]
    entries = simulator.callbacks(kind="EVT")
    assert len(entries) == 30 and all(e["status"] == 200 for e in entries)


@pytest.mark.parametrize("value", [0, 65, "8", 2.0, True])
async def test_connections_is_a_whole_number_from_1_to_64(simulator, value):
    async with simulator.request("PATCH", "/_sim/world", json={"callbacks": {"connections": value}},
                                 headers={"Content-Type": "application/merge-patch+json"}) as resp:
        assert resp.status == 422
    assert simulator.sim.world.callbacks.connections == 8
