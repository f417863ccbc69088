"""The plain-body fast path of the JSON readers (simulator.http.parsed_plain): loads_json and
the JSON-RPC decoder give exactly the value or the error they gave with the stdlib parser
alone, on every body (values compared by repr: 1 / 1.0 / True, -0.0, nan and key order
all show)."""
from __future__ import annotations

import codecs
import json
import re
import sys

import pytest
from hypothesis import example, given, settings, strategies as st

from simulator.http import NOT_PLAIN, JsonBodyError, loads_json, parsed_plain
from simulator.jsonrpc import loads as rpc_loads
from tests.core.test_jsonrpc_codec import plain_loads  # the JSON-RPC decoder as json.loads with the strict hooks

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def stdlib_loads_json(data):
    """loads_json without the fast path: the stdlib parser alone."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonBodyError("JSON nested too deeply") from None
    except ValueError as exc:
        raise JsonBodyError(str(exc).split("\n")[0]) from None
    if re.search(rb"\xed[\xa0-\xbf]", raw) and json.detect_encoding(raw).startswith("utf-8"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonBodyError(str(exc)) from None
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise JsonBodyError("a string holds an unpaired UTF-16 surrogate") from None
    return value


def outcome(fn, body):
    try:
        return "ok", repr(fn(body))
    except JsonBodyError as exc:   # loads_json: its message is part of the answers
        return "error", str(exc)
    except (ValueError, RecursionError):
        return "error", None


LEAVES = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-10**40, max_value=10**40)
          | st.floats() | st.text() | st.sampled_from(["\ud83d\ude00", "\u2028", "\x7f", "é", "\\", '"']))
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)
EDGES = [
    b"", b" ", b"{", b"[1,]", b'{"a": 1,}', b"NaN", b"[Infinity]", b"-Infinity", b"inf", b"1e400", b"[-1E+400]",
    b"1.5e-400", b"1e5", b"[1E5]", b"01", b"+1", b".5", b"1.", b"-0", b"-0.0", b"1" * 308 + b".0", b"1" * 309 + b".0",
    b"1" * 4300, b"1" * 4301, b"-" + b"1" * 4300, b"-" + b"1" * 4301, b"[" + b"9" * 5000 + b"]",
    b'{"a": 1, "a": 2, "b": 3}', b'{"b": 1, "a": 2, "b": 3}', b'"\\ud800"', b'["\\uDC00", 1]', b'"\\ud83d\\ude00"',
    b'"\\ud83dx"', b'"\xed\xa0\x80"', b'"\xff"', b'"a\x01"', b'"\t"', b"\xef\xbb\xbf{}", b"\xef\xbb\xbf",
    "{}".encode("utf-16"), '{"a": 1}'.encode("utf-16-le"), '["x"]'.encode("utf-32-be"), codecs.BOM_UTF8 + b"[1]",
    b" \t\n\r{}\r\n", b"{}\x0c", b"\x0c{}", b"{}\x00", b"\x00", b"{} {}", b"1 2", "\u00a0{}".encode(), b"[1]\x0b",
    b"[" * 199 + b"]" * 199, b"[" * 200 + b"]" * 200, b"[" * 201 + b"]" * 201, b"[" * 3000 + b"]" * 3000,
    b'{"x": "\\u0000\\/\\b\\f"}', b'"\\x"', b"tru", b"nul", b'{"a":[]}', b"[[],{}]",
]


@settings(max_examples=600, deadline=None)
@given(VALUES, st.booleans(), st.sampled_from(["", " ", "\n", "\t\r\n "]))
def test_loads_json_reads_every_document_as_the_stdlib_did(value, ascii_only, space):
    raw = (space + json.dumps(value, ensure_ascii=ascii_only) + space).encode("utf-8", "surrogatepass")
    assert outcome(loads_json, raw) == outcome(stdlib_loads_json, raw)
    assert outcome(rpc_loads, raw) == outcome(plain_loads, raw)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=120) | st.sampled_from(EDGES))
def test_any_bytes_and_the_edges_keep_their_value_or_error(raw):
    assert outcome(loads_json, raw) == outcome(stdlib_loads_json, raw)
    assert outcome(rpc_loads, raw) == outcome(plain_loads, raw)


@pytest.mark.parametrize("raw", EDGES)
def test_each_edge(raw):
    assert outcome(loads_json, raw) == outcome(stdlib_loads_json, raw)
    assert outcome(rpc_loads, raw) == outcome(plain_loads, raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.eE+-", min_size=1, max_size=30))
@example("1" * 400)
@example("0." + "0" * 400 + "1")
def test_numbers_read_the_same(text):
    raw = text.encode()
    assert outcome(loads_json, raw) == outcome(stdlib_loads_json, raw)
    assert outcome(rpc_loads, raw) == outcome(plain_loads, raw)


def test_plain_bodies_take_the_fast_path_and_the_rest_do_not():
    assert parsed_plain(b'{"params": {"numbers": ["880023213"], "isParking": true}}', allow_inf_nan=True) == \
        {"params": {"numbers": ["880023213"], "isParking": True}}
    assert parsed_plain(b'{"id": "1", "jsonrpc": "2.0", "params": [1.5]}', allow_inf_nan=False) == \
        {"id": "1", "jsonrpc": "2.0", "params": [1.5]}
    for raw in (b"\xef\xbb\xbf{}", b'"\\ud800"', b"NaN", b"[1e400]", b"[1e5]", b"1" * 4301):
        assert parsed_plain(raw, allow_inf_nan=False) is NOT_PLAIN


def test_a_lower_int_digits_limit_sends_every_body_to_the_stdlib():
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(1000)
    try:
        assert parsed_plain(b"[1]", allow_inf_nan=True) is NOT_PLAIN
        with pytest.raises(JsonBodyError, match="Exceeds the limit"):
            loads_json(b"1" * 1001)
    finally:
        sys.set_int_max_str_digits(old)
