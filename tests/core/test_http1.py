"""The lean callback client (simulator/delivery/http1.py) sends what aiohttp's client sends
and reads every answer as aiohttp reads it: both paths of the deliverer side by side against
a raw server that records the request bytes and answers with scripted bytes."""
import asyncio
import gzip
import zlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.delivery import Callback, Deliverer, http1
from simulator.delivery.policy import RetryPolicy
from simulator.engine.clock import VirtualClock
from simulator.journal import Journal

pytestmark = pytest.mark.telsim_no_contract


class RawServer:
    """Answers each request on a connection with the next scripted answer, written in the
    pieces given; records the request bytes."""

    def __init__(self):
        self.requests: list[bytes] = []
        self.answers: list[list[bytes]] = []
        self.close_after = False

    async def start(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length) if length else b""
                self.requests.append(head + body)
                for piece in self.answers.pop(0) if self.answers else [OK]:
                    writer.write(piece)
                    await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
GZ = gzip.compress("ответ".encode())
ANSWERS = {
    "length": OK,
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n"
               b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n",
    "gzip": b"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nContent-Length: "
            + str(len(GZ)).encode() + b"\r\n\r\n" + GZ,
    "deflate": b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: "
               + str(len(zlib.compress(b"x" * 50))).encode() + b"\r\n\r\n" + zlib.compress(b"x" * 50),
    "continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n"
                b"Content-Length: 4\r\nContent-Type: text/plain\r\n\r\nfail",
    "no-content": b"HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n",
    "to-close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
    "http10": b"HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nnop",
    "empty-header": b"HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n",
}
CLOSING = {"to-close", "http10"}


def callback(port, **kw):
    kw.setdefault("body", '{"event": "тест"}')
    kw.setdefault("headers", {"X-AUTH-TOKEN": "t"})
    return Callback(provider="mtt-telecom", url=f"http://127.0.0.1:{port}/hook?q=1", kind="EVT",
                    policy=RetryPolicy(), **kw)


async def both(deliverer, server, cb, answer=None, pieces=None):
    """(lean result, aiohttp result, lean request bytes, aiohttp request bytes)."""
    out = []
    for path in ("lean", "aiohttp"):
        if answer is not None:
            server.answers.append(pieces or [answer])
        before = len(server.requests)
        body = cb.body.encode() if isinstance(cb.body, str) else cb.body
        headers = dict(cb.headers)
        if cb.content_type and body is not None:
            headers.setdefault("Content-Type", cb.content_type)
        if cb.auth:
            headers.setdefault("Authorization", "Basic " + __import__("base64").b64encode(
                f"{cb.auth[0]}:{cb.auth[1]}".encode()).decode())
        if path == "lean":
            assert http1.prepare(cb.method, cb.url, headers, body, cb.params) is not None
        result = await deliverer._send(cb, 1, headers, body, 5.0, lean=path == "lean")
        out.append((result, server.requests[before] if len(server.requests) > before else None))
    (lean, lean_req), (aio, aio_req) = out
    return lean, aio, lean_req, aio_req


def same(lean, aio):
    assert (lean.ok, lean.status, lean.body, lean.error) == (aio.ok, aio.status, aio.body, aio.error)
    drop = {"Content-Length", "Transfer-Encoding"}  # aiohttp's are of the raw bytes too
    assert {k: v for k, v in lean.headers.items() if k not in drop} == \
        {k: v for k, v in aio.headers.items() if k not in drop}


@pytest.fixture
async def deliverer():
    """The deliverer alone (no Simulator to build): a manual clock and a journal of its own."""
    clock = VirtualClock(1_700_000_000.0, "manual")
    d = Deliverer(clock, Journal(clock.now), lambda: [], lambda: 5.0)
    yield d
    await d.stop()


@pytest.fixture
async def raw():
    server = await RawServer().start()
    yield server
    await server.stop()


@pytest.mark.parametrize("kw", [
    {},
    {"content_type": None, "body": b"raw"},
    {"method": "GET", "body": None, "content_type": None, "params": {"a": "б c", "x": "1"}},
    {"auth": ("user", "пароль"), "headers": {"accept": "text/plain", "Content-Type": "text/xml"}},
    {"method": "PUT", "body": b""},
])
async def test_the_request_bytes_are_aiohttps(deliverer, raw, kw):
    lean, aio, lean_req, aio_req = await both(deliverer, raw, callback(raw.port, **kw))
    same(lean, aio)
    assert lean_req == aio_req


@pytest.mark.parametrize("name", sorted(ANSWERS))
async def test_every_framing_reads_as_aiohttp_reads_it(deliverer, raw, name):
    raw.close_after = name in CLOSING
    lean, aio, _, _ = await both(deliverer, raw, callback(raw.port), ANSWERS[name])
    same(lean, aio)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(ANSWERS)), cuts=st.lists(st.integers(0, 400), max_size=6))
