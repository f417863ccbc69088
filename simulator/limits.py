"""Request bodies read under limits, once, before any handler runs.

:func:`read_body` streams the body off the connection and stops as soon as it passes the
provider's size limit, counted on the bytes as sent (``Content-Length`` is checked before a
byte is read) and again after ``Content-Encoding`` is undone (inflated step by step, never
more than :data:`INFLATE_STEP` bytes at once), within the body read timeout. The bytes it
keeps are what ``request.read()/text()/json()`` return afterwards; a body it refuses is
answered by a :class:`BodyRefused` (status and reason), which the caller renders in the
provider's own error format (see :func:`simulator.transport.error_response`).
"""
from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass

from aiohttp import hdrs, web

#: the statuses of a refused body (400 is left out: providers answer it for their own reasons)
REFUSAL_STATUSES = frozenset({408, 413, 415})
DEFAULT_MAX_BODY = 32 * 1024 ** 2  # the cap of every provider and the control API
INFLATE_STEP = 256 * 1024  # the most one decompression step may produce
MAX_GZIP_MEMBERS = 1024  # concatenated gzip members in one body
# what the core can undo (RFC 9110 8.4.1); anything else is 415
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def counted_first(value, limit: int, message: str, of: type = list):
    """``value`` as given, unless it is an ``of`` (a list, or dict) of more than ``limit``
    items: then ``ValueError(message)`` with ``{limit}`` and ``{n}`` filled in. For pydantic
    "before" validators, so that a body of 100,000 items is refused before any is validated."""
    if isinstance(value, of) and len(value) > limit:
        raise ValueError(message.format(limit=limit, n=len(value)))
    return value


