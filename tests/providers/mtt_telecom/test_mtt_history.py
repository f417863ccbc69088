"""Call history (getCallHistory, getServiceHistoryByCustomer, the archive endpoint), balances
and account lists, record URLs and downloads."""
from __future__ import annotations

from simulator.testing.harness import SimulatorHarness

from .conftest import OTHER, RC, SLUG

SERVICE_EXAMPLE = {"type": "dialed", "customer_name": "110011256", "date_from": "2017-09-14 16:01:05",
                   "date_to": "2017-09-14 16:01:10", "record_count": 20}


async def test_service_history_example_lives_in_the_archive(rpc):
    status, body = await rpc("getServiceHistoryByCustomer", SERVICE_EXAMPLE, path="/archive/index.php")
    rows = body["result"]["dialed"]
    assert set(body["result"]) == {"dialed", "success"} and body["result"]["success"] == 1
    assert [r["account_id"] for r in rows] == ["74951349387", "883140584982783", "883140587615452"]
    assert rows[0] == {"cli": "79066899000", "cld": "74959333223", "customer_local_time": "2017-09-14 16:01:09",
                       "connect_time": "2017-09-14 16:01:09", "charged_time": "119", "charged": 2.48,
                       "destination": ".", "h323_conf_id": "2B23D937 BD9BCF86 E89D407D 44DA0162",
                       "h323_incoming_conf_id": "AC4D7D28 994C11E7 88C6AC16 2D8CE148", "curr": "RUB",
                       "setup_time_ms": "4581", "disconnect_cause": "16", "account_id": "74951349387",
                       "used_quantity": "119", "voice_record_exist": False}
    status, body = await rpc("getServiceHistoryByCustomer", {**SERVICE_EXAMPLE, "order": "asc", "record_count": 2},
                             path="/archive/index.php")
    assert [r["connect_time"][-2:] for r in body["result"]["dialed"]] == ["07", "08"]
    status, body = await rpc("getServiceHistoryByCustomer", {**SERVICE_EXAMPLE, "filter": "79104080307"},
                             path="/archive/index.php")
    assert [r["cli"] for r in body["result"]["dialed"]] == ["74993018267"]
    # /index.php serves calls from 2020-11-19 on (wire-facts 4.1)
    status, body = await rpc("getServiceHistoryByCustomer", SERVICE_EXAMPLE)
    assert body["result"] == {"dialed": [], "success": 1}


async def test_call_history_example(rpc):
    params = {"sip_id": "74996480000", "date_from": "01.02.2018 00:00:00", "date_to": "30.10.2019 22:23:35"}
    status, body = await rpc("getCallHistory", params, id="3", path="/archive/index.php")
    result = body["result"]
    assert result["incoming"] == [] and result["missed"] == [] and result["callback"] == []
    assert result["success"] == 1
    assert result["dialed"][0] == {
        "cli": "79103880489", "clid": "79103880490", "customer_local_time": "2018-02-06 16:51:17",
        "connect_time": "2018-02-06 16:51:17", "charged_time": "0", "charged": 0, "destination": "RUSSIAN FEDERATION",
        "curr": "RUB", "disconnect_cause": "16", "used_quantity": "32", "h323_conf_id": "07A9B59A 05F65003 13B136EE D90263EE"}
    assert "h323_conf_id" not in result["dialed"][1]
    status, body = await rpc("getCallHistory", {**params, "date_from": "30.10.2019 10:23:35"}, id="3")
    assert body["result"]["dialed"] == []


async def test_history_errors(rpc):
    for params, data in (({"sip_id": "74996480000", "date_from": "2019-10-30"}, "Invalid begin date"),
                         ({"sip_id": "74996480000", "date_to": "31.02.2019 10:00:00"}, "Invalid end date"),
                         ({"sip_id": "74996480000", "date_from": "02.01.2019 00:00:00",
                           "date_to": "01.01.2019 00:00:00"}, "Invalid begin date")):
        status, body = await rpc("getCallHistory", params, id="3")
        assert status == 200 and body["error"] == {"code": -32602, "message": "Invalid params", "data": data}
    for sip in ("70000000000", "74950009999"):
        status, body = await rpc("getCallHistory", {"sip_id": sip}, id="3")
        assert status == 404 and body["error"] == {"code": -32001, "message": "Data not found", "data": "No data found"}
    for change, name in (({"type": "all"}, "type"), ({"order": "up"}, "order"), ({"record_count": 0}, "record_count"),
                         ({"record_count": "many"}, "record_count")):
        status, body = await rpc("getServiceHistoryByCustomer", {**SERVICE_EXAMPLE, **change})
        assert body["error"]["data"] == f"Unknown param '{name}' value"
    status, body = await rpc("getServiceHistoryByCustomer", {**SERVICE_EXAMPLE, "date_to": "yesterday"})
    assert body["error"]["data"] == "Invalid end date"
    status, body = await rpc("getServiceHistoryByCustomer", SERVICE_EXAMPLE, auth=OTHER)
    assert body["error"]["data"] == "agent does not have access to this customer"


