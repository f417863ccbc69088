"""Transport leftovers of issue 14: `Expect: 100-continue` over the size limit is answered 413
in the provider's format without "100 Continue" (the client never sends the body), and a gzip
body of several members is decoded whole, as `gzip -d` does, under the same limit."""
from __future__ import annotations

import asyncio
import gzip
import json

import pytest
from hypothesis import given, settings, strategies as st

from simulator.limits import MAX_GZIP_MEMBERS, BodyLimits, BodyRefused, read_body
from tests.core.test_limits import _Request, _split
from tests.core.test_transport import WAIT, native_404, parse, port_of, shape

PROVIDERS = ["mts-vpbx", "beeline-cloudcc", "mts-autosecretary", "mtt-business", "mtt-telecom"]


def _head(path: str, length: int, expect: str = "100-continue") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nExpect: {expect}\r\n\r\n").encode()


# a route of each provider that takes POST (Expect is handled per route)
POST_PATHS = {"mts-vpbx": "/mts-vpbx/api/service/webhook", "beeline-cloudcc": "/beeline-cloudcc/api/request",
              "mts-autosecretary": "/mts-autosecretary/api/v1/un", "mtt-business": "/mtt-business/makeCall",
              "mtt-telecom": "/mtt-telecom/index.php"}


async def test_expect_over_the_limit_gets_413_without_100_continue(simulator):
    for slug in PROVIDERS:
        reader, writer = await asyncio.open_connection("127.0.0.1", port_of(simulator))
        try:
            writer.write(_head(POST_PATHS[slug], 40 * 1024 ** 2))  # the body is never sent
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), WAIT)  # the server closes after its answer
        finally:
            writer.close()
        assert not raw.startswith(b"HTTP/1.1 100"), slug
        status, headers, body = parse(raw)
        # the provider's format on that route: MTT Telecom's JSON-RPC endpoint answers a JSON-RPC error
        native = (("application/json", ["error", "id", "jsonrpc"]) if slug == "mtt-telecom"
                  else await native_404(simulator, slug))
        assert status == 413 and shape(headers, body) == native, slug
        assert any(e["status"] == 413 for e in simulator.journal(provider=slug)), slug


async def test_expect_within_the_limit_gets_100_continue_then_the_answer(simulator):
    body = json.dumps({"advance": 5}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(simulator))
    try:
        writer.write(_head("/_sim/clock", len(body)))
        await writer.drain()
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
        assert interim.startswith(b"HTTP/1.1 100 Continue")
        writer.write(body)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
    finally:
        writer.close()
    assert head.startswith(b"HTTP/1.1 200")


async def test_an_unknown_expectation_is_417_in_the_providers_format(simulator):
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(simulator))
    try:
        writer.write(_head(POST_PATHS["mts-vpbx"], 2, expect="teapot") + b"{}")
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), WAIT)
    finally:
        writer.close()
    status, headers, body = parse(raw)
    assert status == 417 and shape(headers, body) == await native_404(simulator, "mts-vpbx")


async def test_a_body_of_several_gzip_members_is_decoded_whole(simulator):
    raw = json.dumps({"advance": 5}).encode()
    data = gzip.compress(raw[:4]) + gzip.compress(raw[4:9]) + gzip.compress(raw[9:])
    async with simulator.request("POST", "/_sim/clock", data=data,
                                 headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}) as resp:
        assert resp.status == 200, await resp.text()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=600), min_size=1, max_size=5), st.lists(st.integers(0, 4000), max_size=6),
       st.integers(1, 3000))
def test_read_body_decodes_every_gzip_member_under_the_limit(parts, cuts, limit):
    data = b"".join(parts)
    sent = b"".join(gzip.compress(p, mtime=0) for p in parts)
    request = _Request(_split(sent, cuts), {"Content-Encoding": "gzip"})
    try:
        body = asyncio.run(read_body(request, BodyLimits(limit, None)))
    except BodyRefused as refused:
        assert refused.status == 413 and (len(data) > limit or len(sent) > limit)
    else:
        assert body == data and len(data) <= limit


def test_too_many_gzip_members_are_refused():
    member = gzip.compress(b"", mtime=0)
    assert asyncio.run(read_body(_Request([member * MAX_GZIP_MEMBERS], {"Content-Encoding": "gzip"}),
                                 BodyLimits(10 ** 6, None))) == b""
    with pytest.raises(BodyRefused) as refused:
        asyncio.run(read_body(_Request([member * (MAX_GZIP_MEMBERS + 1)], {"Content-Encoding": "gzip"}),
                              BodyLimits(10 ** 6, None)))
    assert refused.value.status == 400


def test_a_truncated_second_member_is_refused():
    data = gzip.compress(b"{}", mtime=0) + gzip.compress(b"[]", mtime=0)[:-6]
    with pytest.raises(BodyRefused) as refused:
        asyncio.run(read_body(_Request([data], {"Content-Encoding": "gzip"}), BodyLimits(10 ** 6, None)))
    assert refused.value.status == 400
