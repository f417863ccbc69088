"""The core's multipart/form-data parser (simulator.http.parse_multipart): delimiters found
at C speed, the part count refused before any parsing, large bodies parsed off the loop."""

import asyncio
import base64
import time

import pytest
from hypothesis import given, settings, strategies as st

from simulator.http import (MultipartError, TooManyParts, count_parts, parse_multipart,
                            parse_multipart_async)

CT = "multipart/form-data; boundary=b0und4ry"


def body_of(fields, crlf=b"\r\n", preamble=b"", epilogue=b""):
    out = preamble
    for name, data in fields:
        out += (b"--b0und4ry" + crlf + b'Content-Disposition: form-data; name="' + name.encode() + b'"'
                + crlf + crlf + data + crlf)
    return out + b"--b0und4ry--" + crlf + epilogue


fields_st = st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
                               st.binary(max_size=60).map(lambda d: d.replace(b"--b0und4ry", b"--b0und"))),
                     max_size=6)


@settings(max_examples=25, deadline=None)
@given(fields_st, st.sampled_from([b"\r\n", b"\n"]), st.binary(max_size=20), st.binary(max_size=20))
def test_parts_round_trip_and_are_counted_before_parsing(fields, crlf, preamble, epilogue):
    if crlf == b"\n":  # with bare LF line ends a part's last CR is the delimiter's CRLF
        fields = [(name, data.rstrip(b"\r")) for name, data in fields]
    preamble = preamble.replace(b"--b0und4ry", b"") + (crlf if preamble else b"")
    body = body_of(fields, crlf, preamble.replace(b"\n--b0und", b"\n"), epilogue)
    parts = parse_multipart(CT, body)
    assert [(p.name, p.data) for p in parts] == fields
    assert count_parts("b0und4ry", body) == len(fields)


@settings(max_examples=15, deadline=None)
@given(fields_st, st.integers(0, 7))
def test_more_parts_than_allowed_are_refused(fields, limit):
    body = body_of(fields)
    if len(fields) > limit:
        with pytest.raises(TooManyParts):
            parse_multipart(CT, body, max_parts=limit)
    else:
        assert len(parse_multipart(CT, body, max_parts=limit)) == len(fields)


def test_the_boundary_inside_content_is_content():
    body = (b"--b0und4ry\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
            b"x\r\n--b0und4ryNOT a delimiter\r\n--b0und4ry--\r\n")
    [part] = parse_multipart(CT, body)
    assert part.data == b"x\r\n--b0und4ryNOT a delimiter"


def test_headers_as_clients_send_them():
    body = (b"--b0und4ry\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%D1%84.wav\r\n"
            b"Content-Type: audio/wav\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(b"RIFF....") + b"\r\n"
            b"--b0und4ry\r\nContent-Disposition: form-data; name=\"g\"; filename=\"\xd1\x84 1.txt\"\r\n\r\nq\r\n"
            b"--b0und4ry--")
    first, second = parse_multipart(CT, body)
    assert (first.name, first.filename, first.content_type, first.data) == ("f", "ф.wav", "audio/wav", b"RIFF....")
    assert (second.filename, second.content_type, second.data) == ("ф 1.txt", "text/plain", b"q")


@pytest.mark.parametrize("body", [
    b"--b0und4ry\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno close delimiter",
    b"--b0und4ry\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--b0und4ry--",
    b"--b0und4ry\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b0und4ry--",
    b"--b0und4ry\r\nContent-Disposition: form-data; name=\"a\"\r\n",
    b"preamble only",
])
def test_malformed_bodies(body):
    with pytest.raises(MultipartError):
        parse_multipart(CT, body)


def test_many_parts_and_a_large_part_are_linear():
    many = body_of([(f"p{i}", b"v") for i in range(2000)])
    large = body_of([("f", b"\x00" * (16 * 1024 ** 2))])
    started = time.process_time()
    assert len(parse_multipart(CT, many, max_parts=2000)) == 2000
    assert len(parse_multipart(CT, large)[0].data) == 16 * 1024 ** 2
    assert time.process_time() - started < 3.0  # the stdlib email parser took ~6 s for 2000 parts


async def test_the_async_parser_agrees_and_refuses_before_a_thread():
    body = body_of([("a", b"1" * 100_000), ("b", b"2")])
    assert [p.data for p in await parse_multipart_async(CT, body)] == [p.data for p in parse_multipart(CT, body)]
    with pytest.raises(TooManyParts):
        await parse_multipart_async(CT, body_of([("x", b"")] * 300))
    assert asyncio.get_running_loop().is_running()
