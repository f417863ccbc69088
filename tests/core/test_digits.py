"""ASCII digits only (simulator/digits.py): what the real Java/.NET services read as a number."""
import pytest
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel, ValidationError

from simulator.digits import AsciiInt, is_ascii_digits, parse_int


class Body(BaseModel):
    n: AsciiInt


@pytest.mark.parametrize("text", ["1_233", " 12", "12 ", "١", "１２", "²", "12.0", "", "+", "0x10", "1e3",
                                  "12\n", "٣٤٥"])
def test_what_int_accepts_and_the_services_refuse(text):
    assert parse_int(text) is None and parse_int(text, signed=True) is None
    assert not is_ascii_digits(text)
    with pytest.raises(ValidationError):
        Body(n=text)


def test_signs_and_bounds():
    assert parse_int("+5") is None and parse_int("+5", signed=True) == 5 and parse_int("-7", signed=True) == -7
    assert parse_int("9" * 19) == int("9" * 19) and parse_int("9" * 20) is None
    assert parse_int(12) is None and parse_int(None) is None
    assert Body(n=12).n == 12 and Body(n="0012").n == 12 and Body(n="-3").n == -3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12))
def test_only_ascii_digit_texts_are_numbers(text):
    value = parse_int(text)
    ascii_digits = text != "" and all("0" <= ch <= "9" for ch in text)
    assert (value is not None) == (ascii_digits and len(text) <= 19)
    if value is not None:
        assert value == int(text) and is_ascii_digits(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-(10 ** 18), max_value=10 ** 18))
def test_every_integer_round_trips(number):
    assert parse_int(str(number), signed=True) == number
    assert Body(n=str(number)).n == number
