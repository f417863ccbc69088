"""A lean HTTP/1.1 client for callbacks to plain ``http://`` targets.

aiohttp's client costs about a third of a call lifecycle's CPU (request and response
objects, timers, tracing hooks, the connector's bookkeeping). Callbacks need far less: one
request at a time per keep-alive connection, a small body out and a small answer back. This
client writes the request aiohttp would write (the same headers in the same order, the same
``User-Agent``) and reads the answer with the framing HTTP/1.1 allows (Content-Length,
chunked, or up to the close), decompressing gzip and deflate as aiohttp does.

The deliverer uses it only where it gives the same result as aiohttp: anything else (https,
credentials in the URL, a GET with a body, framing headers set by the caller, a connection
that cannot be opened) goes through aiohttp, so errors read the same in the journal.
"""
from __future__ import annotations

import asyncio
import sys
import zlib  # its error, from framing.decompress
from typing import Any

import aiohttp
from yarl import URL

from .deadlines import Deadlines
from .framing import ResponseError, decompress as _decompress, dechunk as _dechunk, read_head as _read_head

USER_AGENT = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp/{aiohttp.__version__}"
MAX_HEAD = 64 * 1024  # aiohttp's own limit is 8 KiB per line and 32 KiB of headers
MAX_BODY = 32 * 1024 * 1024
IDLE_PER_TARGET = 64  # the most callbacks.connections allows in flight per target
_DEFAULTS = (("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate"), ("User-Agent", USER_AGENT))
#: headers this client must write itself; a caller setting one goes through aiohttp
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection", "cookie", "expect"})
_NO_BODY_STATUS = frozenset({204, 304})


