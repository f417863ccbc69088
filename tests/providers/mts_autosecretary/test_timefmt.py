from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from simulator.providers.mts_autosecretary.timefmt import (
    format_doc_datetime,
    format_iso,
    parse_bound,
    parse_hms,
    to_msk,
)

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0))


def test_document_forms():
    assert format_doc_datetime(datetime(2012, 10, 2, 9, 46, 12)) == "2012-10-2T09:46:12"
    assert format_doc_datetime(datetime(2012, 10, 1, 11, 25, 6)) == "2012-10-1T11:25:06"
    assert format_iso(datetime(2011, 10, 2)) == "2011-10-02T00:00:00"
    assert parse_bound("01.10.2012") == datetime(2012, 10, 1)
    assert parse_bound("03.10.2012") == datetime(2012, 10, 3)
    assert parse_bound("2011-10-02T00:00:00") == datetime(2011, 10, 2)
    assert parse_bound("2012-10-2T09:46:12") == datetime(2012, 10, 2, 9, 46, 12)
    assert parse_bound("2012-10-02") == datetime(2012, 10, 2)
    assert parse_bound("01.10.2012 10:30") == datetime(2012, 10, 1, 10, 30)


def test_aware_moments_become_moscow():
    utc = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    assert to_msk(utc) == datetime(2026, 11, 23, 9, 0)
    assert format_doc_datetime(utc) == "2026-11-23T09:00:00"


@given(moments)
def test_roundtrip_doc_form(moment):
    assert parse_bound(format_doc_datetime(moment)) == moment
    assert parse_bound(format_iso(moment)) == moment
    assert parse_bound(moment.strftime("%d.%m.%Y")) == moment.replace(hour=0, minute=0, second=0)


@given(st.text(max_size=25))
def test_parse_bound_total(text):
    try:
        parse_bound(text)
    except ValueError as exc:
        assert str(exc)


@pytest.mark.parametrize("bad", ["32.10.2012", "2012-13-01", "2012-02-30T00:00:00", "yesterday", "", "1.1.12"])
def test_bad_bounds(bad):
    with pytest.raises(ValueError):
        parse_bound(bad)


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_hms(h, m, s):
    assert parse_hms(f"{h:02d}:{m:02d}:{s:02d}").hour == h


@pytest.mark.parametrize("bad", ["24:00:00", "9:00:00", "09:00", "09:60:00", None, 900])
def test_bad_hms(bad):
    with pytest.raises(ValueError):
        parse_hms(bad)
