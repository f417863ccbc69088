"""CDR routes: the document's example, date forms, defaults, limits, links and complete paging."""
import pytest

from .helpers import OTHER, all_pages, call
from simulator.providers.mts_autosecretary.models import CDR, UN, Envelope

DOC_RECORD = {
    "an": "9161000932",
    "duration": 1,
    "id": 34460583,
    "log": "SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--NO_DNS",
    "seqid": 315001021,
    "start_time": "2012-10-2T09:46:12",
    "talk_duration": 0,
    "un": "4954071111",
}


async def test_document_example_request(simulator):
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=4954071111&begin=01.10.2012&end=03.10.2012")
    assert status == 200
    assert Envelope.model_validate(payload).status_msg == "OK"
    _, un, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert UN.model_validate(un["value"]).model_dump() == un["value"]
    assert payload == {"status_code": 200, "status_msg": "OK", "value": [DOC_RECORD]}


async def test_both_date_forms(simulator):
    for query in (
        "begin=2012-10-01T00:00:00&end=2012-10-03T00:00:00",
        "begin=2012-10-02&end=2012-10-02T23:59:59",
        "begin=02.10.2012 09:46:12&end=02.10.2012 09:46:13",
        "begin=2012-10-2T09:46:12&end=2012-10-2T09:46:13",
    ):
        status, payload, _, _ = await call(simulator, "GET", f"/api/v1/cdr/bytime?phone=4954071111&{query}")
        assert status == 200 and payload["value"] == [DOC_RECORD], query


async def test_end_is_exclusive(simulator):
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=4954071111&begin=01.10.2012&end=2012-10-02T09:46:12")
    assert payload["value"] == []


async def test_byid_document_example(simulator):
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=4954071111&start_id=12345&limit=100")
    assert status == 200
    assert payload["value"][0] == DOC_RECORD
    assert len(payload["value"]) == 100 and "links" in payload
    ids = [r["id"] for r in payload["value"]]
    assert ids == sorted(ids)
    starts = [r["start_time"] for r in payload["value"]]
    assert payload["links"]["next"].endswith(f"/api/v1/cdr/byid?phone=4954071111&start_id={payload['links']['next'].split('start_id=')[1].split('&')[0]}&limit=100")


async def test_default_interval_is_the_current_simulated_day(simulator):
    # a call now, then the default query sees it (and nothing of yesterday)
    await simulator.start_call("mts-autosecretary", "+79161000932", "4954071111")
    await simulator.advance(120)
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=4954071111")
    assert status == 200
    assert payload["value"], payload
    assert all(r["start_time"].startswith("2026-11-23T") for r in payload["value"])
    assert payload["value"][-1]["an"] == "9161000932"
    assert payload["value"][-1]["start_time"] == "2026-11-23T09:00:00"


async def test_history_fills_earlier_days(simulator):
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=9854071111&begin=16.11.2026&end=23.11.2026")
    days = {r["start_time"].split("T")[0] for r in payload["value"]}
    assert len(days) == 7
    assert len(payload["value"]) > 7 * 10


BYTIME_ERRORS = [
    ("phone=4954071111&begin=32.10.2012", "Invalid begin"),
    ("phone=4954071111&end=yesterday", "Invalid end"),
    ("phone=4954071111&begin=03.10.2012&end=01.10.2012", "later than end"),
    ("phone=4954071111&limit=0", "Invalid limit"),
    ("phone=4954071111&limit=-5", "Invalid limit"),
    ("phone=4954071111&limit=ten", "Invalid limit"),
    ("phone=4954071111&start_id=-1", "Invalid start_id"),
    ("phone=4954071111&start_id=x", "Invalid start_id"),
    ("begin=01.10.2012", "phone"),
    ("phone=49540", "Invalid phone"),
    ("phone=4954071111&begin=9999-12-31T23:59:59", "out of the supported date range"),
    ("phone=4954071111&end=0001-01-01", "out of the supported date range"),
]


async def test_bad_input(simulator):
    for query, fragment in BYTIME_ERRORS:
        status, payload, _, _ = await call(simulator, "GET", f"/api/v1/cdr/bytime?{query}")
        assert status == 400, payload
        assert fragment in payload["status_msg"], (query, payload)
        assert payload["value"] is None
    for query in ("phone=4954071111&start_id=abc", "phone=4954071111&limit=0", "", "phone=1"):
        status, payload, _, _ = await call(simulator, "GET", f"/api/v1/cdr/byid?{query}")
        assert status == 400 and payload["value"] is None, query


