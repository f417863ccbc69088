from datetime import datetime

from hypothesis import given, strategies as st

from simulator.providers.mts_autosecretary.models import DN, UN
from simulator.providers.mts_autosecretary.schedule import dn_covers, eligible_dns, un_local_time

MONDAY_10 = datetime(2026, 11, 23, 10, 0, 0)  # Monday, Moscow


def un(*dns, tz=0):
    return UN(phone="4954071111", dn_list=list(dns), time_zone=tz)


def test_every_day_whole_day():
    dn = DN(phone="89161000232")
    assert [d.phone for d in eligible_dns(un(dn), MONDAY_10)] == ["89161000232"]


def test_locked_and_short_numbers_are_skipped():
    dns = [DN(phone="1", locked=True), DN(phone="2", ext="10", priority=-1), DN(phone="3")]
    assert [d.phone for d in eligible_dns(un(*dns), MONDAY_10)] == ["3"]


def test_priority_order_ties_in_list_order():
    dns = [DN(phone="a", priority=2), DN(phone="b", priority=0), DN(phone="c", priority=2), DN(phone="d", priority=1)]
    assert [d.phone for d in eligible_dns(un(*dns), MONDAY_10)] == ["b", "d", "a", "c"]


def test_weekday_and_window():
    office = DN(phone="office", day=1, begin="09:00:00", end="18:00:00")
    tuesday = DN(phone="tue", day=2)
    assert dn_covers(office, MONDAY_10)
    assert not dn_covers(office, MONDAY_10.replace(hour=8, minute=59, second=59))
    assert dn_covers(office, MONDAY_10.replace(hour=18))
    assert not dn_covers(office, MONDAY_10.replace(hour=18, second=1))
    assert not dn_covers(tuesday, MONDAY_10)
    assert dn_covers(DN(phone="sun", day=7), datetime(2026, 11, 29, 12))


def test_time_zone_is_relative_to_moscow():
    office = DN(phone="office", day=1, begin="09:00:00", end="18:00:00")
    # 17:00 MSK is 21:00 in Novosibirsk (MSK+4): outside the window there
    at = MONDAY_10.replace(hour=17)
    assert eligible_dns(un(office, tz=0), at)
    assert not eligible_dns(un(office, tz=4), at)
    assert un_local_time(un(tz=-1), at).hour == 16
    # 23:30 MSK Monday is already Tuesday 06:30 at MSK+7
    assert un_local_time(un(tz=7), MONDAY_10.replace(hour=23, minute=30)).isoweekday() == 2


@given(st.integers(0, 7), st.times(), st.times(), st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)))
def test_covers_matches_definition(day, t1, t2, moment):
    begin, end = sorted([t1.replace(microsecond=0), t2.replace(microsecond=0)])
    dn = DN(phone="1", day=day, begin=begin.strftime("%H:%M:%S"), end=end.strftime("%H:%M:%S"))
    expected = (day in (0, moment.isoweekday())) and begin <= moment.time().replace(microsecond=0) <= end
    assert dn_covers(dn, moment) == expected
