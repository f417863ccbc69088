"""Request bodies under limits (simulator/limits.py): enforced while streaming, as sent and
as decoded, answered in each provider's format, with memory that stays flat."""
from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings, strategies as st

from simulator.limits import BodyLimits, BodyRefused, read_body

PROVIDERS = ["mts-vpbx", "beeline-cloudcc", "mts-autosecretary", "mtt-business", "mtt-telecom"]
MiB = 1024 ** 2
_BOMBS: dict[int, bytes] = {}


def gzip_bomb(mib: int) -> bytes:
    """gzip of ``mib`` MiB of zeros (about 1 KiB per MiB), made from one flushed block
    repeated: compressing 200 MiB at once would take seconds. It has no trailer: nothing
    reads that far."""
    if mib not in _BOMBS:
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(MiB)
        first = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
        _BOMBS[mib] = first + block * (mib - 1)
    return _BOMBS[mib]


def shape(content_type: str, body: bytes):
    kind = content_type.split(";")[0]
    if kind == "application/json":
        return kind, sorted(json.loads(body))
    return kind, body.split(b">", 1)[0].split(b" ")[0]


async def native_404(simulator, slug: str):
    async with simulator.request("GET", f"/{slug}/api/no-such-thing") as resp:
        return shape(resp.headers["Content-Type"], await resp.read())


async def post(simulator, path: str, data, headers=None):
    async with simulator.request("POST", path, data=data, headers=headers or {}) as resp:
        return resp.status, resp.headers["Content-Type"], await resp.read()


# ---------------------------------------------------------------- over HTTP
async def test_a_gzip_bomb_is_refused_at_the_limit_with_flat_memory(simulator):
    bomb = gzip_bomb(200)  # ~200 KB that inflate to 200 MiB
    assert len(bomb) < 300_000
    tracemalloc.start()
    try:
        status, ctype, body = await post(simulator, "/mts-vpbx/api/abonents", bomb,
                                         {"Content-Encoding": "gzip", "Content-Type": "application/json"})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413 and json.loads(body)["status"] == 413
    assert peak < 32 * MiB + 8 * MiB  # the default 32 MiB limit, not the 200 MiB


async def test_eight_bombs_at_once_stay_within_eight_limits(simulator):
    simulator.sim.settings.max_body_size = MiB
    bomb = gzip_bomb(64)
    tracemalloc.start()
    try:
        answers = await asyncio.gather(*(
            post(simulator, "/mtt-business/externalNumbersInfo", bomb, {"Content-Encoding": "gzip"})
            for _ in range(8)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {status for status, _, _ in answers} == {413}
    assert peak < 8 * 2 * MiB + 4 * MiB


@pytest.mark.parametrize("slug", PROVIDERS)
async def test_a_body_over_the_limit_is_refused_in_the_providers_format(simulator, slug):
    simulator.sim.settings.max_body_size = 64 * 1024
    status, ctype, body = await post(simulator, f"/{slug}/api/x", b"x" * (64 * 1024 + 1))
    assert status == 413 and shape(ctype, body) == await native_404(simulator, slug)
    [entry] = [e for e in simulator.journal(provider=slug) if e["status"] == 413]
    assert entry["request_body"] in ("", None)  # what was refused is not kept


async def test_beeline_answers_413_1(simulator):
    simulator.sim.settings.max_body_size = 1024
    status, _, body = await post(simulator, "/beeline-cloudcc/api/request", b"x" * 2048,
                                 {"Content-Type": "multipart/form-data; boundary=b"})
    assert status == 413 and json.loads(body)["ERR_CODE"] == "413.1"
    assert json.loads(body)["ERR_DESCRIPTION"] == "Data size too big"


async def test_a_chunked_body_is_counted_while_it_streams(simulator):
    simulator.sim.settings.max_body_size = MiB
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(64):  # 4 MiB in 64 KiB chunks, no Content-Length
            sent += 65536
            yield b"y" * 65536

    status, ctype, body = await post(simulator, "/mts-autosecretary/api/x", chunks())
    assert status == 413 and ctype.startswith("application/json")


async def test_the_control_api_answers_its_json(simulator):
    simulator.sim.settings.max_body_size = 100
    status, ctype, body = await post(simulator, "/_sim/clock", b"{" + b" " * 200 + b"}",
                                     {"Content-Type": "application/json"})
    assert status == 413 and set(json.loads(body)) == {"error"}
    status, _, body = await post(simulator, "/_sim/clock", gzip_bomb(1), {"Content-Encoding": "gzip"})
    assert status == 413


@pytest.mark.parametrize("encoding,encode", [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some clients send it
    ("identity", lambda data: data),
], ids=["gzip", "x-gzip", "deflate", "raw-deflate", "identity"])
async def test_compressed_bodies_within_the_limit_are_decoded(simulator, encoding, encode):
    raw = json.dumps({"advance": 5}).encode()
    status, _, body = await post(simulator, "/_sim/clock", encode(raw),
                                 {"Content-Encoding": encoding, "Content-Type": "application/json"})
    assert status == 200 and json.loads(body)["now"]


async def test_vpbx_reads_a_gzip_body_like_any_other(simulator):
    key = "215ef687-e898-419d-810c-2864efc0b1d0"
    body = json.dumps({"callbackUrl": "http://127.0.0.1:9/x"}).encode()
    async with simulator.request("POST", "/mts-vpbx/api/service/webhook", data=gzip.compress(body),
                                 headers={"X-AUTH-TOKEN": key, "Content-Type": "application/json",
                                          "Content-Encoding": "gzip"}) as resp:
        plain = resp.status
    assert plain != 413 and plain < 500
    assert simulator.journal(provider="mts-vpbx")[-1]["request_body"] == body.decode()


@pytest.mark.parametrize("encoding,data,status", [
    ("br", b"\x0b\x02\x80hi\x03", 415),
    ("gzip, gzip", gzip.compress(gzip.compress(b"{}", mtime=0), mtime=0), 415),
    ("gzip", b"not gzip at all", 400),
    ("gzip", gzip.compress(b'{"advance": 1}', mtime=0)[:-12], 400),  # truncated
], ids=["br", "stacked", "not-gzip", "truncated"])
async def test_undecodable_bodies_are_refused(simulator, encoding, data, status):
    got, ctype, body = await post(simulator, "/mtt-telecom/api/x", data, {"Content-Encoding": encoding})
    assert got == status and json.loads(body)["status"] == status


# ------------------------------------------------------------- read_body itself
class _Content:
    def __init__(self, chunks: list[bytes]):
        self.chunks = list(chunks)

    async def readany(self) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""

    def is_eof(self) -> bool:
        return False  # as if still arriving: the read loop (the received body: below)


class _Protocol:
    raw_bodies = True


class _Request:
    """What read_body reads of an aiohttp request."""

    def __init__(self, chunks: list[bytes], headers: dict[str, str], length: int | None = None):
        self.content = _Content(chunks)
        self.headers = headers
        self.content_length = length
        self.can_read_body = True
        self.protocol = _Protocol()
        self._read_bytes = None


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:])]


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=4000), st.lists(st.integers(0, 4000), max_size=6),
       st.sampled_from(["", "gzip", "deflate"]), st.integers(1, 5000))
