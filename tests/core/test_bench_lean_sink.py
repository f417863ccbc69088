"""The bench's lean receiver (``bench/servers.py sink --lean``): requests however the bytes
are split, pipelined, framed by Content-Length, keep-alive and close as HTTP/1.1 says, and
bad ones refused with a status and the connection closed."""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.servers import _LeanConnection  # noqa: E402

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


class _Transport:
    def __init__(self) -> None:
        self.out = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.out += data

    def close(self) -> None:
        self.closed = True


def _feed(chunks: list[bytes]) -> tuple[int, _Transport]:
    counter = [0]
    conn = _LeanConnection(counter)
    transport = _Transport()
    conn.connection_made(transport)
    for chunk in chunks:
        if transport.closed:
            break
        conn.data_received(chunk)
    return counter[0], transport


def _request(body: bytes, extra: str = "") -> bytes:
    return (f"POST /hook HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Type: application/json\r\n"
            f"{extra}Content-Length: {len(body)}\r\n\r\n").encode() + body


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, last = [], 0
    for p in points + [len(data)]:
        out.append(data[last:p])
        last = p
    return [c for c in out if c]


@settings(max_examples=200, deadline=None)
@given(bodies=st.lists(st.binary(max_size=300), min_size=1, max_size=6),
       cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_pipelined_requests_split_anywhere_are_each_answered(bodies, cuts):
    data = b"".join(_request(b) for b in bodies)
    count, transport = _feed(_split(data, cuts))
    assert count == len(bodies)
    assert bytes(transport.out) == OK * len(bodies)
    assert not transport.closed


def test_a_body_still_on_its_way_is_waited_for():
    data = _request(b'{"event": "CALL_RECEIVED"}')
    count, transport = _feed([data[:-5]])
    assert count == 0 and transport.out == b""
    count, transport = _feed([data[:-5], data[-5:]])
    assert count == 1


def test_connection_close_and_http10_end_the_connection_after_the_answer():
    count, transport = _feed([_request(b"{}", "Connection: close\r\n") + _request(b"{}")])
    assert count == 1 and transport.closed
    assert transport.out.endswith(b"Connection: close\r\n\r\n")
    count, transport = _feed([b"GET / HTTP/1.0\r\nHost: x\r\n\r\n"])
    assert count == 1 and transport.closed
    count, transport = _feed([b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2])
    assert count == 2 and not transport.closed


@given(st.sampled_from([
    b"NONSENSE\r\n\r\n",
    b"POST /hook HTTP/2.0\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /hook HTTP/1.1\r\n no-colon\r\n\r\n",
    b"POST /hook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
]))
def test_a_malformed_request_is_refused_and_the_connection_closed(data):
    count, transport = _feed([data])
    assert count == 0 and transport.closed
    assert transport.out.startswith(b"HTTP/1.1 4") or transport.out.startswith(b"HTTP/1.1 5")


def test_a_head_without_end_beyond_the_limit_is_refused():
    count, transport = _feed([b"POST /hook HTTP/1.1\r\nX: " + b"a" * (70 * 1024)])
    assert count == 0 and transport.closed and transport.out.startswith(b"HTTP/1.1 431")
