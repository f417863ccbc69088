from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from simulator.providers.mts_autosecretary.cdr import CdrRecord, CdrStore
from simulator.providers.mts_autosecretary.links import bytime_link, wcf_json_dumps
from simulator.providers.mts_autosecretary.timefmt import parse_bound

T0 = datetime(2026, 11, 20)


def make_store(offsets, un="4954071111", first_id=100):
    store = CdrStore()
    for i, off in enumerate(sorted(offsets)):
        store.add(CdrRecord(first_id + i * 3, 5000 + i, un, "9161000932", T0 + timedelta(seconds=off), 1, 0, "x"))
    return store


def walk_bytime(store, un, begin, end, limit):
    start_id, seen, pages = 0, [], 0
    while True:
        page = store.by_time(un, begin, end, start_id, limit)
        pages += 1
        assert len(page.records) <= limit
        seen.extend(r.id for r in page.records)
        if page.next_start_id is None:
            return seen, pages
        assert page.next_start_id > page.records[-1].id
        start_id = page.next_start_id


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 5 * 86400), max_size=120), st.integers(1, 25),
       st.integers(0, 5 * 86400), st.integers(0, 5 * 86400))
def test_paging_yields_every_record_once(offsets, limit, a, b):
    store = make_store(offsets)
    begin, end = T0 + timedelta(seconds=min(a, b)), T0 + timedelta(seconds=max(a, b))
    seen, pages = walk_bytime(store, "4954071111", begin, end, limit)
    expected = [r.id for r in store.by_time("4954071111", begin, end, 0, 10**6).records]
    assert seen == expected
    assert len(seen) == len(set(seen))
    for rid in seen:
        assert begin <= store.get(rid).start < end
    # no more pages than needed
    assert pages == max(1, -(-len(expected) // limit))


@given(st.lists(st.integers(0, 86400), max_size=60), st.integers(1, 10))
def test_byid_paging(offsets, limit):
    store = make_store(offsets)
    start_id, seen = 0, []
    while True:
        page = store.by_id("4954071111", start_id, limit)
        seen.extend(r.id for r in page.records)
        if page.next_start_id is None:
            break
        start_id = page.next_start_id
    assert seen == sorted(seen) and len(seen) == len(offsets)


def test_start_id_in_the_middle_and_unknown_un():
    store = make_store([10, 20, 30, 40])
    ids = [r.id for r in store.by_id("4954071111", 0, 10).records]
    assert [r.id for r in store.by_id("4954071111", ids[2], 10).records] == ids[2:]
    assert [r.id for r in store.by_id("4954071111", ids[1] + 1, 10).records] == ids[2:]
    assert store.by_id("9854071111", 0, 10).records == []
    assert store.by_time("4954071111", T0 + timedelta(days=1), T0, 0, 10).records == []


def test_out_of_order_insert_by_id_and_rejects():
    store = CdrStore()
    store.add(CdrRecord(2, 11, "u", "a", T0 + timedelta(seconds=5), 1, 0, "x"))
    store.add(CdrRecord(1, 12, "u", "a", T0, 1, 0, "x"))  # an earlier call that ended later
    assert [r.id for r in store.by_id("u", 0, 10).records] == [1, 2]
    with pytest.raises(ValueError):
        store.add(CdrRecord(3, 13, "u", "a", T0, 1, 0, "x"))
    with pytest.raises(ValueError):
        store.add(CdrRecord(2, 14, "u", "a", T0 + timedelta(seconds=9), 1, 0, "x"))


def test_record_json_matches_document():
    record = CdrRecord(34460583, 315001021, "4954071111", "9161000932", datetime(2012, 10, 2, 9, 46, 12), 1, 0,
                       "SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--NO_DNS")
    assert record.to_json() == {
        "an": "9161000932", "duration": 1, "id": 34460583,
        "log": "SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--NO_DNS",
        "seqid": 315001021, "start_time": "2012-10-2T09:46:12", "talk_duration": 0, "un": "4954071111"}


def test_link_in_document_form():
    url = bytime_link("https://aa.mts.ru", "9854071111", parse_bound("2011-10-02T00:00:00"),
                      parse_bound("2012-10-03T00:00:00"), 73959891, 100)
    assert url == ("https://aa.mts.ru/api/v1/cdr/bytime?phone=9854071111&begin=2011-10-02T00:00:00"
                   "&end=2012-10-03T00:00:00&start_id=73959891&limit=100")
    assert wcf_json_dumps({"links": {"next": url}}).startswith('{"links":{"next":"https:\\/\\/aa.mts.ru\\/api')