def test_read_body_decodes_any_chunking_and_keeps_the_limit(data, cuts, encoding, limit):
    sent = {"": data, "gzip": gzip.compress(data), "deflate": zlib.compress(data)}[encoding]
    request = _Request(_split(sent, cuts), {"Content-Encoding": encoding} if encoding else {})
    try:
        body = asyncio.run(read_body(request, BodyLimits(limit, None)))
    except BodyRefused as refused:
        assert refused.status == 413 and (len(data) > limit or len(sent) > limit)
    else:
        assert body == data and len(data) <= limit and len(sent) <= limit
        assert request._read_bytes == data


@settings(max_examples=20, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["gzip", "deflate", "x-gzip"]))
def test_read_body_never_raises_anything_but_a_refusal(garbage, encoding):
    request = _Request([garbage], {"Content-Encoding": encoding})
    try:
        asyncio.run(read_body(request, BodyLimits(10_000, None)))
    except BodyRefused as refused:
        assert refused.status in (400, 413)


def _received(chunks: list[bytes]):
    """An aiohttp StreamReader holding a whole body, as the parser leaves it."""
    from unittest import mock

    from aiohttp.streams import StreamReader

    protocol = mock.Mock(_reading_paused=False)
    reader = StreamReader(protocol, 2 ** 16, loop=mock.Mock())
    for chunk in chunks:
        reader.feed_data(chunk)
    reader.feed_eof()
    return reader


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=4000), st.lists(st.integers(0, 4000), max_size=6), st.integers(1, 5000))
def test_a_body_already_received_is_read_as_sent_under_the_limit(data, cuts, limit):
    request = _Request([], {})
    request.content = _received(_split(data, cuts))
    try:
        body = asyncio.run(read_body(request, BodyLimits(limit, None)))
    except BodyRefused as refused:
        assert refused.status == 413 and len(data) > limit
    else:
        assert body == data and type(body) is bytes and len(data) <= limit
        assert request._read_bytes == data


def test_a_received_body_with_an_encoding_is_still_decoded():
    data = b'{"advance": 1}' * 50
    request = _Request([], {"Content-Encoding": "gzip"})
    request.content = _received([gzip.compress(data)])
    assert asyncio.run(read_body(request, BodyLimits(10_000, 5.0))) == data


def test_content_length_over_the_limit_is_refused_before_reading():
    request = _Request([b"never read"], {}, length=10 ** 9)
    with pytest.raises(BodyRefused) as refused:
        asyncio.run(read_body(request, BodyLimits(1000, None)))
    assert refused.value.status == 413 and request.content.chunks == [b"never read"]