async def test_generated_history_limits_and_order(rpc, simulator):
    params = {"type": "incoming", "customer_name": "110011256", "date_from": "2026-11-01 00:00:00",
              "date_to": "2026-11-30 00:00:00", "record_count": 5000}
    status, body = await rpc("getServiceHistoryByCustomer", params)
    rows = body["result"]["incoming"]
    assert 0 < len(rows) <= 1000
    assert [r["connect_time"] for r in rows] == sorted((r["connect_time"] for r in rows), reverse=True)
    assert all(r["cld"] != "" and r["account_id"] in {"74951349387", "883140584982783", "883140587615452",
                                                      "74996480000"} for r in rows)
    status, body = await rpc("getServiceHistoryByCustomer", {**params, "record_count": 3})
    assert len(body["result"]["incoming"]) == 3
    # no dates: the last half hour, which holds nothing generated at the start
    status, body = await rpc("getServiceHistoryByCustomer", {"type": "incoming", "customer_name": "110011256",
                                                             "record_count": 10})
    assert body["result"]["incoming"] == [] or all(r["connect_time"] >= "2026-11-23 05:30:00"
                                                   for r in body["result"]["incoming"])


async def test_engine_calls_feed_history_and_balance(rpc, simulator):
    before = (await rpc("getCustomerBalance", ["110000000"]))[1]["result"]
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345897")
    await simulator.advance(120)   # 79684881033 answers after 3 s; the caller (default party) hangs up 45 s later
    assert call.ended
    status, body = await rpc("getServiceHistoryByCustomer", {"type": "forwarded", "customer_name": "110000000",
                                                             "record_count": 10, "filter": "79031234567"})
    row = body["result"]["forwarded"][0]
    assert row["cli"] == "79031234567" and row["cld"] == "79684881033" and row["account_id"] == "74951345897"
    assert row["used_quantity"] == "45" and row["charged_time"] == "60" and row["charged"] == 1.5
    status, body = await rpc("getCallHistory", {"sip_id": "74951345897"})
    assert body["result"]["incoming"][-1]["cli"] == "79031234567"
    after = (await rpc("getCustomerBalance", {"customer_name": "110000000"}))[1]["result"]
    assert round(before["balance"] - after["balance"], 2) == 1.5
    assert round(before["real_balance"] - after["real_balance"], 2) == 1.5


async def test_history_is_the_same_for_one_seed(simulator):
    other = SimulatorHarness()
    await other.start()
    try:
        assert other.sim.providers[SLUG].snapshot() == simulator.sim.providers[SLUG].snapshot()
    finally:
        await other.stop()


async def test_balance_and_account_list_examples(rpc):
    status, body = await rpc("getCustomerBalance", ["110000000"], id=1)
    assert body == {"jsonrpc": "2.0", "id": 1, "result": {"balance": 121.54, "real_balance": 711.54,
                                                           "pending_payment": 0.0}}
    status, body = await rpc("getPersonalAccountList", {"customer_name": "110011111", "limit": 5, "offset": 1})
    assert [r["account_number"] for r in body["result"]] == ["74951373222", "74951374017", "74951340438",
                                                             "74951374095", "74951374096"]
    assert body["result"][3] == {"account_number": "74951374095", "activation_date": "25.11.2020 00:00:00",
                                 "status": "active"}
    status, body = await rpc("getPersonalAccountList", {"customer_name": "110011111", "limit": 2})
    assert [r["account_number"] for r in body["result"]] == ["74951373220", "74951373222"]
    for bad in ({"limit": -1}, {"limit": "x"}, {"limit": 0}):
        status, body = await rpc("getPersonalAccountList", {"customer_name": "110011111", **bad})
        assert body["error"] == {"code": -32602, "message": "Invalid params", "data": "Unknown param 'limit' value"}
    status, body = await rpc("getPersonalAccountList", {"customer_name": "110011111", "offset": -3})
    assert body["error"]["data"] == "Unknown param 'offset' value"
    status, body = await rpc("getCustomerBalance", [])
    assert body["error"]["code"] == -32602