class Disconnected(Exception):
    """The server closed the connection before the answer was complete."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body


#: (method, url, headers, params, has body) -> what _head made of them; a provider sends a
#: target the same headers every time, so the head is built once per target, not per callback
_HEADS: dict[tuple, tuple[tuple[str, int], bytes, bytes] | None] = {}
_HEADS_MAX = 1024
#: an answer's head -> _read_head of it: an application answers every callback alike (the
#: Date header changes once a second), so a head is parsed once, not per callback
_HEADS_READ: dict[bytes, tuple[int, dict[str, str], bool, bool, int | None, str]] = {}


def prepare(method: str, url: str, headers: dict[str, str], body: bytes | None,
            params: dict[str, str] | None) -> tuple[tuple[str, int], bytes] | None:
    """The target and the request bytes, or None when aiohttp must send this one."""
    head = head_of(method, url, headers, body is not None, params)
    if head is None:
        return None
    return head[0], request_bytes(head, body)


def request_bytes(head: tuple[tuple[str, int], bytes, bytes], body: bytes | None) -> bytes:
    """The request of ``head`` (what ``head_of`` made) with ``body``."""
    if body is None:
        return head[1]
    return b"".join((head[1], str(len(body)).encode(), head[2], body))


def head_of(method: str, url: str, headers: dict[str, str], has_body: bool,
            params: dict[str, str] | None) -> tuple[tuple[str, int], bytes, bytes] | None:
    """The target and the request's head around its Content-Length value, or None when
    aiohttp must send this one; kept per (method, URL, headers, params, body or none)."""
    try:
        key = (method, url, tuple(headers.items()), tuple(params.items()) if params else None,
               not has_body)
        head = _HEADS.get(key)
    except TypeError:  # a header value that is not hashable: build it every time
        key, head = None, None
    if head is None and (key is None or key not in _HEADS):
        head = _head(method, url, headers, has_body, params)
        if key is not None:
            if len(_HEADS) >= _HEADS_MAX:
                _HEADS.clear()
            _HEADS[key] = head
    return head


def _head(method: str, url: str, headers: dict[str, str], has_body: bool,
          params: dict[str, str] | None) -> tuple[tuple[str, int], bytes, bytes] | None:
    """The target, the head up to the Content-Length value and what follows the value (the
    whole head and b"" without a body), or None when aiohttp must send this one."""
    try:
        u = URL(url)
    except (ValueError, TypeError):
        return None
    if u.scheme != "http" or not u.host or u.user is not None or u.password is not None:
        return None
    if (not has_body) != (method in ("GET", "HEAD")):
        return None
    lower = {k.lower() for k in headers}
    if lower & _FRAMING or "host" in lower:
        return None
    if params:
        u = u.extend_query(params)
    path_qs = u.raw_path_qs or "/"
    lines = [f"{method} {path_qs} HTTP/1.1", f"Host: {u.host_port_subcomponent}"]
    lines.extend(f"{k}: {v}" for k, v in headers.items())
    lines.extend(f"{k}: {v}" for k, v in _DEFAULTS if k.lower() not in lower)
    for line in lines:
        if "\r" in line or "\n" in line:
            return None  # aiohttp refuses these with its own error
    target = (u.raw_host or u.host, u.port or 80)
    if not has_body:
        return target, ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"), b""
    lines.append("Content-Length: ")
    suffix = "\r\n" if "content-type" in lower else "\r\nContent-Type: application/octet-stream\r\n"
    return target, "\r\n".join(lines).encode("utf-8"), (suffix + "\r\n").encode()


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False
        self._buf = bytearray()
        self._waiter: asyncio.Future | None = None
        self._method = "GET"
        self._received = False

    # ---------------------------------------------------------- protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if not self._buf:
            # the common case: a whole answer in one read, framed by Content-Length, its head
            # parsed before; no copy into the buffer
            end = data.find(b"\r\n\r\n")
            parsed = _HEADS_READ.get(data[:end]) if end > 0 else None
            if parsed is not None:
                status, first, keep, chunked, length, encoding = parsed
                if (length is not None and length == len(data) - end - 4 and not chunked
                        and not encoding and status >= 200 and status not in _NO_BODY_STATUS
                        and self._method != "HEAD"):
                    self._received = True
                    if not keep:
                        self.close()
                    self._finish(Response(status, dict(first), data[end + 4:]))
                    return
        self._buf += data
        self._received = True
        if len(self._buf) > MAX_HEAD + MAX_BODY:
            self._finish(ResponseError("the answer is larger than 32 MiB"))
            return
        self._try_parse()

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            if not self._try_parse(eof=True):
                self._finish(Disconnected(self._received))

    # ---------------------------------------------------------- request
    def start(self, method: str, data: bytes) -> asyncio.Future:
        """Write the request; the future is the Response (or the error reading it)."""
        waiter = asyncio.get_running_loop().create_future()
        self.send(method, data, waiter)
        return waiter

    def send(self, method: str, data: bytes, waiter: Any) -> None:
        """Write the request; ``waiter`` (a future, or anything with its ``done``,
        ``set_result`` and ``set_exception``) gets the Response or the error reading it, called
        from ``data_received`` itself: no loop turn between the answer and what it starts."""
        assert self.transport is not None
        self._method = method
        self._buf.clear()
        self._received = False
        self._waiter = waiter
        self.transport.write(data)

    async def exchange(self, method: str, data: bytes) -> Response:
        try:
            return await self.start(method, data)
        finally:
            self._waiter = None

    def time_out(self) -> None:
        """The answer took longer than the attempt may wait: the connection is given up."""
        self._finish(TimeoutError())

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _finish(self, result: Any) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if isinstance(result, BaseException):
            self.close()
            waiter.set_exception(result)
        else:
            waiter.set_result(result)

    def _try_parse(self, eof: bool = False) -> bool:
        """Complete the waiter once the buffer holds a whole answer; True if it did."""
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > MAX_HEAD:
                    self._finish(ResponseError("the answer's headers are too large"))
                    return True
                return False
            head = bytes(buf[:end])
            parsed = _HEADS_READ.get(head)
            if parsed is None:
                try:
                    parsed = _read_head(head.decode("utf-8", "surrogateescape"))
                except ResponseError as exc:
                    self._finish(exc)
                    return True
                if len(head) <= 1024:
                    if len(_HEADS_READ) >= _HEADS_MAX:
                        _HEADS_READ.clear()
                    _HEADS_READ[head] = parsed
            status, first, keep, chunked, length, encoding = parsed
            if 100 <= status < 200:
                del buf[:end + 4]  # 100 Continue and friends: the answer follows
                continue
            break
        start = end + 4
        if self._method == "HEAD" or status in _NO_BODY_STATUS:
            body, rest = b"", start
        elif chunked:
            got = _dechunk(buf, start)
            if got is None:
                if eof:
                    self._finish(Disconnected(True))
                    return True
                return False
            if isinstance(got, ResponseError):
                self._finish(got)
                return True
            body, rest = got
        elif length is not None:
            if length < 0:
                self._finish(ResponseError("invalid Content-Length"))
                return True
            if len(buf) - start < length:
                if eof:
                    self._finish(Disconnected(True))
                    return True
                return False
            rest = start + length
            body = bytes(buf[start:rest])
        else:
            if not eof:
                return False  # the answer runs to the close
            body, rest, keep = bytes(buf[start:]), len(buf), False
        if encoding and body:
            try:
                body = _decompress(body, encoding)
            except zlib.error as exc:
                self._finish(ResponseError(f"can not decode content-encoding: {encoding} ({exc})"))
                return True
        if rest == len(buf):
            buf.clear()
        else:
            del buf[:rest]
        if not keep or buf:
            self.close()  # asked to close, or bytes nobody asked for: not reusable
        self._finish(Response(status, dict(first), body))  # a copy: the parse is shared
        return True


class Pool:
    """Idle keep-alive connections per (host, port)."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[_Connection]] = {}
        self.deadlines = Deadlines()

    def idle(self, target: tuple[str, int]) -> _Connection | None:
        """An idle connection to ``target``, if one is left open."""
        idle = self._idle.get(target)
        while idle:
            conn = idle.pop()
            if not conn.closed:
                conn.reused = True
                return conn
        return None

    async def open(self, target: tuple[str, int]) -> _Connection:
        """An idle connection to ``target`` or a new one (OSError when it cannot be opened)."""
        conn = self.idle(target)
        if conn is not None:
            return conn
        _, conn = await asyncio.get_running_loop().create_connection(_Connection, *target)
        return conn

    def release(self, target: tuple[str, int], conn: _Connection) -> None:
        if conn.closed:
            return
        idle = self._idle.setdefault(target, [])
        if len(idle) >= IDLE_PER_TARGET:
            conn.close()
        else:
            idle.append(conn)

    def close(self) -> None:
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
        self.deadlines.close()
