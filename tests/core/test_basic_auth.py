"""The core's HTTP Basic parser, shared by every provider with Basic authentication."""
import base64

from hypothesis import given, strategies as st

from simulator.http import parse_basic_auth


def header(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


@given(st.text().filter(lambda s: ":" not in s), st.text())
def test_round_trip(login, password):
    assert parse_basic_auth(header(f"{login}:{password}".encode())) == (login, password)
    assert parse_basic_auth("  basic   " + base64.b64encode(f"{login}:{password}".encode()).decode()) \
        == (login, password)


@given(st.text(max_size=80))
def test_any_header_is_credentials_or_none(value):
    result = parse_basic_auth(value)
    assert result is None or (isinstance(result, tuple) and len(result) == 2)


def test_what_is_not_basic_credentials():
    for value in (None, "", "Basic", "Basic ", "Bearer abc", "Basic !!!", header(b"no-colon"),
                  header("логин:пароль".encode("cp1251"))):
        assert parse_basic_auth(value) is None, value
    assert parse_basic_auth(header("логин:x".encode("cp1251")), fallback_encoding="cp1251") == ("логин", "x")
