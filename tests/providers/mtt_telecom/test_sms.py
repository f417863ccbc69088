"""SMS API (msapi.mtt.ru): numbers, sending with its status events, history and filters."""
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings, strategies as st

from simulator.providers.mtt_telecom.sms_store import GSM7, segment_count

from .rest_client import SMS_SID, SMS_SID2, SMS_TOKEN, SMS_TOKEN2, send

BASE = f"/v2/accounts/{SMS_SID}"
AUTH = (SMS_SID, SMS_TOKEN)


@pytest.fixture
def sms_events(simulator, callback_sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"msapi": {
        SMS_SID: {"event_url": callback_sink.url("/sms")}, SMS_SID2: {"event_url": callback_sink.url("/sms2")}}}}}}})
    return callback_sink


def _form(req) -> dict:
    return {k: v[0] for k, v in parse_qs(req.text, keep_blank_values=True).items()}


async def test_numbers_page_as_the_example(simulator):
    status, body = await send(simulator, "GET", BASE + "/numbers", auth=AUTH)
    assert status == 200
    assert {"page": 1, "total": 3, "limit": 20, "offset": 0, "prev": "", "next": ""}.items() <= body.items()
    assert {"number": "35800445016", "direction": "OUT"} in [
        {k: n[k] for k in ("number", "direction")} for n in body["numbers"]]


async def test_numbers_paging_links(simulator):
    status, body = await send(simulator, "GET", BASE + "/numbers?offset=1&limit=1", auth=AUTH)
    assert status == 200 and len(body["numbers"]) == 1
    assert body["page"] == 2 and body["offset"] == 1 and body["limit"] == 1
    assert "offset=0" in body["prev"] and "offset=2" in body["next"]
    status, body = await send(simulator, "GET", BASE + "/numbers?limit=500", auth=AUTH)
    assert body["limit"] == 20  # at most 20 per page


@pytest.mark.parametrize("query", ["limit=abc", "limit=0", "offset=-1"])
async def test_bad_paging(simulator, query):
    status, body = await send(simulator, "GET", BASE + "/numbers?" + query, auth=AUTH)
    assert status == 400 and body["status_code"] == 400 and body["error"].startswith("Invalid params: ")
    assert body["request_id"]


async def test_authentication(simulator):
    status, body = await send(simulator, "GET", BASE + "/numbers", auth=(SMS_SID, "wrong"))
    assert status == 401 and body["status_code"] == 401
    status, _ = await send(simulator, "GET", BASE + "/numbers")
    assert status == 401
    # another account's credentials do not open this one
    status, _ = await send(simulator, "GET", BASE + "/numbers", auth=(SMS_SID2, SMS_TOKEN2))
    assert status == 401
    # the document's other spellings of the accountSID name the same account
    status, _ = await send(simulator, "GET", "/v2/accounts/accefd5c385-f2aa-3dd4-9c0b-01abf00ccffe/numbers", auth=AUTH)
    assert status == 200


async def test_send_lifecycle_and_events(simulator, sms_events):
    status, body = await send(simulator, "POST", BASE + "/messages", auth=AUTH,
                              json={"from": "79587625004", "to": "79587643270", "text": "test inbound", "tag": "t-1"})
    assert status == 201 and body["status_code"] == 201 and body["status_message"] == "CREATED"
    sid = body["uri"].rsplit("/", 1)[1]
    assert body["uri"] == f"{BASE}/messages/{sid}" and sid.startswith("msg")
    await simulator.advance(10)
    events = [_form(r) for r in sms_events.received("/sms")]
    assert [e["status"] for e in events] == ["queued", "prebilling", "sent", "delivered"]
    assert events[0] == {"account_sid": SMS_SID, "direction": "outbound", "from": "79587625004", "hash": "view",
                         "message_sid": sid, "status": "queued", "text": "test inbound", "to": "79587643270"}
    assert all(r.content_type == "application/x-www-form-urlencoded" for r in sms_events.received("/sms"))
    status, one = await send(simulator, "GET", f"{BASE}/messages/{sid}", auth=AUTH)
    assert status == 200 and one["total"] == 1
    msg = one["messages"][0]
    assert msg == {"account_sid": SMS_SID, "message_sid": sid, "text": "test inbound", "created_at": msg["created_at"],
                   "direction": "outbound", "number": "79587625004", "external_number": "79587643270",
                   "status": "delivered", "segment_count": 1, "tag": "t-1"}
    assert isinstance(msg["created_at"], int)