async def test_an_answer_in_any_pieces_reads_the_same(deliverer, raw, name, cuts):
    whole = ANSWERS[name]
    points = sorted({c % (len(whole) + 1) for c in cuts} | {0, len(whole)})
    pieces = [whole[a:b] for a, b in zip(points, points[1:]) if b > a]
    raw.close_after = name in CLOSING
    lean, aio, _, _ = await both(deliverer, raw, callback(raw.port), whole, pieces)
    same(lean, aio)


@pytest.mark.parametrize("answer,error", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "ClientPayloadError"),
    (b"", "ServerDisconnectedError"),
    (b"NOT HTTP\r\n\r\n", "ClientResponseError"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "ClientResponseError"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", "ClientResponseError"),
])
async def test_broken_answers_are_failed_attempts_named_as_aiohttp_names_them(deliverer, raw, answer, error):
    raw.close_after = True
    lean, aio, _, _ = await both(deliverer, raw, callback(raw.port), answer)
    assert not lean.ok and lean.status is None and lean.error.startswith(error)
    assert not aio.ok and aio.status is None
    assert aio.error.split(":")[0] == error or error == "ClientResponseError" and aio.error.startswith("ClientPayloadError")


async def test_connections_are_kept_alive_and_reused(deliverer, raw):
    d = deliverer
    for _ in range(5):
        result = await d._lean(callback(raw.port), 1, {"X-AUTH-TOKEN": "t"}, b"{}", 5.0)
        assert result.ok
    assert len(raw.requests) == 5
    idle = d._pool._idle[("127.0.0.1", raw.port)]
    assert len(idle) == 1 and idle[0].reused


async def test_a_closed_target_falls_back_to_aiohttps_wording(deliverer, raw):
    port = raw.port
    await raw.stop()
    d = deliverer
    assert await d._lean(callback(port), 1, {}, b"{}", 5.0) is None  # aiohttp tries and words it
    result = await d.request(callback(port))
    assert not result.ok and result.error.startswith("ClientConnectorError: Cannot connect to host")


@pytest.mark.parametrize("kw", [
    {"headers": {"Content-Length": "3"}},
    {"headers": {"Host": "crm.example"}},
    {"method": "GET", "body": b"x"},
    {"headers": {"X-Bad": "a\r\nInjected: 1"}},
])
def test_what_the_lean_client_leaves_to_aiohttp(kw):
    cb = callback(1, **kw)
    body = cb.body.encode() if isinstance(cb.body, str) else cb.body
    assert http1.prepare(cb.method, cb.url, cb.headers, body, cb.params) is None
    assert http1.prepare("POST", "https://127.0.0.1/x", {}, b"", None) is None
    assert http1.prepare("POST", "http://u:p@127.0.0.1/x", {}, b"", None) is None


class _Waiting:
    """A connection as Deadlines sees it: ``time_out`` fails the answer awaited on it."""

    def __init__(self, waiter=None):
        self.waiter = waiter
        self.timed_out = 0

    def time_out(self):
        self.timed_out += 1
        self.waiter.set_exception(TimeoutError())


async def test_a_deadline_times_out_only_the_answer_still_awaited():
    loop = asyncio.get_running_loop()
    deadlines = http1.Deadlines()
    slow, fast, later = (_Waiting(loop.create_future()) for _ in range(3))
    deadlines.watch(loop, loop.time() - 1, fast, fast.waiter)
    fast.waiter.set_result("answered")
    deadlines.watch(loop, loop.time() - 1, slow, slow.waiter)
    deadlines.watch(loop, loop.time() + 3600, later, later.waiter)
    for _ in range(3):
        await asyncio.sleep(0)  # the loop timer at the earliest deadline fires
    with pytest.raises(TimeoutError):
        slow.waiter.result()
    assert (slow.timed_out, fast.timed_out, later.timed_out) == (1, 0, 0)
    assert not later.waiter.done()
    deadlines.close()


async def test_answered_deadlines_do_not_pile_up_behind_one_still_awaited():
    loop = asyncio.get_running_loop()
    deadlines = http1.Deadlines()
    stuck = _Waiting(loop.create_future())
    deadlines.watch(loop, loop.time() + 3600, stuck, stuck.waiter)
    for _ in range(5000):
        done = loop.create_future()
        deadlines.watch(loop, loop.time() + 3600, _Waiting(done), done)
        done.set_result(None)
    assert len(deadlines._heap) <= 300
    deadlines.close()


async def test_a_request_head_is_built_once_and_reads_the_same(raw):
    http1._HEADS.clear()
    cb = callback(raw.port, body=b'{"n": 1}')
    first = http1.prepare(cb.method, cb.url, {"X-AUTH-TOKEN": "t"}, b'{"n": 1}', None)
    again = http1.prepare(cb.method, cb.url, {"X-AUTH-TOKEN": "t"}, b'{"n": 22}', None)
    assert len(http1._HEADS) == 1
    assert first[1].replace(b"Content-Length: 8", b"Content-Length: 9").replace(b'{"n": 1}', b'{"n": 22}') \
        == again[1]
