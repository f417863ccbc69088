"""The deliverer's direct path (simulator/delivery/lanes.py): a callback sent on a kept-alive
connection is journalled from the connection's own answer, and reads exactly as the
coroutine path (``_send``) reads the same answer; failures, retries, the one more try on a
connection the server closed, and a reset while a request is on its way."""
import asyncio

import pytest

from simulator.delivery import Callback, Deliverer, FixedRetry, RetryPolicy
from simulator.engine.clock import VirtualClock
from simulator.journal import Journal
from tests.core.test_http1 import ANSWERS, CLOSING, RawServer

pytestmark = pytest.mark.telsim_no_contract


@pytest.fixture
async def setup():
    clock = VirtualClock(1_700_000_000.0, "manual")
    journal = Journal(clock.now)
    d = Deliverer(clock, journal, lambda: [], lambda: 5.0)
    server = await RawServer().start()
    yield d, journal, server, clock
    await d.stop()
    await server.stop()


def callback(port: int, **kw) -> Callback:
    kw.setdefault("body", '{"event": "тест"}')
    kw.setdefault("headers", {"X-AUTH-TOKEN": "t"})
    kw.setdefault("policy", RetryPolicy())
    return Callback(provider="mtt-telecom", url=f"http://127.0.0.1:{port}/hook?q=1", kind="EVT",
                    **kw)


async def _sent(d: Deliverer, clock: VirtualClock, cb: Callback) -> None:
    d.send(cb)
    await clock.settle()


def _framing_free(headers) -> dict:
    return {k: v for k, v in (headers or {}).items()
            if k not in ("Content-Length", "Transfer-Encoding")}


@pytest.mark.parametrize("name", sorted(ANSWERS))
async def test_an_answer_on_a_kept_alive_connection_reads_as_the_coroutine_path(setup, name):
    d, journal, server, clock = setup
    await _sent(d, clock, callback(server.port))  # opens the connection (a task)
    server.answers.append([ANSWERS[name]])
    server.close_after = name in CLOSING
    await _sent(d, clock, callback(server.port))  # on the kept-alive one: the direct path
    direct = journal.query(direction="out")[-1]
    server.answers.append([ANSWERS[name]])
    cb = callback(server.port)
    result = await d._send(cb, 1, {**cb.headers, "Content-Type": "application/json"},
                           cb.body.encode(), 5.0)
    assert (direct.attempt, direct.response.status, direct.response.body, direct.error) == \
        (1, result.status, result.body, result.error)
    assert _framing_free(direct.response.headers) == _framing_free(result.headers)
    assert server.requests[1] == server.requests[2]  # the same bytes either way


@pytest.mark.parametrize("answer,error", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "ClientPayloadError"),
    (b"NOT HTTP\r\n\r\n", "ClientResponseError"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "ClientResponseError"),
])
async def test_a_broken_answer_on_the_direct_path_is_a_failed_attempt_and_retried(setup, answer, error):
    d, journal, server, clock = setup
    await _sent(d, clock, callback(server.port))
    server.answers.append([answer])
    server.close_after = True
    told = []
    d.send(callback(server.port, call_id="c1", on_result=told.append))
    await clock.settle()
    server.close_after = False
    first = journal.query(direction="out")[-1]
    assert first.attempt == 1 and first.response.status is None and first.error.startswith(error)
    assert len(told) == 1 and not told[0].ok and told[0].final  # one attempt by RetryPolicy()
    # a policy with retries: the next attempt waits on the virtual clock, then goes
    server.answers.append([answer])
    server.close_after = True
    d.send(callback(server.port, call_id="c2", policy=FixedRetry(max_attempts=2, delay=10.0)))
    await clock.settle()
    server.close_after = False
    assert [e.attempt for e in journal.query(call_id="c2")] == [1]
    await clock.advance(10)
    entries = journal.query(call_id="c2")
    assert [(e.attempt, e.response.status) for e in entries] == [(1, None), (2, 200)]
    assert entries[1].sim_time == entries[0].sim_time + 10


async def test_a_kept_alive_connection_the_server_closed_is_tried_once_more(setup):
    d, journal, server, clock = setup
    await _sent(d, clock, callback(server.port, method="PUT"))
    server.answers.append([b""])  # closes without a word: nothing was received
    server.close_after = True
    await _sent(d, clock, callback(server.port, method="PUT", call_id="c1"))
    entries = journal.query(call_id="c1")
    assert [(e.attempt, e.response.status, e.error) for e in entries] == [(1, 200, None)]
    assert len(server.requests) == 3  # the first, the one the server dropped, once more
    server.close_after = False
    await _sent(d, clock, callback(server.port))  # a kept-alive connection again
    server.answers.append([b""])
    server.close_after = True
    await _sent(d, clock, callback(server.port, call_id="c2"))  # a POST: not tried again
    assert [(e.attempt, e.error) for e in journal.query(call_id="c2")] == \
        [(1, "ServerDisconnectedError: Server disconnected")]
    assert len(server.requests) == 5


async def test_callbacks_of_a_call_stay_in_order_on_the_direct_path(setup):
    d, journal, server, clock = setup
    for i in range(40):
        d.send(callback(server.port, call_id=f"call-{i % 5}", body=f'{{"n": {i}}}'))
    await clock.settle()
    assert d.outstanding() == 0 and d.pending() == 0
    for c in range(5):
        bodies = [e.request.body for e in journal.query(call_id=f"call-{c}")]
        assert bodies == [f'{{"n": {i}}}'.encode() for i in range(c, 40, 5)]
    assert len(server.requests) == 40


async def test_a_reset_abandons_a_request_on_its_way(setup):
    d, journal, server, clock = setup
    await _sent(d, clock, callback(server.port))
    server.answers.append([])  # this one is not answered
    d.send(callback(server.port, call_id="late"))
    for _ in range(50):
        await asyncio.sleep(0)
        if len(server.requests) == 2:
            break
    assert len(server.requests) == 2 and d.outstanding() == 1
    d.reset()
    assert d.outstanding() == 0
    await clock.settle()  # nothing in flight holds the clock
    assert journal.query(call_id="late") == []
    await _sent(d, clock, callback(server.port, call_id="after"))
    assert journal.query(call_id="after")[0].response.status == 200


async def test_an_answer_later_than_the_timeout_on_the_direct_path_is_a_timeout(setup):
    d, journal, server, clock = setup
    await _sent(d, clock, callback(server.port))
    server.answers.append([])  # never answered: the pool's one deadline timer fails it
    await _sent(d, clock, callback(server.port, call_id="slow", timeout=0.2))
    assert [(e.attempt, e.response.status, e.error) for e in journal.query(call_id="slow")] == \
        [(1, None, "timeout")]
    await _sent(d, clock, callback(server.port, call_id="next"))  # on a new connection
    assert journal.query(call_id="next")[0].response.status == 200