async def test_scripted_failures_per_number(simulator, sms_events):
    for to in ("79990000404", "79990000403"):
        status, _ = await send(simulator, "POST", BASE + "/messages", auth=AUTH,
                               json={"from": "79587625004", "to": to, "text": "x"})
        assert status == 201
    await simulator.advance(10)
    by_to: dict = {}
    for e in map(_form, sms_events.received("/sms")):
        by_to.setdefault(e["to"], []).append(e["status"])
    assert by_to["79990000404"] == ["queued", "prebilling", "sent", "undelivered"]
    assert by_to["79990000403"] == ["queued", "prebilling", "rejected"]


async def test_get_events_when_the_account_chooses_get(simulator, callback_sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"msapi": {
        SMS_SID2: {"event_url": callback_sink.url("/get"), "event_method": "GET"}}}}}}})
    status, _ = await send(simulator, "POST", f"/v2/accounts/{SMS_SID2}/messages", auth=(SMS_SID2, SMS_TOKEN2),
                           json={"from": "79587625012", "to": "79587643270", "text": "test inbound"})
    assert status == 201
    await simulator.advance(1)
    first = callback_sink.received("/get")[0]
    assert first.method == "GET" and first.query["status"] == "queued" and first.query["text"] == "test inbound"


@pytest.mark.parametrize("body,error", [
    ({"from": "79587625004", "to": "79587643270", "text": ""}, "Invalid params: text shouldn't be empty"),
    ({"from": "79587625004", "to": "79587643270"}, "Invalid params: text shouldn't be empty"),
    ({"to": "79587643270", "text": "x"}, "Invalid params: from shouldn't be empty"),
    ({"from": "79587625004", "text": "x"}, "Invalid params: to shouldn't be empty"),
    ({"from": "79587625004", "to": "abc", "text": "x"}, "Invalid params: to should be a phone number in E.164 format"),
    ({"from": "79000000000", "to": "79587643270", "text": "x"},
     "Invalid params: from number 79000000000 is not allowed for outbound messages"),
    ({"from": "79587625004", "to": "79587643270", "text": ["x"]}, "Invalid params: text should be a string"),
    ({"from": "79587625004", "to": "79587643270", "text": "я" * 700},
     "Invalid params: text shouldn't be longer than 10 segments"),
])
async def test_send_errors(simulator, body, error):
    status, answer = await send(simulator, "POST", BASE + "/messages", auth=AUTH, json=body)
    assert status == 400
    assert answer["status_code"] == 400 and answer["error"] == error and answer["request_id"]


async def test_send_not_json(simulator):
    status, answer = await send(simulator, "POST", BASE + "/messages", auth=AUTH, data=b"{nope",
                                headers={"Content-Type": "application/json"})
    assert status == 400 and answer["error"].startswith("Invalid params")


async def test_history_examples_and_filters(simulator):
    status, one = await send(simulator, "GET", f"{BASE}/messages/msg660c1d96-bdd3-4e62-a682-9665309b5cc3", auth=AUTH)
    assert status == 200
    assert one["messages"][0]["text"] == "tester2 Privet!" and one["messages"][0]["status"] == "received"
    status, page = await send(simulator, "GET", BASE + "/messages?limit=5", auth=AUTH)
    assert status == 200 and page["limit"] == 5 and len(page["messages"]) == 5 and page["total"] > 5
    assert "offset=5" in page["next"] and page["prev"] == ""
    created = [m["created_at"] for m in page["messages"]]
    assert created == sorted(created, reverse=True)  # newest first
    status, found = await send(simulator, "GET", BASE + "/messages?external_number=79166597045&direction=inbound",
                               auth=AUTH)
    assert {m["message_sid"] for m in found["messages"]} >= {"msg660c1d96-bdd3-4e62-a682-9665309b5cc3",
                                                              "msg9b23d61c-c28b-40cb-bd2c-adf290a3219c"}
    assert all(m["external_number"] == "79166597045" for m in found["messages"])
    status, out = await send(simulator, "GET", BASE + "/messages?direction=outbound&status=delivered", auth=AUTH)
    assert out["messages"] and all(m["direction"] == "outbound" and m["status"] == "delivered" for m in out["messages"])
    status, numbers = await send(simulator, "GET", BASE + "/numbers", auth=AUTH)
    nsid = next(n["number_sid"] for n in numbers["numbers"] if n["number"] == "79587625002")
    status, by_sid = await send(simulator, "GET", f"{BASE}/messages?number_sid={nsid}", auth=AUTH)
    assert by_sid["messages"] and all(m["number"] == "79587625002" for m in by_sid["messages"])
    status, none = await send(simulator, "GET", BASE + "/messages?message_sid=msgnothing", auth=AUTH)
    assert none["total"] == 0 and none["messages"] == []


async def test_unknown_message(simulator):
    status, body = await send(simulator, "GET", f"{BASE}/messages/msg00000000-0000-4000-8000-000000000000", auth=AUTH)
    assert status == 404 and body["status_code"] == 404