async def test_record_urls_and_downloads(rest, simulator):
    status, urls, _ = await rest("GET", "/v1/records/0000B3A4_55F311E4_A2420025_9062EDC4/urls", auth=RC,
                                 host="rc.mtt.ru")
    assert urls == ["http://rc.mtt.ru/29132333/00/00/B3/A4/55/F3/11/E4/A2/42/00/25/90/62/ED/C4/"
                    "0000B3A4_55F311E4_A2420025_9062EDC4_1.wav"]
    status, audio, headers = await rest("GET", urls[0].removeprefix("http://rc.mtt.ru"))
    assert status == 200 and headers["Content-Type"] == "audio/wav" and audio[:4] == b"RIFF"
    status, urls, _ = await rest("GET", "/v1/records/AA7C6C7E 932911E9 B87E5CB9 01FED6FC/urls", auth=RC)
    assert urls == ["http://rs.mtt.ru/29132333/AA7C6C7E_932911E9_B87E5CB9_01FED6FC_1.wav",
                    "http://rs.mtt.ru/29132333/AA7C6C7E_932911E9_B87E5CB9_01FED6FC_2.wav"]
    status, urls, _ = await rest("GET", "/v2/records/AA7C6C7E_932911E9_B87E5CB9_01FED6FC/urls?format=mp3", auth=RC)
    assert all(u.endswith(".mp3") for u in urls) and len(urls) == 2
    status, audio, headers = await rest("GET", urls[1].removeprefix("http://rs.mtt.ru"), host="rs.mtt.ru")
    assert status == 200 and headers["Content-Type"] == "audio/mpeg" and audio[:1] == b"\xff"
    assert (await rest("GET", "/v1/records/0000B3A4_55F311E4_A2420025_9062EDC4/urls"))[0] == 401
    assert (await rest("GET", "/v1/records/0000B3A4_55F311E4_A2420025_FFFFFFFF/urls", auth=RC))[0] == 404
    assert (await rest("GET", "/v1/records/not-an-id/urls", auth=RC))[0] == 404
    assert (await rest("GET", "/v2/records/0000B3A4_55F311E4_A2420025_9062EDC4/urls?format=ogg", auth=RC))[0] == 400
    assert (await rest("GET", "/29132333/0000B3A4_55F311E4_A2420025_9062EDC4_1.wav"))[0] == 404
    assert (await rest("GET", "/29132333/AA7C6C7E_932911E9_B87E5CB9_01FED6FC_3.wav"))[0] == 404


async def test_recorded_engine_call_has_record_urls(rpc, rest, simulator):
    await rpc("setFollowme", ["74951349387", [{"redirect_number": "79684881033"}]])
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951349387")
    await simulator.advance(120)
    assert call.ended and call.recording_id
    status, body = await rpc("getServiceHistoryByCustomer", {"type": "incoming", "customer_name": "110011256",
                                                             "record_count": 1, "filter": "79031234567"})
    row = body["result"]["incoming"][0]
    assert row["voice_record_exist"] is True and row["h323_conf_id"] == call.meta["h323_conf_id"]
    status, urls, _ = await rest("GET", f"/v1/records/{row['h323_conf_id']}/urls", auth=RC)
    assert status == 200 and len(urls) == 1
    status, audio, _ = await rest("GET", urls[0].removeprefix("http://rc.mtt.ru"))
    assert status == 200 and abs(len(audio) - len(await simulator.engine.recordings.get(call.recording_id)
                                                  .render("wav"))) == 0


def test_history_store_is_bounded_and_keeps_its_indexes(monkeypatch):
    from simulator.providers.mtt_telecom import cdr
    monkeypatch.setattr(cdr, "MAX_ROWS", 5)
    hist = cdr.CustomerHistory()
    for i in range(12):
        hist.add(cdr.Cdr(float(i), "dialed" if i % 2 else "incoming", f"acc{i % 3}", "7900", f"79{i}"))
    assert [r.ts for r in hist.all.rows] == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert [r.ts for r in hist.of_type("dialed").between(0, 99)] == [7.0, 9.0, 11.0]
    assert [r.ts for r in hist.of_type("incoming", "7900").between(0, 99)] == [8.0, 10.0]
    assert [r.ts for r in hist.of_account("acc0").between(0, 99)] == [9.0]
    assert hist.of_type("dialed", "791").between(0, 99) == []


async def test_world_patch_is_a_support_change(rpc, simulator):
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345897")
    await simulator.advance(120)
    assert call.ended
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"customers": {
        "110000000": {"balance": 50.0, "real_balance": 60.0}}}}}}})
    status, body = await rpc("getCustomerBalance", ["110000000"])
    assert body["result"]["balance"] == 50.0 and body["result"]["real_balance"] == 60.0
    status, body = await rpc("getCallHistory", {"sip_id": "74951345897"})
    assert body["result"]["incoming"][-1]["cli"] == "79031234567"   # the session's history stays


async def test_callback_calls_are_in_the_history_of_their_number(rpc, simulator):
    await rpc("makeCallBackCallFollowme", {"customer_name": "883140500000000", "b_number": "79157775533"})
    await simulator.advance(90)
    status, body = await rpc("getCallHistory", {"sip_id": "74951001010"})
    row = body["result"]["callback"][-1]
    assert row["cli"] == "79684881033" and row["clid"] == "79157775533" and row["charged"] == 3
