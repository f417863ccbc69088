"""simulator.numbers.digits: its fast path for plain digit strings answers as the general one."""
from hypothesis import given, strategies as st

from simulator.numbers import digits


def reference(number):
    if number is None:
        return ""
    d = "".join(ch for ch in str(number) if ch.isdigit())
    if len(d) == 11 and d[0] == "8":
        d = "7" + d[1:]
    elif len(d) == 10 and d[0] in "3489":
        d = "7" + d
    return d


@given(st.one_of(st.none(), st.integers(), st.text(),
                 st.from_regex(r"\A\+?[0-9]{0,14}\Z"),
                 st.from_regex(r"\A\+?[0-9 ()\-٠-٩²]{0,16}\Z")))
def test_digits_as_the_per_character_reading(number):
    assert digits(number) == reference(number)
