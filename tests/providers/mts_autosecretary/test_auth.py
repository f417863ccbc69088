import base64

import pytest
from hypothesis import given, strategies as st

from simulator.providers.mts_autosecretary.auth import authenticate, parse_api_key, parse_basic
from simulator.providers.mts_autosecretary.errors import ApiError


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_and_api_key(backend):
    assert authenticate(backend, basic("user", "password")).login == "user"
    for header in ("Api-Key aa-test-api-key", "Api-key aa-test-api-key", "aa-test-api-key", "apikey aa-test-api-key"):
        assert authenticate(backend, header).login == "user"


@pytest.mark.parametrize("header", [None, "", basic("user", "wrong"), basic("nobody", "x"), "Basic !!!",
                                    "Api-Key nope", "Bearer abc def"])
def test_rejected(backend, header):
    with pytest.raises(ApiError) as info:
        authenticate(backend, header)
    assert info.value.status_code == 401


@given(st.text(max_size=30))
def test_header_parsers_total(text):
    parse_basic(text)
    parse_api_key(text)


@given(st.text(alphabet=st.characters(blacklist_characters=":", blacklist_categories=("Cs",)), max_size=10),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10))
def test_basic_roundtrip(user, password):
    assert parse_basic(basic(user, password)) == (user, password)
