"""Property tests for the core's parsers: multipart bodies and JSON merge patches."""
from hypothesis import given, settings, strategies as st

from simulator.http import MultipartError, boundary_of, parse_multipart
from simulator.numbers import digits
from simulator.world.store import merge_patch

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=40))
def test_multipart_parser_never_raises_anything_but_multipart_error(body, content_type):
    try:
        parse_multipart(content_type, body)
    except MultipartError:
        pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.binary(max_size=50)),
                min_size=1, max_size=4))
def test_multipart_round_trip(fields):
    boundary = "b0und4ry"
    body = b"".join(
        b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"" + name.encode()
        + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data.replace(b"--b0und4ry", b"") + b"\r\n"
        for name, data in fields) + b"--" + boundary.encode() + b"--\r\n"
    parts = parse_multipart(f"multipart/form-data; boundary={boundary}", body)
    assert [p.name for p in parts] == [n for n, _ in fields]
    assert [p.data for p in parts] == [d.replace(b"--b0und4ry", b"") for _, d in fields]


def test_boundary_of():
    assert boundary_of('multipart/form-data; boundary="x y"') == "x y"
    assert boundary_of("multipart/form-data") is None
    assert boundary_of("application/json; boundary=x") is None


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=3), json_values, max_size=4),
       st.dictionaries(st.text(max_size=3), json_values, max_size=4))
def test_merge_patch_laws(target, patch):
    out = merge_patch(target, patch)
    for key, value in patch.items():
        if value is None:
            assert key not in out
        elif not isinstance(value, dict):
            assert out[key] == value
    for key in target:
        if key not in patch:
            assert out[key] == target[key]
    assert merge_patch(out, patch) == out  # idempotent


@given(st.text(max_size=20))
def test_digits_only_keeps_digits(text):
    assert digits(text).isdigit() or digits(text) == ""


def test_russian_number_forms():
    assert digits("8 (495) 123-45-67") == digits("+7 495 123 45 67") == digits("4951234567") == "74951234567"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_wav_reader_raises_only_value_error(data):
    from simulator.engine.audio import wav_info
    for blob in (data, b"RIFF\x24\x00\x00\x00WAVEfmt " + data):
        try:
            wav_info(blob)
        except ValueError:
            pass
