"""Issue 14 on MTT Telecom: list-valued inputs bounded, numbers in ASCII digits only."""
import pytest
from hypothesis import given, strategies as st

from simulator.jsonrpc import JsonRpcError
from simulator.providers.mtt_telecom import callcontrol, period
from simulator.providers.mtt_telecom.callback_struct import MAX_STEPS, parse_steps
from simulator.providers.mtt_telecom.numbers import _positive
from simulator.providers.mtt_telecom.params import as_int

ROW = {"type": "ringall", "order": 1, "redirect_number": "79161234567", "timeout": 20}


def test_a_callback_structure_of_too_many_rows_is_refused():
    assert len(parse_steps([ROW] * MAX_STEPS, default_timeout=30, name="s")) == MAX_STEPS
    with pytest.raises(JsonRpcError, match="Unknown param 's' value"):
        parse_steps([ROW] * 100_000, default_timeout=30, name="s")


def test_a_routing_answer_of_too_many_targets_is_refused():
    entries = [{"REDIRECT_NUMBER": "79161234567", "TIMEOUT": 15}] * (callcontrol.MAX_FOLLOWME_ENTRIES + 1)
    with pytest.raises(ValueError, match="more than"):
        callcontrol.parse_answer({"redirect_type": 2, "followme_struct": [len(entries), entries]})


@pytest.mark.parametrize("value", ["١", "１", "1_0", "²"])
def test_numbers_are_ascii_digits_only(value):
    with pytest.raises(JsonRpcError):
        as_int(value, "limit")
    assert _positive(value) is None
    assert period.valid("hr{9}") and not period.valid(f"hr{{{value}}}")


@given(st.text(alphabet="0123456789 _.+-١１\t", max_size=30))
def test_integer_params_are_ascii_digits_with_ascii_padding(text):
    stripped = text.strip(" \t")
    expected = int(stripped) if stripped.isascii() and stripped.isdigit() and len(stripped) <= 19 else None
    if expected is None:
        with pytest.raises(JsonRpcError):
            as_int(text, "limit")
    else:
        assert as_int(text, "limit") == expected


def test_a_number_of_thousands_of_digits_is_the_documented_error():
    with pytest.raises(JsonRpcError, match="Unknown param 'limit' value"):
        as_int("9" * 5000, "limit")
