"""The history dates: the regex fast path reads every string exactly as strptime does."""
from datetime import datetime, timezone

from hypothesis import given, settings, strategies as st

from simulator.providers.mtt_telecom.timefmt import DMY, ISO, parse


def by_strptime(text, fmt):
    try:
        return datetime.strptime(text.strip(), fmt).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


two = st.integers(0, 99).map(lambda n: f"{n:02d}")
dmy = st.builds(lambda d, m, y, h, mi, s: f"{d}.{m}.{y:04d} {h}:{mi}:{s}", two, two, st.integers(0, 9999), two, two, two)
iso = st.builds(lambda y, m, d, h, mi, s: f"{y:04d}-{m}-{d} {h}:{mi}:{s}", st.integers(0, 9999), two, two, two, two, two)


@settings(max_examples=60, deadline=None)
@given(dmy, iso, st.sampled_from(["", " ", "\t"]))
def test_fast_path_equals_strptime(a, b, pad):
    assert parse(pad + a + pad, DMY) == by_strptime(a, DMY)
    assert parse(b, ISO) == by_strptime(b, ISO)


def test_other_forms_still_go_through_strptime():
    assert parse("1.2.2018 0:00:00", DMY) == by_strptime("1.2.2018 0:00:00", DMY) is not None
    assert parse("30.10.2019 22:23:35", DMY) == datetime(2019, 10, 30, 22, 23, 35, tzinfo=timezone.utc).timestamp()
    assert parse("٣٠.10.2019 22:23:35", DMY) == by_strptime("٣٠.10.2019 22:23:35", DMY)
    assert parse(5, DMY) is None and parse("", ISO) is None
