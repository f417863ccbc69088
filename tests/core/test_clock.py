import asyncio

import pytest

from simulator.engine.clock import VirtualClock

START = 1_700_000_000.0


async def test_advance_fires_timers_in_time_order_and_sets_now():
    clock = VirtualClock(START, "manual")
    fired = []
    clock.call_later(30, lambda: fired.append(("c", clock.now() - START)))
    clock.call_later(10, lambda: fired.append(("a", clock.now() - START)))
    clock.call_later(20, lambda: fired.append(("b", clock.now() - START)))
    clock.call_later(20, lambda: fired.append(("b2", clock.now() - START)))  # same time: FIFO
    assert await clock.advance(25) == 3
    assert fired == [("a", 10), ("b", 20), ("b2", 20)]
    assert clock.now() == START + 25
    await clock.advance(5)
    assert fired[-1] == ("c", 30)


async def test_timers_scheduled_by_timers_inside_the_span_also_fire():
    clock = VirtualClock(START, "manual")
    seen = []

    def first():
        seen.append(clock.now() - START)
        clock.call_later(5, lambda: seen.append(clock.now() - START))

    clock.call_later(10, first)
    await clock.advance(100)
    assert seen == [10, 15]


async def test_sleeping_coroutines_wake_in_order():
    clock = VirtualClock(START, "manual")
    order = []

    async def sleeper(name, delay):
        await clock.sleep(delay)
        order.append((name, clock.now() - START))

    tasks = [asyncio.ensure_future(sleeper(n, d)) for n, d in (("x", 3), ("y", 1), ("z", 2))]
    await clock.advance(5)
    assert order == [("y", 1), ("z", 2), ("x", 3)]
    await asyncio.gather(*tasks)


async def test_due_timers_fire_without_advance_in_manual_mode():
    clock = VirtualClock(START, "manual")
    fired = asyncio.Event()
    clock.call_later(0, fired.set)
    await clock.settle()
    assert fired.is_set()
    assert clock.now() == START


async def test_cancelled_timers_do_not_fire():
    clock = VirtualClock(START, "manual")
    fired = []
    handle = clock.call_later(5, fired.append, 1)
    handle.cancel()
    await clock.advance(10)
    assert fired == []


async def test_wait_for_times_out_in_simulated_seconds():
    clock = VirtualClock(START, "manual")
    never = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(clock.wait_for(never, 30))
    await clock.advance(29)
    assert not task.done()
    await clock.advance(1)
    with pytest.raises(asyncio.TimeoutError):
        await task


async def test_accelerated_mode_runs_timers_on_its_own():
    clock = VirtualClock(START, "accelerated", speed=100_000)
    clock.start()
    try:
        done = asyncio.get_running_loop().create_future()
        clock.call_later(3600, lambda: done.set_result(clock.now()))  # an hour: ~36 ms of wall time
        when = await asyncio.wait_for(done, timeout=10)
        assert when >= START + 3600
    finally:
        await clock.stop()


async def test_mode_switch_and_describe():
    clock = VirtualClock(START, "manual")
    clock.set_speed(50)
    assert clock.describe()["mode"] == "accelerated" and clock.speed == 50
    clock.set_mode("manual")
    t = clock.now()
    assert clock.now() == t
    clock.reset()
    assert clock.now() == START


async def test_negative_advance_is_refused():
    with pytest.raises(ValueError):
        await VirtualClock(START, "manual").advance(-1)


async def test_pending_timers_counts_queued_timers_without_cancelled_or_fired_ones():
    clock = VirtualClock(START, "manual")
    handles = [clock.call_later(i, lambda: None) for i in range(1, 11)]
    assert clock.describe()["pending_timers"] == 10
    handles[0].cancel()
    handles[0].cancel()  # twice: counted once
    handles[9].cancel()
    assert clock.describe()["pending_timers"] == 8
    assert await clock.advance(5) == 4  # 2..5; 1 was cancelled
    handles[2].cancel()  # already fired: no change
    assert clock.describe()["pending_timers"] == 4
    assert clock.next_due() == START + 6
    clock.reset()
    assert clock.describe()["pending_timers"] == 0 and clock.next_due() is None
    handles[6].cancel()  # cancelled by the reset already
    assert clock.describe()["pending_timers"] == 0


async def test_cancelled_timers_are_compacted_out_of_the_heap_and_the_rest_fire_in_order():
    from simulator.engine.clock import COMPACT_AT

    clock = VirtualClock(START, "manual")
    fired = []
    keep = []
    for i in range(3 * COMPACT_AT):
        handle = clock.call_later(100 + i % 7, fired.append, i)
        if i % 5:
            handle.cancel()  # four in five cancelled, as callers' hang-up timers are
        else:
            keep.append(i)
    clock.call_later(1, fired.append, "first")  # a push over a mostly cancelled heap compacts it
    assert len(clock._heap) < 2 * clock.describe()["pending_timers"] + COMPACT_AT
    assert clock.describe()["pending_timers"] == len(keep) + 1
    await clock.advance(200)
    assert fired == ["first", *sorted(keep, key=lambda i: (100 + i % 7, i))]
    assert clock.describe()["pending_timers"] == 0


async def test_settle_waits_for_work_tracked_while_it_waits_and_a_cancelled_settle_leaves_no_waiter():
    clock = VirtualClock(START, "manual")
    loop = asyncio.get_running_loop()
    first, second = loop.create_future(), loop.create_future()
    clock.track(first)

    def finish_first():
        clock.track(second)  # more work starts as the first ends: settle waits for it too
        first.set_result(None)
        loop.call_soon(second.set_result, None)

    loop.call_soon(finish_first)
    await clock.settle()
    assert first.done() and second.done() and not clock._inflight
    stuck = clock.track(loop.create_future())
    task = asyncio.ensure_future(clock.settle())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert clock._idle_waiters == []
    stuck.set_result(None)
    await clock.settle()
    assert not clock._inflight and clock._idle_waiters == []