async def test_inbound_message_from_the_control_api(simulator, sms_events):
    status, msg = await send(simulator, "POST", "/_sim/providers/mtt-telecom/actions/sms.inbound",
                             json={"account_sid": SMS_SID2, "from": "79587643270", "to": "79587625012",
                                   "text": "Test inbound"})
    assert status == 200 and msg["direction"] == "inbound" and msg["status"] == "received"
    await simulator.advance(1)
    event = _form(sms_events.received("/sms2")[0])
    assert event == {"account_sid": SMS_SID2, "direction": "inbound", "from": "79587643270", "hash": "view",
                     "message_sid": msg["message_sid"], "status": "received", "text": "Test inbound",
                     "to": "79587625012"}
    status, body = await send(simulator, "POST", "/_sim/providers/mtt-telecom/actions/sms.inbound",
                              json={"account_sid": SMS_SID2, "from": "79587643270", "to": "70000000000", "text": "x"})
    assert status == 422


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=1, max_size=700))
def test_segment_count_is_the_fewest_parts_that_hold_the_text(text):
    gsm = all(ch in GSM7 for ch in text)
    single, part = (160, 153) if gsm else (70, 67)
    n = segment_count(text)
    if len(text) <= single:
        assert n == 1
    else:
        assert (n - 1) * part < len(text) <= n * part


async def test_status_filter_keeps_newest_first(simulator, sms_events):
    sids = []
    for text in ("first", "second"):
        status, body = await send(simulator, "POST", BASE + "/messages", auth=AUTH,
                                  json={"from": "79587625004", "to": "79587643270", "text": text})
        sids.append(body["uri"].rsplit("/", 1)[1])
        await simulator.advance(1)
    await simulator.advance(10)
    status, page = await send(simulator, "GET", BASE + "/messages?status=delivered&direction=outbound&number=79587625004",
                              auth=AUTH)
    assert [m["message_sid"] for m in page["messages"][:2]] == sids[::-1]


async def test_history_is_bounded(simulator, monkeypatch):
    from simulator.providers.mtt_telecom import sms_store
    monkeypatch.setattr(sms_store, "MAX_MESSAGES", 3)
    for i in range(5):
        await send(simulator, "POST", BASE + "/messages", auth=AUTH,
                   json={"from": "79587625004", "to": "79587643270", "text": f"m{i}"})
    await simulator.advance(10)
    status, page = await send(simulator, "GET", BASE + "/messages", auth=AUTH)
    assert page["total"] == 3 and [m["text"] for m in page["messages"]] == ["m4", "m3", "m2"]


async def test_unknown_paths_and_methods_answer_the_envelope(simulator):
    status, body = await send(simulator, "DELETE", BASE + "/messages", auth=AUTH)
    assert status == 405 and body["status_code"] == 405 and body["request_id"]
    status, body = await send(simulator, "GET", BASE + "/nothing", auth=AUTH)
    assert status == 404 and body["status_code"] == 404


async def test_events_need_https_outside_test_receivers(simulator):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"msapi": {
        SMS_SID: {"event_url": "http://crm.example.ru/sms"}}}}}}})
    await send(simulator, "POST", BASE + "/messages", auth=AUTH, json={"from": "79587625004", "to": "79587643270",
                                                                      "text": "x"})
    await simulator.advance(10)
    events = simulator.journal(provider="mtt-telecom", direction="out", kind="SMS event")
    assert len(events) == 4 and all(e["error"] == "refused" for e in events)


async def test_deeply_nested_body(simulator):
    status, body = await send(simulator, "POST", BASE + "/messages", auth=AUTH, data=b"[" * 100000 + b"]" * 100000,
                              headers={"Content-Type": "application/json"})
    assert status == 400 and body["status_code"] == 400


async def test_control_actions_are_listed(simulator):
    status, body = await send(simulator, "POST", "/_sim/providers/mtt-telecom/actions/nothing", json={})
    assert status == 404 and "sms.inbound" in body["error"]
    status, body = await send(simulator, "POST", "/_sim/providers/mtt-telecom/actions/sms.inbound",
                              json={"account_sid": "accnothing", "from": "79587643270", "to": "79587625012"})
    assert status == 404


async def test_the_seeded_history_does_not_depend_on_when_it_is_first_read(simulator):
    """Histories are generated on first use (start-up does not pay for Faker), with the reset's
    time and in reset order: the same messages, ids and times however late they are read."""
    from simulator.providers.mtt_telecom import sms

    provider = simulator.sim.providers["mtt-telecom"]
    first = sms.api(provider).snapshot()
    provider.reset()
    await simulator.advance(3600)
    late = sms.api(provider)
    assert late.accounts[SMS_SID2].sid == SMS_SID2  # another account read first
    assert late.snapshot() == first and any(first.values())