async def test_foreign_un_cdrs(simulator):
    for path in ("/api/v1/cdr/bytime?phone=4954072222", "/api/v1/cdr/byid?phone=4954072222"):
        status, payload, _, _ = await call(simulator, "GET", path)
        assert status == 403 and payload["value"] is None
        status, payload, _, _ = await call(simulator, "GET", path, OTHER)
        assert status == 200


async def test_limit_above_1000_is_capped(simulator):
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=9854071111&limit=5000")
    assert status == 200
    assert len(payload["value"]) == min(1000, len(payload["value"]))
    if "links" in payload:
        assert payload["links"]["next"].endswith("&limit=1000")


async def test_links_in_the_document_form(simulator):
    status, payload, text, _ = await call(
        simulator, "GET", "/api/v1/cdr/bytime?phone=9854071111&begin=16.11.2026&end=23.11.2026&limit=10")
    assert list(payload) == ["status_code", "status_msg", "links", "value"]
    url = payload["links"]["next"]
    base = simulator.url("mts-autosecretary")
    assert url.startswith(f"{base}/api/v1/cdr/bytime?phone=9854071111&begin=2026-11-16T00:00:00"
                          f"&end=2026-11-23T00:00:00&start_id=")
    assert url.endswith("&limit=10")
    # WCF escapes "/" in JSON strings
    assert '"links":{"next":"http:\\/\\/127.0.0.1' in text
    # via the real host name the link names the real host
    _, body, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=9854071111&begin=16.11.2026&end=23.11.2026"
                               "&limit=10", {"Host": "aa.mts.ru", "X-Forwarded-Proto": "https",
                                             "Authorization": "Api-Key aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87"},
                               full_url=True)
    assert body["links"]["next"].startswith("https://aa.mts.ru/api/v1/cdr/bytime?phone=9854071111&begin=2026-11-16T00:00:00")


async def test_last_page_has_no_links(simulator):
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=4954071111&begin=01.10.2012&end=03.10.2012&limit=1")
    assert "links" not in payload and len(payload["value"]) == 1


@pytest.mark.telsim_patch({"providers": {"mts-autosecretary": {"history": {"days": 30, "calls_per_day": 40}}}})
async def test_paging_through_a_large_history_exactly_once(simulator):
    backend = simulator.sim.providers["mts-autosecretary"].backend
    total = backend.cdrs.count("9854071111")
    assert total > 1000
    for path in ("/api/v1/cdr/bytime?phone=9854071111&begin=01.01.2026&end=01.01.2027&limit=97",
                 "/api/v1/cdr/byid?phone=9854071111&limit=250",
                 "/api/v1/cdr/bytime?phone=9854071111&begin=2026-11-01T12:00:00&end=2026-11-20T18:30:00&limit=1000"):
        records, pages = await all_pages(simulator, path)
        for record in records:
            CDR.model_validate(record)
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids)), path
        assert ids == sorted(ids)
        starts = [r["start_time"] for r in records]
        if "begin=2026-11-01T12" in path:
            assert 0 < len(records) < total
        else:
            assert len(records) == total
    # a full page never exceeds 1000
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=9854071111&limit=100000")
    assert len(payload["value"]) == 1000 and "links" in payload


@pytest.mark.telsim_patch({"clock": {"start": "2012-10-01T12:00:00+03:00"}})
async def test_clock_before_a_fixed_cdr_keeps_history_and_live_calls(simulator):
    # the document's record (2 Oct) lies in the future of this world: left out, so that history and live
    # calls (ids after it, earlier starts) can still be stored in arrival order
    call_ = await simulator.start_call("mts-autosecretary", "+79161000932", "4954071111",
                                       script={"89161000232": {"answer_after": 1, "hangup_after": 5}})
    await simulator.advance(60)
    assert call_.ended
    records, _ = await all_pages(simulator, "/api/v1/cdr/bytime?phone=4954071111&begin=01.10.2012&end=03.10.2012")
    assert DOC_RECORD not in records
    assert len(records) > 1  # the generated history of 1 October
    live = records[-1]
    assert live["start_time"] == "2012-10-1T12:00:00" and live["log"].endswith("--TryToCall:89161000232-Conn")
    await simulator.advance(86400)  # the 2nd of October has come, but the world's record is not replayed
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=4954071111&start_id=34460583&limit=1")
    assert payload["value"][0]["id"] != 34460583