class BodyRefused(Exception):
    """A request body that is not read: ``status`` 400 unreadable, 408 too slow, 413 too
    large, 415 unknown encoding; ``reason`` says why."""

    def __init__(self, status: int, reason: str):
        super().__init__(status, reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class BodyLimits:
    """How much of a request body is read, and how long its arrival may take."""

    max_size: int = DEFAULT_MAX_BODY  # bytes, as sent and as decoded
    timeout: float | None = 60.0  # seconds for the whole body once the headers are in


async def read_body(request: web.BaseRequest, limits: BodyLimits) -> bytes:
    """The decoded body of ``request`` (cached: later ``request.read()`` calls return it);
    raises :class:`BodyRefused`."""
    return await read_body_within(request, limits.max_size, limits.timeout)


async def read_body_within(request: web.BaseRequest, max_size: int, timeout: float | None) -> bytes:
    """:func:`read_body` without a :class:`BodyLimits` (the request path's form)."""
    cached = getattr(request, "_read_bytes", None)  # aiohttp's cache of read()
    if cached is not None:
        return cached
    if not request.can_read_body:
        body = b""
    else:
        body = received_body(request, max_size)
        if body is not None:
            return body
        length = request.content_length
        if length is not None and length > max_size:
            raise BodyRefused(413, _too_large(max_size))
        content = request.content
        try:
            decoder = _decoder(request)
            if timeout is None or content.is_eof():  # nothing to wait for
                body = await _read(request, max_size, decoder)
            else:
                async with asyncio.timeout(timeout):
                    body = await _read(request, max_size, decoder)
        except TimeoutError:
            raise BodyRefused(408, f"the request body did not arrive within {timeout:g} s") from None
        except (BodyRefused, ConnectionError, asyncio.CancelledError):
            raise
        except (web.HTTPException, zlib.error) as exc:
            raise BodyRefused(400, f"the request body cannot be read: {_first_line(exc)}") from None
        except Exception as exc:  # aiohttp's payload errors (broken chunking, a reset stream)
            raise BodyRefused(400, f"the request body cannot be read: {_first_line(exc)}") from None
    request._read_bytes = body  # aiohttp's cache of read(); text()/json() read from it
    return body


def received_body(request: web.BaseRequest, max_size: int) -> bytes | None:
    """The body of ``request`` when the whole of it came with the head and carries no
    ``Content-Encoding`` (most requests): its bytes as they are, without a read loop's awaits
    and copies, and without a coroutine (the request path calls this first). None when it is
    still arriving or encoded: :func:`read_body_within` reads it. Raises
    :class:`BodyRefused` as that does (413 over ``max_size``, 400 for a broken stream)."""
    content = request.content
    if not content.is_eof() or hdrs.CONTENT_ENCODING in request.headers:
        return None
    try:
        body = content.read_nowait()
    except (ConnectionError, asyncio.CancelledError):
        raise
    except Exception as exc:  # aiohttp's payload errors (a reset stream)
        raise BodyRefused(400, f"the request body cannot be read: {_first_line(exc)}") from None
    if len(body) > max_size:
        raise BodyRefused(413, _too_large(max_size))
    request._read_bytes = body  # aiohttp's cache of read(); text()/json() read from it
    return body


async def _read(request: web.BaseRequest, limit: int, decoder) -> bytes:
    body = bytearray()
    sent = 0
    content = request.content
    while True:
        chunk = await content.readany()
        if not chunk:
            break
        sent += len(chunk)
        if sent > limit:
            raise BodyRefused(413, _too_large(limit))
        if decoder is None:
            body += chunk
        else:
            _inflate(decoder, chunk, body, limit)
        if len(body) > limit:
            raise BodyRefused(413, _too_large(limit))
    if decoder is not None:
        if not decoder.eof:
            raise BodyRefused(400, "the request body cannot be read: truncated compressed data")
        body += decoder.flush()
    return bytes(body)


def _inflate(decoder, chunk: bytes, body: bytearray, limit: int) -> None:
    """Inflate ``chunk`` into ``body`` in bounded steps, stopping past ``limit``."""
    data = chunk
    while True:
        out = decoder.decompress(data, INFLATE_STEP)
        body += out
        if len(body) > limit or decoder.eof:
            return
        data = decoder.unconsumed_tail
        if not data and len(out) < INFLATE_STEP:
            return  # all input used and no output pending


def _decoder(request: web.BaseRequest):
    """A decompressor for the body's Content-Encoding, or None when the bytes are the body
    (no encoding, ``identity``, or a server that already decoded them)."""
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if not encoding or encoding == "identity":
        return None
    if not getattr(request.protocol, "raw_bodies", False):
        return None  # aiohttp's own runner inflated it already
    wbits = _WBITS.get(encoding)
    if wbits is None:
        raise BodyRefused(415, f"Content-Encoding {encoding!r} is not supported (gzip, deflate)")
    return _Deflate() if encoding == "deflate" else _Gzip()


class _Gzip:
    """gzip / x-gzip with every member decoded, as ``gzip -d`` does (RFC 1952 2.2: a file is
    a series of members; clients that compress in pieces send several). At most
    :data:`MAX_GZIP_MEMBERS`: each costs a decompressor, and 32 MiB of empty ones would hold
    the loop for seconds."""

    def __init__(self) -> None:
        self._obj = zlib.decompressobj(_WBITS["gzip"])
        self.members = 1

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._obj.eof:
            if not data:
                return b""
            self.members += 1
            if self.members > MAX_GZIP_MEMBERS:
                raise BodyRefused(400, f"the request body has more than {MAX_GZIP_MEMBERS} gzip members")
            self._obj = zlib.decompressobj(_WBITS["gzip"])
        return self._obj.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        # past a member's end the rest of the input is the next member's start
        return self._obj.unused_data if self._obj.eof else self._obj.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._obj.eof and not self._obj.unused_data

    def flush(self) -> bytes:
        return self._obj.flush()


class _Deflate:
    """``deflate`` as RFC 9110 says (zlib-wrapped) or as some clients send it (raw)."""

    def __init__(self) -> None:
        self._obj = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._obj is None:
            if not data:
                return b""
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if data[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        return self._obj.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail if self._obj is not None else b""

    @property
    def eof(self) -> bool:
        return self._obj is not None and self._obj.eof

    def flush(self) -> bytes:
        return self._obj.flush() if self._obj is not None else b""


def _too_large(limit: int) -> str:
    return f"the request body is larger than {limit} bytes"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc or type(exc).__name__)
    return text.split("\n", 1)[0].rstrip(": ")[:200]
